import { groupNameSchema, ROLES, type Role, usernameSchema } from '@wissensnetz/protocol'

/** Single sign-on settings (config `auth.oidc`). */
export interface OidcSettings {
  issuer: string
  clientId: string
  /** name of the environment variable holding the client secret; null: a public client (PKCE only) */
  clientSecretEnv: string | null
  redirectUri: string
  scopes: string
  usernameClaim: string
  groupsClaim: string
  /** role → groups of the identity provider that grant it; "*" grants it to everyone who signs in */
  roleMapping: Record<Role, string[]>
  /** label of the login button */
  label: string
}

export interface OidcAccount {
  /** "<issuer> <sub>": stable even when the username changes at the identity provider */
  subject: string
  username: string
  displayName: string
  groups: string[]
  roles: Role[]
}

const EVERYONE = '*'

/**
 * Maps verified ID-token claims to an account: username from `usernameClaim` (else e-mail, else sub), groups
 * from `groupsClaim` (Keycloak's "/path/name" becomes "name"; names that are not valid group names are dropped),
 * roles from `roleMapping`. Null when a required claim is missing or unusable.
 */
export function accountFromClaims(claims: Record<string, unknown>, settings: OidcSettings): OidcAccount | null {
  const sub = typeof claims.sub === 'string' ? claims.sub : null
  const iss = typeof claims.iss === 'string' ? claims.iss : settings.issuer
  if (sub === null || sub === '') return null
  const candidates = [claims[settings.usernameClaim], claims.email, sub]
  const username = candidates
    .map((c) => (typeof c === 'string' ? usernameSchema.safeParse(c) : null))
    .find((r) => r?.success === true)?.data
  if (username === undefined) return null
  const groups = groupsOf(claims[settings.groupsClaim])
  const roles = ROLES.filter((role) => settings.roleMapping[role].some((g) => g === EVERYONE || groups.includes(g)))
  const name = typeof claims.name === 'string' && claims.name.trim() !== '' ? claims.name.trim().slice(0, 200) : username
  return { subject: `${iss} ${sub}`, username, displayName: name, groups, roles }
}

function groupsOf(value: unknown): string[] {
  const raw = Array.isArray(value) ? value : typeof value === 'string' ? [value] : []
  const names = raw
    .filter((g): g is string => typeof g === 'string')
    .map((g) => g.split('/').filter(Boolean).at(-1) ?? '')
    .filter((g) => groupNameSchema.safeParse(g).success)
  return [...new Set(names)].sort()
}
