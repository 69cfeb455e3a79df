import type { AgentDefinition, AgentStatus, CreateAgentRequest, UpdateAgentRequest } from '@wissensnetz/protocol'
import { api } from './http.ts'

/** An agent as the node presents it for editing: its definition plus lifecycle state. */
export type Agent = AgentDefinition & { status: AgentStatus; currentVersion: number }

export interface AgentSummary {
  id: string
  version: number
  name: string
  description: string
  category: string
  language: 'de' | 'en'
  knowledgeScope: string[]
  starterPrompts: string[]
  authorMunicipality: string
  origin: 'local' | 'imported'
  status: AgentStatus
  updatedAt: string
}

export interface AgentVersion {
  version: number
  name: string
  savedAt: string
  author: string | null
}

const path = (id: string) => `/api/agents/${encodeURIComponent(id)}`

export function listAgents(query = '', category = ''): Promise<{ agents: AgentSummary[]; categories: string[] }> {
  const params = new URLSearchParams()
  if (query.trim() !== '') params.set('q', query.trim())
  if (category !== '') params.set('category', category)
  const suffix = params.size === 0 ? '' : `?${params}`
  return api(`/api/agents${suffix}`)
}

export const getAgent = (id: string): Promise<Agent> => api(path(id))
export const getAgentVersion = (id: string, version: number): Promise<Agent> => api(`${path(id)}/versions/${version}`)
export const createAgent = (request: CreateAgentRequest): Promise<Agent> => api('/api/agents', { json: request })
export const updateAgent = (id: string, request: UpdateAgentRequest): Promise<Agent> => api(path(id), { method: 'PUT', json: request })
export const deleteAgent = (id: string): Promise<void> => api(path(id), { method: 'DELETE' })
export const forkAgent = (id: string): Promise<Agent> => api(`${path(id)}/fork`, { method: 'POST' })

export async function listVersions(id: string): Promise<AgentVersion[]> {
  return (await api<{ versions: AgentVersion[] }>(`${path(id)}/versions`)).versions
}

/** A link target that downloads the export file (the node sends Content-Disposition: attachment). */
export function exportUrl(id: string, version?: number): string {
  return version === undefined ? `${path(id)}/export` : `${path(id)}/export?version=${version}`
}

/** Sends the file's text as it is, so the node can name every problem in it (not valid JSON, wrong format …). */
export function importAgent(fileText: string, asCopy: boolean): Promise<Agent> {
  return api(`/api/agents/import${asCopy ? '?as=copy' : ''}`, { text: fileText })
}
