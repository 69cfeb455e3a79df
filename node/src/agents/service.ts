import {
  type AgentDefinition,
  type AgentDraft,
  type AgentStatus,
  agentDefinitionSchema,
  checkAgentInput,
  createAgentRequestSchema,
  MAX_AGENT_NAME_CHARS,
  updateAgentRequestSchema,
} from '@wissensnetz/protocol'
import { randomUUID } from 'node:crypto'
import type { ZodType } from 'zod'
import { NotFoundError } from '../errors.ts'
import { invalidAgent, StaleAgentVersionError } from './errors.ts'
import type { AgentRepository, AgentVersionRow, StoredAgent } from './repository.ts'

export interface AgentServiceInit {
  /** authorMunicipality of agents created here when the draft names none (the node's name) */
  municipality: string
  now?: () => Date
  newId?: () => string
}

export interface AgentListFilter {
  /** words that must each appear in name, category or description (case-insensitive) */
  query?: string
  category?: string
}

const LOCALE = 'de'

/**
 * Agents of this node: every save is a new version, deletion is soft, ids are never reused. Validation of
 * what people send happens here, so that the API and the command line refuse the same things the same way.
 */
export class AgentService {
  private readonly municipality: string
  private readonly now: () => Date
  private readonly newId: () => string

  constructor(
    readonly repository: AgentRepository,
    init: AgentServiceInit,
  ) {
    this.municipality = init.municipality
    this.now = init.now ?? (() => new Date())
    this.newId = init.newId ?? randomUUID
  }

  create(input: unknown, author: string): StoredAgent {
    const request = this.check(createAgentRequestSchema, input, 'Der Assistent wurde nicht gespeichert.')
    const { status, ...draft } = request
    const at = this.now().toISOString()
    return this.insertNew(
      this.build(draft, { id: this.newId(), version: 1, createdAt: at, updatedAt: at, provenance: { origin: 'local' } }),
      status ?? 'draft',
      author,
    )
  }

  /** Saves a new version; refused when `baseVersion` is not the current version (someone saved in between). */
  update(id: string, input: unknown, author: string): StoredAgent {
    const request = this.check(updateAgentRequestSchema, input, 'Der Assistent wurde nicht gespeichert.')
    const { baseVersion, status, ...draft } = request
    const current = this.get(id)
    if (current.record.currentVersion !== baseVersion) throw new StaleAgentVersionError(current.record.currentVersion, baseVersion)
    const previous = current.definition
    const next = this.build(draft, {
      id,
      version: baseVersion + 1,
      createdAt: previous.createdAt,
      updatedAt: this.now().toISOString(),
      provenance: previous.provenance,
    })
    if (!this.repository.appendVersion(next, baseVersion, author, status)) {
      throw new StaleAgentVersionError(this.repository.record(id)?.currentVersion ?? baseVersion + 1, baseVersion)
    }
    return this.get(id)
  }

  /** The current version, or a given one; deleted agents are not found. */
  get(id: string, version?: number): StoredAgent {
    const record = this.repository.record(id)
    if (record === undefined || record.deletedAt !== null) throw new NotFoundError(`Assistent "${id}"`)
    const row = this.repository.version(id, version ?? record.currentVersion)
    if (row === undefined) throw new NotFoundError(`Version ${version} des Assistenten "${id}"`)
    return { record, definition: row.definition }
  }

  current(id: string): AgentDefinition {
    return this.get(id).definition
  }

  /** Every saved version, newest first. */
  versions(id: string): AgentVersionRow[] {
    this.get(id)
    return this.repository.versions(id)
  }

  list(filter: AgentListFilter = {}): StoredAgent[] {
    const words = (filter.query ?? '').toLocaleLowerCase(LOCALE).split(/\s+/).filter(Boolean)
    const category = filter.category?.trim().toLocaleLowerCase(LOCALE)
    return this.repository
      .listCurrent()
      .filter(({ definition: d }) => {
        if (category !== undefined && category !== '' && d.category.toLocaleLowerCase(LOCALE) !== category) return false
        const haystack = `${d.name}\n${d.category}\n${d.description}`.toLocaleLowerCase(LOCALE)
        return words.every((w) => haystack.includes(w))
      })
      .sort((a, b) => a.definition.name.localeCompare(b.definition.name, LOCALE))
  }

  /** Knowledge-scope tags used by live agents (for binding them to sources). */
  scopeTags(): string[] {
    return [...new Set(this.repository.listCurrent().flatMap((a) => a.definition.knowledgeScope))]
  }

  categories(): string[] {
    return [...new Set(this.repository.listCurrent().map((a) => a.definition.category))].sort((a, b) => a.localeCompare(b, LOCALE))
  }

  /** Soft delete: the agent disappears; its versions stay for audit and its id is never given again. */
  delete(id: string): void {
    this.get(id)
    this.repository.softDelete(id, this.now().toISOString())
  }

  /** Lifecycle changes that are not edits (federation sets 'shared' when it publishes). */
  setStatus(id: string, status: AgentStatus): StoredAgent {
    this.get(id)
    this.repository.setStatus(id, status)
    return this.get(id)
  }

  /** A new local agent from an existing one (any version); the original stays as it is. */
  fork(id: string, author: string, version?: number): StoredAgent {
    const source = this.get(id, version).definition
    const at = this.now().toISOString()
    const { signature: _signature, ...unsigned } = source
    return this.insertNew(
      {
        ...unsigned,
        id: this.newId(),
        version: 1,
        name: copyName(source.name),
        authorMunicipality: this.municipality,
        createdAt: at,
        updatedAt: at,
        provenance: {
          origin: 'local',
          ...(source.provenance.sourceNode === undefined ? {} : { sourceNode: source.provenance.sourceNode }),
          sourceAgentId: source.id,
          sourceVersion: source.version,
        },
      },
      'draft',
      author,
    )
  }

  /** Stores a complete, new definition (create, fork, import, starter agents). */
  insertNew(definition: AgentDefinition, status: AgentStatus, author: string): StoredAgent {
    const checked = checkAgentInput(agentDefinitionSchema, definition)
    if (!checked.ok) throw invalidAgent('Der Assistent wurde nicht gespeichert.', checked.problems)
    this.repository.insert(checked.value, status, author)
    return this.get(definition.id)
  }

  newAgentId(): string {
    return this.newId()
  }

  timestamp(): string {
    return this.now().toISOString()
  }

  private check<T>(schema: ZodType<T>, input: unknown, intro: string): T {
    const checked = checkAgentInput(schema, input)
    if (!checked.ok) throw invalidAgent(intro, checked.problems)
    return checked.value
  }

  /** Keys in a fixed, readable order (export files are read by people). */
  private build(
    draft: AgentDraft,
    meta: Pick<AgentDefinition, 'id' | 'version' | 'createdAt' | 'updatedAt' | 'provenance'>,
  ): AgentDefinition {
    return {
      id: meta.id,
      version: meta.version,
      name: draft.name,
      description: draft.description,
      category: draft.category,
      instructions: draft.instructions,
      starterPrompts: draft.starterPrompts,
      parameters: draft.parameters,
      requiredCapabilities: draft.requiredCapabilities,
      knowledgeScope: draft.knowledgeScope,
      outputTemplate: draft.outputTemplate,
      language: draft.language,
      authorMunicipality: draft.authorMunicipality ?? this.municipality,
      licence: draft.licence,
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
      provenance: meta.provenance,
    }
  }
}

const COPY_SUFFIX = ' (Kopie)'
const MAX_NAME_CHARS_BEFORE_SUFFIX = MAX_AGENT_NAME_CHARS - COPY_SUFFIX.length

export function copyName(name: string): string {
  return `${name.slice(0, MAX_NAME_CHARS_BEFORE_SUFFIX).trimEnd()}${COPY_SUFFIX}`
}
