import type { Principal } from '../store/access.ts'

/** Recorded as the author of versions saved by the local operator (command line, loopback API). */
export const OPERATOR_AUTHOR = 'operator'

/** Who a saved version is attributed to: the user principal, or the operator until login exists. */
export function authorOf(principal: Principal): string {
  return principal.principals.find((p) => p.startsWith('user:')) ?? (principal.all === true ? OPERATOR_AUTHOR : 'unbekannt')
}
