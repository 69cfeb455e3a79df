import { ForbiddenError } from '../errors.ts'
import type { Actor } from './actor.ts'
import { type Action, type ActionTargets, RULES } from './rules.ts'

export { type Actor, ANONYMOUS, hasRole, OPERATOR, type OperatorActor, principalOf, type UserActor } from './actor.ts'
export type { Action, ActionTargets, PlainAction } from './rules.ts'
export { policyForRoute, type RoutePolicy } from './routes.ts'

type TargetArgs<A extends Action> = ActionTargets[A] extends undefined ? [] : [target: ActionTargets[A]]

/** Whether the actor may take the action (on the target). */
export function can<A extends Action>(actor: Actor, action: A, ...target: TargetArgs<A>): boolean {
  const rule = RULES[action] as (actor: Actor, target: unknown) => boolean
  return rule(actor, target[0])
}

/** Throws ForbiddenError unless the actor may take the action (on the target). */
export function authorize<A extends Action>(actor: Actor, action: A, ...target: TargetArgs<A>): void {
  if (!can(actor, action, ...target)) throw new ForbiddenError('Für diese Aktion fehlt Ihnen die Berechtigung.')
}
