import type { Principal } from '../store/access.ts'

/** Owner key of the local operator (command line and loopback API until login exists). */
export const LOCAL_OWNER = 'local'

/**
 * A stable key for whoever asks, under which their conversations are stored: the user principal when there is
 * one, otherwise the sorted set of principals (until login exists, groups-only callers share it).
 */
export function ownerKey(who: Principal): string {
  if (who.all === true) return LOCAL_OWNER
  const user = who.principals.find((p) => p.startsWith('user:'))
  if (user !== undefined) return user
  return `principals:${[...new Set(who.principals)].sort().join(',')}`
}
