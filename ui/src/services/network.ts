import type {
  AgentDefinition,
  CatalogListing,
  FederatedQueryResponse,
  NetworkPeersResponse,
  QueryPreviewResponse,
} from '@wissensnetz/protocol'
import { api } from './http.ts'

export type { CatalogListing, FederatedQueryResponse, NetworkPeersResponse, QueryPreviewResponse }

const entryPath = (agentId: string) => `/api/network/catalog/${encodeURIComponent(agentId)}`

/** This node, the members of the network, connected or not, last seen, protocol versions. */
export const getPeers = (signal?: AbortSignal): Promise<NetworkPeersResponse> => api('/api/network/peers', { signal })

export async function listCatalog(query = ''): Promise<CatalogListing[]> {
  const suffix = query.trim() === '' ? '' : `?${new URLSearchParams({ q: query.trim() })}`
  return (await api<{ agents: CatalogListing[] }>(`/api/network/catalog${suffix}`)).agents
}

export const getCatalogEntry = (agentId: string): Promise<{ listing: CatalogListing; definition: AgentDefinition }> => api(entryPath(agentId))

export const publishAgent = (agentId: string): Promise<{ agentId: string; version: number }> =>
  api('/api/network/catalog/publish', { json: { agentId } })

export const withdrawAgent = (agentId: string): Promise<unknown> => api(`${entryPath(agentId)}/withdraw`, { method: 'POST' })

/** Imports (forks) a catalogue agent as a local draft; the node records where it came from. */
export const importCatalogAgent = (agentId: string, asCopy: boolean): Promise<{ localAgentId: string; version: number }> =>
  api(`${entryPath(agentId)}/import`, { json: asCopy ? { asCopy: true } : {} })

/** Applies the publisher's newer version to a local import, as a new local version (only when the user asks). */
export const applyCatalogUpdate = (agentId: string, localAgentId: string): Promise<{ localVersion: number; sourceVersion: number }> =>
  api(`${entryPath(agentId)}/update`, { json: { localAgentId } })

/** What would leave this node for a question: the anonymised text, what was removed, and to whom. */
export const previewQuestion = (question: string, signal?: AbortSignal): Promise<QueryPreviewResponse> =>
  api('/api/network/query/preview', { json: { question }, signal })

/**
 * Asks the other municipalities. `expectedText` is the previewed text: the node refuses (409) rather than send
 * anything else.
 */
export const askNetwork = (question: string, expectedText: string, signal?: AbortSignal): Promise<FederatedQueryResponse> =>
  api('/api/network/query', { json: { question, expectedText }, signal })
