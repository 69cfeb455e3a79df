import { type AgentDefinition, agentFile, type CatalogListing } from '@wissensnetz/protocol'
import type { AgentService } from '../../agents/index.ts'
import { importAgent } from '../../agents/transfer.ts'
import { NotFoundError, ValidationError } from '../../errors.ts'
import type { MemberList } from '../members.ts'
import type { CatalogRepository, CatalogRow } from './store.ts'

const MAX_LISTING = 500

export interface CatalogBrowserComponents {
  repository: CatalogRepository
  members: MemberList
  selfId: string
  /** whether a local agent still exists (an import whose local agent was deleted offers no update) */
  localAgentExists: (localAgentId: string) => boolean
}

/**
 * Browsing the catalogue, importing (forking) an agent with its provenance, and applying a publisher's newer
 * version to a local import when the user asks for it.
 */
export class CatalogBrowser {
  constructor(private readonly c: CatalogBrowserComponents) {}

  list(query?: string, limit = MAX_LISTING): CatalogListing[] {
    return this.c.repository.search(query, Math.min(limit, MAX_LISTING)).map((row) => this.present(row))
  }

  get(agentId: string): { listing: CatalogListing; definition: AgentDefinition } {
    const row = this.c.repository.get(agentId)
    if (row === undefined || row.definition === null) throw new NotFoundError(`Katalogeintrag "${agentId}"`)
    return { listing: this.present(row), definition: JSON.parse(row.definition) as AgentDefinition }
  }

  /** Imports (forks) a catalogue agent as a local draft; provenance names the publishing node and version. */
  importAgent(
    agents: AgentService,
    agentId: string,
    author: string,
    options: { asCopy?: boolean } = {},
  ): { localAgentId: string; version: number } {
    const { listing, definition } = this.get(agentId)
    if (listing.withdrawn) throw new ValidationError('Dieser Assistent wurde zurückgezogen.')
    const stored = importAgent(agents, agentFile(definition), author, {
      sourceNode: listing.publisher,
      ...(options.asCopy === true ? { asCopy: true } : {}),
    })
    this.c.repository.recordImport(agentId, stored.definition.id, definition.version)
    return { localAgentId: stored.definition.id, version: definition.version }
  }

  /**
   * Applies the publisher's newer version to a local import, as a new local version. Only on request: a new
   * version in the catalogue is offered (updateAvailable), never applied silently.
   */
  applyUpdate(
    agents: AgentService,
    agentId: string,
    localAgentId: string,
    author: string,
  ): { localVersion: number; sourceVersion: number } {
    const { definition } = this.get(agentId)
    const imported = this.c.repository.imports(agentId).find((i) => i.local_agent_id === localAgentId)
    if (imported === undefined) throw new NotFoundError(`Import von "${agentId}" als "${localAgentId}"`)
    if (imported.imported_version >= definition.version) throw new ValidationError('Es gibt keine neuere Version.')
    const local = agents.get(localAgentId)
    const updated = agents.update(
      localAgentId,
      {
        name: definition.name,
        description: definition.description,
        category: definition.category,
        instructions: definition.instructions,
        starterPrompts: definition.starterPrompts,
        parameters: definition.parameters,
        requiredCapabilities: definition.requiredCapabilities,
        knowledgeScope: definition.knowledgeScope,
        outputTemplate: definition.outputTemplate,
        language: definition.language,
        authorMunicipality: definition.authorMunicipality,
        licence: definition.licence,
        baseVersion: local.record.currentVersion,
      },
      author,
    )
    this.c.repository.recordImport(agentId, localAgentId, definition.version)
    return { localVersion: updated.record.currentVersion, sourceVersion: definition.version }
  }

  private present(row: CatalogRow): CatalogListing {
    const imports = this.c.repository.imports(row.agent_id).filter((i) => this.c.localAgentExists(i.local_agent_id))
    const definition = row.definition === null ? null : (JSON.parse(row.definition) as AgentDefinition)
    const importedVersion = imports.length === 0 ? null : Math.max(...imports.map((i) => i.imported_version))
    return {
      agentId: row.agent_id,
      version: row.version,
      name: row.name,
      description: row.description,
      category: row.category,
      authorMunicipality: definition?.authorMunicipality ?? '',
      publisher: row.publisher,
      municipality: row.publisher === this.c.selfId ? 'eigene Kommune' : this.c.members.municipalityOf(row.publisher),
      publishedAt: row.published_at ?? '',
      receivedAt: row.received_at,
      withdrawn: row.withdrawn_at !== null,
      own: row.publisher === this.c.selfId,
      updateAvailable: imports.some((i) => i.imported_version < row.version),
      importedVersion,
      imports: imports.map((i) => ({ localAgentId: i.local_agent_id, importedVersion: i.imported_version })),
    }
  }
}
