import { type Actor, hasRole } from './actor.ts'

/**
 * Every action a person can take, with what the rule needs to know about its target. Each rule is a small pure
 * function of the actor (and target); `authorize` in index.ts is the one place that applies them.
 */
export interface ActionTargets {
  /** search, open documents, ask questions, use agents (results stay limited to the actor's groups) */
  'knowledge:use': undefined
  /** node status and model state */
  'status:read': undefined
  /** create, edit, import, fork and delete agents */
  'agent:edit': undefined
  /** offer an agent to the network's catalogue, or withdraw it */
  'agent:publish': undefined
  /** bind agents' knowledge tags to this node's sources */
  'agent:bind-scopes': undefined
  /** anything else that configures the node (models; API routes that the route table does not list yet) */
  'node:administer': undefined
  /** sources, ingest progress, failed documents (paths of documents the admin may not be able to open) */
  'source:manage': undefined
  'user:manage': undefined
  'group:manage': undefined
  /** API tokens: one's own, or (admin) anyone's */
  'token:manage': { owner: string }
  /** every token of the node */
  'token:list-all': undefined
  /** federation: catalogue of the network and asking other municipalities */
  'network:use': undefined
  /** federation: members, keys, sharing policy changes */
  'network:manage': undefined
  /** sharing rules and the audit log of federated exchanges (data protection officer) */
  'privacy:read': undefined
}

export type Action = keyof ActionTargets

/** Actions that need no target: the ones a route can require before it has loaded anything. */
export type PlainAction = { [A in Action]: ActionTargets[A] extends undefined ? A : never }[Action]

type Rule<A extends Action> = (actor: Actor, target: ActionTargets[A]) => boolean

const reader = (actor: Actor): boolean => hasRole(actor, 'reader')
const author = (actor: Actor): boolean => hasRole(actor, 'author')
const admin = (actor: Actor): boolean => hasRole(actor, 'admin')

export const RULES: { [A in Action]: Rule<A> } = {
  'knowledge:use': reader,
  'status:read': (actor) => reader(actor) || hasRole(actor, 'dpo'),
  'agent:edit': author,
  'agent:publish': author,
  'agent:bind-scopes': admin,
  'node:administer': admin,
  'source:manage': admin,
  'user:manage': admin,
  'group:manage': admin,
  'token:manage': (actor, target) => admin(actor) || (actor.kind === 'user' && actor.username === target.owner),
  'token:list-all': admin,
  'network:use': reader,
  'network:manage': admin,
  'privacy:read': (actor) => hasRole(actor, 'dpo') || admin(actor),
}
