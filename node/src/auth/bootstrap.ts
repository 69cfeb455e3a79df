import { exposureWarning } from './exposure.ts'
import type { AuthService } from './service.ts'

export interface InitialUser {
  username: string
  password: string
  roles: string[]
}

/**
 * First start of a server: when no user exists, creates `admin` (and, for the demo, a reader `demo` in group
 * bauamt) with random passwords and returns them, so that the caller prints them once. Returns [] otherwise.
 */
export async function ensureInitialUsers(auth: AuthService, options: { demo: boolean }): Promise<InitialUser[]> {
  if (auth.users.count() > 0) return []
  const created: InitialUser[] = []
  const admin = await auth.accounts.createUser({
    username: 'admin',
    displayName: 'Administration',
    roles: ['reader', 'author', 'admin'],
    groups: [],
  })
  created.push({ username: 'admin', password: admin.password as string, roles: admin.user.roles })
  if (options.demo) {
    const demo = await auth.accounts.createUser({
      username: 'demo',
      displayName: 'Demo-Sachbearbeitung',
      roles: ['reader'],
      groups: ['bauamt'],
    })
    created.push({ username: 'demo', password: demo.password as string, roles: demo.user.roles })
  }
  return created
}

/**
 * What `serve` prints about access at start: the accounts created on first start with their passwords (shown this
 * once, on the operator's console, never logged), how people sign in, and a warning when cookies could travel
 * unencrypted.
 */
export async function startupAccessNotice(
  node: { auth: AuthService; oidc: unknown; config: { server: { host: string; secureCookies: boolean } } },
  options: { demo: boolean },
): Promise<string> {
  const created = await ensureInitialUsers(node.auth, options)
  const lines: string[] = []
  if (created.length > 0) {
    lines.push('Erster Start: Konten angelegt. Die Passwörter werden nur jetzt angezeigt –')
    lines.push('bitte notieren und nach der ersten Anmeldung ändern:')
    for (const user of created) lines.push(`  ${user.username}\t${user.password}\t(Rollen: ${user.roles.join(', ')})`)
  }
  lines.push(`Zugriff: nur mit Anmeldung (lokale Konten${node.oidc === null ? '' : ' und Single Sign-on'}) oder API-Token.`)
  const warning = exposureWarning(node.config.server)
  if (warning !== null) lines.push(`WARNUNG: ${warning}`)
  return `${lines.join('\n')}\n`
}
