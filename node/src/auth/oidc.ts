import * as client from 'openid-client'
import { logger } from '../log.ts'
import { MAX_PENDING_OIDC_LOGINS, OIDC_PENDING_LOGIN_MS } from './constants.ts'
import { OidcError } from './errors.ts'
import { accountFromClaims, type OidcAccount, type OidcSettings } from './oidc-claims.ts'
import { randomSecret } from './passwords.ts'
import type { AuthService } from './service.ts'
import type { NewSession } from './sessions.ts'
import type { UserRecord } from './users.ts'

const log = logger('node:auth:oidc')

/** Plain http is accepted only for an identity provider on this machine (tests, development). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

interface PendingLogin {
  codeVerifier: string
  nonce: string
  startedMs: number
}

export interface OidcInit {
  settings: OidcSettings
  auth: AuthService
  env?: NodeJS.ProcessEnv
  now?: () => number
}

/**
 * Single sign-on with an OpenID Connect provider (Keycloak, AD FS, …) through openid-client: authorization code
 * flow with PKCE, state and nonce. The provider is discovered at the first login (so that a node starts while
 * the provider is down) and again after a failed discovery.
 */
export class OidcLogin {
  readonly settings: OidcSettings
  private readonly auth: AuthService
  private readonly env: NodeJS.ProcessEnv
  private readonly now: () => number
  private readonly pending = new Map<string, PendingLogin>()
  private configuration: Promise<client.Configuration> | null = null

  constructor(init: OidcInit) {
    this.settings = init.settings
    this.auth = init.auth
    this.env = init.env ?? process.env
    this.now = init.now ?? Date.now
  }

  /** The provider's authorization URL, and the state that the browser's cookie must carry back. */
  async start(): Promise<{ url: URL; state: string }> {
    const config = await this.discover()
    this.prune()
    const state = randomSecret()
    const codeVerifier = client.randomPKCECodeVerifier()
    const nonce = client.randomNonce()
    this.pending.set(state, { codeVerifier, nonce, startedMs: this.now() })
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    })
    return { url, state }
  }

  /**
   * Completes the login from the callback's query string: the state must be one this node issued to the same
   * browser (cookie), the code is exchanged and the ID token verified; then the account is created or updated
   * from the claims and a session opened.
   */
  async finish(query: string, stateCookie: string | undefined): Promise<{ user: UserRecord; session: NewSession }> {
    const state = new URLSearchParams(query).get('state') ?? ''
    const pending = this.pending.get(state)
    this.pending.delete(state)
    if (pending === undefined || stateCookie !== state || this.now() - pending.startedMs > OIDC_PENDING_LOGIN_MS) {
      throw new OidcError(
        'oidc_failed',
        'Die Anmeldung ist abgelaufen oder wurde in einem anderen Browser begonnen. Bitte erneut anmelden.',
        401,
      )
    }
    const config = await this.discover()
    const callback = new URL(this.settings.redirectUri)
    callback.search = query
    let claims: Record<string, unknown> | undefined
    try {
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedNonce: pending.nonce,
        expectedState: state,
        idTokenExpected: true,
      })
      claims = tokens.claims()
    } catch (err) {
      log.warn(`oidc code exchange failed: ${(err as { code?: string }).code ?? (err as Error).name}`)
      throw new OidcError('oidc_failed', 'Die Anmeldung beim Identitätsanbieter ist fehlgeschlagen.', 401, err)
    }
    const account = claims === undefined ? null : accountFromClaims(claims, this.settings)
    if (account === null) throw new OidcError('oidc_failed', 'Der Identitätsanbieter hat keinen Benutzernamen geliefert.', 401)
    const user = this.upsert(account)
    return { user, session: this.auth.openSession(user) }
  }

  /** Creates or updates the account: the identity provider decides name, groups and roles at each login. */
  private upsert(account: OidcAccount): UserRecord {
    const users = this.auth.users
    if (account.roles.length === 0) {
      throw new OidcError('oidc_failed', 'Ihr Konto hat keine Rolle in Wissensnetz. Bitte wenden Sie sich an die Administration.', 403)
    }
    const known = users.byOidcSubject(account.subject)
    const user =
      known === null
        ? this.createFrom(account)
        : users.update(known.username, { displayName: account.displayName, roles: account.roles, groups: account.groups })
    if (user.disabled) throw new OidcError('oidc_failed', 'Ihr Konto ist gesperrt. Bitte wenden Sie sich an die Administration.', 403)
    return user
  }

  private createFrom(account: OidcAccount): UserRecord {
    // A local account of the same name is not taken over: that would hand its access to whoever the provider names.
    if (this.auth.users.find(account.username) !== null) {
      throw new OidcError(
        'oidc_failed',
        `Ein lokales Konto "${account.username}" besteht bereits; die Administration muss es zuerst entfernen.`,
        409,
      )
    }
    const user = this.auth.users.create({
      username: account.username,
      displayName: account.displayName,
      passwordHash: null,
      roles: account.roles,
      groups: account.groups,
      source: 'oidc',
      oidcSubject: account.subject,
    })
    log.info(`user ${user.id} created from single sign-on (${user.groups.length} groups)`)
    return user
  }

  private discover(): Promise<client.Configuration> {
    this.configuration ??= this.runDiscovery().catch((err: unknown) => {
      this.configuration = null
      log.warn(`oidc discovery failed: ${(err as Error).message}`)
      throw new OidcError('oidc_failed', 'Der Identitätsanbieter ist nicht erreichbar. Bitte später erneut versuchen.', 502, err)
    })
    return this.configuration
  }

  private async runDiscovery(): Promise<client.Configuration> {
    const issuer = new URL(this.settings.issuer)
    const secretEnv = this.settings.clientSecretEnv
    const secret = secretEnv === null ? undefined : this.env[secretEnv]
    if (secretEnv !== null && (secret === undefined || secret === '')) {
      throw new Error(`environment variable ${secretEnv} (auth.oidc.clientSecretEnv) is empty`)
    }
    const insecure = issuer.protocol === 'http:' && LOOPBACK_HOSTS.has(issuer.hostname)
    // Non-repudiation checks: the ID token's signature is verified against the provider's keys, not only trusted
    // because it came over the TLS connection to the token endpoint (which OpenID Connect would allow).
    const execute = [client.enableNonRepudiationChecks, ...(insecure ? [client.allowInsecureRequests] : [])]
    return client.discovery(issuer, this.settings.clientId, secret, secret === undefined ? client.None() : undefined, { execute })
  }

  private prune(): void {
    const now = this.now()
    for (const [state, login] of this.pending) if (now - login.startedMs > OIDC_PENDING_LOGIN_MS) this.pending.delete(state)
    while (this.pending.size >= MAX_PENDING_OIDC_LOGINS) {
      const oldest = this.pending.keys().next().value
      if (oldest === undefined) break
      this.pending.delete(oldest)
    }
  }
}
