import type { Db } from '../store/db.ts'
import type { SourceRepository } from '../store/sources.ts'
import { AgentRepository } from './repository.ts'
import { type AgentResolver, createAgentResolver } from './resolver.ts'
import { ScopeBindings } from './scope.ts'
import { AgentService } from './service.ts'
import { installStarterAgents } from './starters.ts'

export type { AgentResolver, ResolvedAgent } from './resolver.ts'
export { AgentService } from './service.ts'
export { ScopeBindings } from './scope.ts'

export interface AgentComponents {
  db: Db
  sources: SourceRepository
  /** the node's name, recorded as authorMunicipality of agents made here */
  municipality: string
  /** install the shipped starter agents that this node has never had (only the process that writes) */
  installStarters: boolean
}

export interface Agents {
  service: AgentService
  scopes: ScopeBindings
  runner: AgentResolver
}

export function createAgents(components: AgentComponents): Agents {
  const service = new AgentService(new AgentRepository(components.db), { municipality: components.municipality })
  const scopes = new ScopeBindings(components.db, components.sources)
  const runner = createAgentResolver({ current: (id) => service.current(id), bindings: scopes })
  if (components.installStarters) installStarterAgents(service)
  return { service, scopes, runner }
}
