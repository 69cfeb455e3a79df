import type { Role } from '@wissensnetz/protocol'
import { LOCAL_OPERATOR, type Principal } from '../store/access.ts'

/** A signed-in person (session cookie or API token). */
export interface UserActor {
  kind: 'user'
  id: number
  username: string
  displayName: string
  roles: Role[]
  groups: string[]
}

/** Whoever runs the command line on the node's own machine: may do everything and sees every document. */
export interface OperatorActor {
  kind: 'operator'
}

/** Nobody signed in: reaches only public routes (health, login). */
export interface AnonymousActor {
  kind: 'anonymous'
}

export type Actor = UserActor | OperatorActor | AnonymousActor

export const OPERATOR: OperatorActor = { kind: 'operator' }
export const ANONYMOUS: AnonymousActor = { kind: 'anonymous' }

/**
 * Whose documents a search may return: the user and the user's groups. No role widens this: an administrator
 * manages the node, not the mail of colleagues. Only the local operator sees everything.
 */
export function principalOf(actor: Actor): Principal {
  if (actor.kind === 'operator') return LOCAL_OPERATOR
  if (actor.kind === 'anonymous') return { principals: [] }
  return { principals: [`user:${actor.username}`, ...actor.groups.map((g) => `group:${g}`)] }
}

/** Roles include the ones below them: an admin is also an author, an author also a reader. dpo stands apart. */
export function hasRole(actor: Actor, role: Role): boolean {
  if (actor.kind === 'operator') return true
  if (actor.kind === 'anonymous') return false
  const roles = actor.roles
  switch (role) {
    case 'reader':
      return roles.includes('reader') || roles.includes('author') || roles.includes('admin')
    case 'author':
      return roles.includes('author') || roles.includes('admin')
    case 'admin':
      return roles.includes('admin')
    case 'dpo':
      return roles.includes('dpo')
  }
}
