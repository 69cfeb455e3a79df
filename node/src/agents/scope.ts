import { checkAgentInput, scopeTagSchema } from '@wissensnetz/protocol'
import { ValidationError } from '../errors.ts'
import type { Db } from '../store/db.ts'
import type { SourceRepository } from '../store/sources.ts'

/** A knowledge-scope tag and the sources of this node it stands for. */
export interface ScopeBinding {
  tag: string
  sourceIds: number[]
}

/** A source by id or by name, as people type it. */
export type SourceRef = number | string

/**
 * Binds the abstract tags of agents ("Satzungen", "Bauamt") to this node's sources. Tags compare without
 * regard to case. A source that is removed drops out of every binding (foreign key cascade).
 */
export class ScopeBindings {
  constructor(
    private readonly db: Db,
    private readonly sources: SourceRepository,
  ) {}

  list(): ScopeBinding[] {
    const rows = this.db.prepare('SELECT tag, source_id FROM agent_scope_bindings ORDER BY tag, source_id').all() as Array<{
      tag: string
      source_id: number
    }>
    const byTag = new Map<string, ScopeBinding>()
    for (const row of rows) {
      const key = row.tag.toLocaleLowerCase('de')
      const binding = byTag.get(key) ?? { tag: row.tag, sourceIds: [] }
      binding.sourceIds.push(row.source_id)
      byTag.set(key, binding)
    }
    return [...byTag.values()]
  }

  /** Adds sources to a tag's binding. */
  bind(tag: string, refs: SourceRef[]): void {
    const checked = checkTag(tag)
    const ids = refs.map((ref) => this.sources.get(ref).id)
    const insert = this.db.prepare('INSERT OR IGNORE INTO agent_scope_bindings (tag, source_id) VALUES (?, ?)')
    this.db.transaction(() => {
      for (const id of ids) insert.run(checked, id)
    })()
  }

  /** Removes sources from a tag's binding; without sources, the whole tag. */
  unbind(tag: string, refs: SourceRef[] = []): void {
    if (refs.length === 0) {
      this.db.prepare('DELETE FROM agent_scope_bindings WHERE tag = ?').run(tag.trim())
      return
    }
    const ids = refs.map((ref) => this.sources.get(ref).id)
    const remove = this.db.prepare('DELETE FROM agent_scope_bindings WHERE tag = ? AND source_id = ?')
    this.db.transaction(() => {
      for (const id of ids) remove.run(tag.trim(), id)
    })()
  }

  /** Replaces every binding of this node at once; an unknown source refuses the whole request. */
  replaceAll(bindings: Array<{ tag: string; sources: SourceRef[] }>): void {
    const resolved = bindings.map((b) => ({ tag: checkTag(b.tag), ids: b.sources.map((ref) => this.sources.get(ref).id) }))
    const insert = this.db.prepare('INSERT OR IGNORE INTO agent_scope_bindings (tag, source_id) VALUES (?, ?)')
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM agent_scope_bindings').run()
      for (const b of resolved) for (const id of b.ids) insert.run(b.tag, id)
    })()
  }

  /** The union of sources bound to any of the tags, or null when none of them is bound. */
  sourceIdsFor(tags: readonly string[]): number[] | null {
    if (tags.length === 0) return null
    const rows = this.db
      .prepare(`SELECT DISTINCT source_id FROM agent_scope_bindings WHERE tag IN (${tags.map(() => '?').join(', ')}) ORDER BY source_id`)
      .all(...tags) as Array<{ source_id: number }>
    return rows.length === 0 ? null : rows.map((r) => r.source_id)
  }
}

function checkTag(tag: string): string {
  const checked = checkAgentInput(scopeTagSchema, tag, 'tag')
  if (!checked.ok) throw new ValidationError('Das Schlagwort ist ungültig.', checked.problems)
  return checked.value
}
