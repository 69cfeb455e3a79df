import type { AgentDefinition } from '@wissensnetz/protocol'
import type { ScopeBindings } from './scope.ts'

/** What running an agent needs from its definition, with its knowledge scope bound to this node's sources. */
export interface ResolvedAgent {
  agentId: string
  version: number
  name: string
  language: 'de' | 'en'
  instructions: string
  temperature: number
  maxTokens: number
  /** Markdown with `{{Platzhalter}}` the answer should follow; '' when the agent has none */
  outputTemplate: string
  /**
   * Sources to search: the union of sources bound to the agent's scope tags. null when the agent has no scope
   * or none of its tags is bound: then every source the asking user may see. The caller still applies the
   * user's access; a binding never widens it.
   */
  sourceIds: number[] | null
}

/** The answers service runs agents through this (`node.agentRunner.resolve(agentId)`). */
export interface AgentResolver {
  /** Throws NotFoundError for an unknown or deleted agent. */
  resolve(agentId: string): ResolvedAgent
}

export interface AgentResolverComponents {
  /** the current definition of a live agent; throws NotFoundError otherwise */
  current(agentId: string): AgentDefinition
  bindings: Pick<ScopeBindings, 'sourceIdsFor'>
}

export function createAgentResolver(components: AgentResolverComponents): AgentResolver {
  return {
    resolve(agentId) {
      const agent = components.current(agentId)
      return {
        agentId: agent.id,
        version: agent.version,
        name: agent.name,
        language: agent.language,
        instructions: agent.instructions,
        temperature: agent.parameters.temperature,
        maxTokens: agent.parameters.maxTokens,
        outputTemplate: agent.outputTemplate,
        sourceIds: components.bindings.sourceIdsFor(agent.knowledgeScope),
      }
    },
  }
}
