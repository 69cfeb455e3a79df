import { logger } from '../log.ts'
import type { UserActor } from '../policy/index.ts'
import type { AccountService } from './accounts.ts'
import { InvalidCredentialsError } from './errors.ts'
import { verifyAgainstDummy, verifyPassword } from './passwords.ts'
import type { LoginRateLimiter } from './rate-limit.ts'
import type { NewSession, SessionStore } from './sessions.ts'
import type { TokenStore } from './tokens.ts'
import type { UserRecord, UserRepository } from './users.ts'

const log = logger('node:auth')

export interface SignedIn {
  actor: UserActor
  /** set for cookie sessions (state-changing requests must echo it); null for API tokens */
  csrfToken: string | null
  via: 'session' | 'token'
}

export const actorOf = (user: UserRecord): UserActor => ({
  kind: 'user',
  id: user.id,
  username: user.username,
  displayName: user.displayName,
  roles: user.roles,
  groups: user.groups,
})

/** Signing in and out, and turning a session cookie or an API token into the person behind it. */
export class AuthService {
  constructor(
    readonly users: UserRepository,
    readonly sessions: SessionStore,
    readonly tokens: TokenStore,
    readonly accounts: AccountService,
    private readonly limiter: LoginRateLimiter,
  ) {}

  /**
   * Checks username and password and opens a session. Refused while the username+address or the address has
   * too many recent failures (TooManyAttemptsError), and for unknown, disabled or password-less accounts
   * exactly as for a wrong password.
   */
  async login(username: string, password: string, address: string): Promise<{ user: UserRecord; session: NewSession }> {
    this.limiter.check(username, address)
    const user = this.users.find(username)
    const ok =
      user === null || user.passwordHash === null ? await verifyAgainstDummy(password) : await verifyPassword(password, user.passwordHash)
    if (!ok || user === null || user.disabled) {
      this.limiter.fail(username, address)
      log.info(user === null ? 'login failed: unknown user' : `login failed for user ${user.id}`)
      throw new InvalidCredentialsError()
    }
    this.limiter.succeed(username, address)
    return { user, session: this.openSession(user) }
  }

  /** Opens a session for a user already authenticated (password or single sign-on). */
  openSession(user: UserRecord): NewSession {
    const session = this.sessions.create(user.id)
    this.users.recordLogin(user.id)
    log.info(`user ${user.id} signed in`)
    return session
  }

  fromSession(cookieValue: string): SignedIn | null {
    const session = this.sessions.resolve(cookieValue)
    if (session === null) return null
    const user = this.activeUser(session.userId)
    return user === null ? null : { actor: actorOf(user), csrfToken: session.csrfToken, via: 'session' }
  }

  fromToken(token: string): SignedIn | null {
    const found = this.tokens.resolve(token)
    if (found === null) return null
    const user = this.activeUser(found.userId)
    return user === null ? null : { actor: actorOf(user), csrfToken: null, via: 'token' }
  }

  logout(cookieValue: string): void {
    this.sessions.remove(cookieValue)
  }

  /** A person changes their own password: the current one must be right; every session ends, a new one opens. */
  async changePassword(username: string, current: string, next: string, address: string): Promise<NewSession> {
    const user = this.users.get(username)
    this.limiter.check(username, address)
    if (user.passwordHash === null || !(await verifyPassword(current, user.passwordHash))) {
      this.limiter.fail(username, address)
      throw new InvalidCredentialsError()
    }
    return this.openSession(await this.accounts.setPassword(username, next))
  }

  private activeUser(id: number): UserRecord | null {
    const user = this.users.byId(id)
    return user === null || user.disabled ? null : user
  }
}
