import type { ScopeBinding } from '../agents/scope.ts'
import type { AgentVersionRow, StoredAgent } from '../agents/repository.ts'
import type { SourceRow } from '../store/sources.ts'

/** An agent as a client edits it: its definition plus the node's lifecycle state. */
export function presentAgent({ definition, record }: StoredAgent) {
  return { ...definition, status: record.status, currentVersion: record.currentVersion }
}

/** A line in the agent list. */
export function presentAgentSummary({ definition: d, record }: StoredAgent) {
  return {
    id: d.id,
    version: d.version,
    name: d.name,
    description: d.description,
    category: d.category,
    language: d.language,
    knowledgeScope: d.knowledgeScope,
    starterPrompts: d.starterPrompts,
    authorMunicipality: d.authorMunicipality,
    origin: d.provenance.origin,
    status: record.status,
    updatedAt: d.updatedAt,
  }
}

export function presentAgentVersion(row: AgentVersionRow) {
  return { version: row.version, name: row.definition.name, savedAt: row.createdAt, author: row.author }
}

/** Bindings with source names, plus the tags that agents use and that are not bound yet. */
export function presentScopeBindings(bindings: ScopeBinding[], sources: SourceRow[], tagsInUse: string[]) {
  const byId = new Map(sources.map((s) => [s.id, s]))
  const bound = new Set(bindings.map((b) => b.tag.toLocaleLowerCase('de')))
  return {
    bindings: bindings.map((b) => ({
      tag: b.tag,
      sources: b.sourceIds.flatMap((id) => {
        const source = byId.get(id)
        return source === undefined ? [] : [{ id: source.id, name: source.name }]
      }),
    })),
    unboundTags: [...new Set(tagsInUse.filter((t) => !bound.has(t.toLocaleLowerCase('de'))))].sort((a, b) => a.localeCompare(b, 'de')),
  }
}
