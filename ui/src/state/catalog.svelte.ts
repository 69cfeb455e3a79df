import type { AgentDefinition } from '@wissensnetz/protocol'
import { type AgentSummary, listAgents } from '../services/agents.ts'
import { type ApiError, toApiError } from '../services/http.ts'
import {
  applyCatalogUpdate,
  type CatalogListing,
  getCatalogEntry,
  importCatalogAgent,
  listCatalog,
  publishAgent,
  withdrawAgent,
} from '../services/network.ts'

/** What the last action did, for the page to say so. */
export type CatalogNotice =
  | { kind: 'imported'; name: string; localAgentId: string }
  | { kind: 'updated'; name: string; localAgentId: string; version: number }
  | { kind: 'published'; name: string; version: number }
  | { kind: 'withdrawn'; name: string }

/**
 * The network's shared agent catalogue: browse and search, one definition opened, import (a local draft that
 * remembers where it came from), a publisher's newer version offered and applied only when the user asks,
 * publishing this node's own agents and withdrawing them.
 */
export class CatalogState {
  query = $state('')
  entries = $state<CatalogListing[]>([])
  loading = $state(false)
  error = $state<ApiError | null>(null)
  detail = $state<{ listing: CatalogListing; definition: AgentDefinition } | null>(null)
  /** this node's own agents (to publish, and to see which have a version newer than the catalogue's) */
  ownAgents = $state<AgentSummary[]>([])
  /** the catalogue entry (or local agent) an action is running for */
  busy = $state<string | null>(null)
  notice = $state<CatalogNotice | null>(null)
  actionError = $state<ApiError | null>(null)
  /** an import refused because the agent exists here already; the user may import a copy */
  importConflict = $state<{ listing: CatalogListing; error: ApiError } | null>(null)
  private listRequest = 0

  async refresh(): Promise<void> {
    const request = ++this.listRequest
    this.loading = true
    try {
      const entries = await listCatalog(this.query)
      if (request !== this.listRequest) return
      this.entries = entries
      this.error = null
    } catch (err) {
      if (request === this.listRequest) this.error = toApiError(err)
    } finally {
      if (request === this.listRequest) this.loading = false
    }
  }

  async loadOwnAgents(): Promise<void> {
    try {
      this.ownAgents = (await listAgents()).agents.filter((a) => a.origin === 'local')
    } catch (err) {
      this.actionError = toApiError(err)
    }
  }

  /** Local agents that may be offered to the network: this node's own, saved as published (not drafts), not yet shared. */
  get publishable(): AgentSummary[] {
    return this.ownAgents.filter((a) => a.status === 'published')
  }

  /** The local version of an own entry when it is newer than the one in the catalogue. */
  newerLocalVersion(listing: CatalogListing): number | null {
    if (!listing.own) return null
    const local = this.ownAgents.find((a) => a.id === listing.agentId)
    return local !== undefined && local.version > listing.version ? local.version : null
  }

  async open(agentId: string): Promise<void> {
    try {
      this.detail = await getCatalogEntry(agentId)
      this.error = null
    } catch (err) {
      this.detail = null
      this.error = toApiError(err)
    }
  }

  close(): void {
    this.detail = null
  }

  /** What the last visit said (done, failed, a conflict) is not news on the next one. */
  forget(): void {
    this.notice = null
    this.actionError = null
    this.importConflict = null
  }

  async importAgent(listing: CatalogListing, asCopy = false): Promise<void> {
    this.importConflict = null
    await this.act(listing.agentId, async () => {
      try {
        const { localAgentId } = await importCatalogAgent(listing.agentId, asCopy)
        this.notice = { kind: 'imported', name: listing.name, localAgentId }
      } catch (err) {
        const error = toApiError(err)
        if (error.status !== 409 || asCopy) throw error
        this.importConflict = { listing, error }
      }
    })
  }

  async applyUpdate(listing: CatalogListing, localAgentId: string): Promise<void> {
    await this.act(listing.agentId, async () => {
      await applyCatalogUpdate(listing.agentId, localAgentId)
      this.notice = { kind: 'updated', name: listing.name, localAgentId, version: listing.version }
    })
  }

  async publish(agent: { id: string; name: string }): Promise<void> {
    await this.act(agent.id, async () => {
      const { version } = await publishAgent(agent.id)
      this.notice = { kind: 'published', name: agent.name, version }
    })
  }

  async withdraw(listing: CatalogListing): Promise<void> {
    await this.act(listing.agentId, async () => {
      await withdrawAgent(listing.agentId)
      this.notice = { kind: 'withdrawn', name: listing.name }
      if (this.detail?.listing.agentId === listing.agentId) this.detail = null
    })
  }

  /** Runs an action, then reloads what it changed (the list, the opened entry, the own agents). */
  private async act(id: string, action: () => Promise<void>): Promise<void> {
    this.busy = id
    this.notice = null
    this.actionError = null
    try {
      await action()
    } catch (err) {
      this.actionError = toApiError(err)
    } finally {
      this.busy = null
    }
    const opened = this.detail?.listing.agentId
    await Promise.all([this.refresh(), this.loadOwnAgents(), opened === undefined ? undefined : this.open(opened)])
  }
}

export const catalogState = new CatalogState()
