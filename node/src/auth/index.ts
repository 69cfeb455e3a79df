import type { Db } from '../store/db.ts'
import { AccountService } from './accounts.ts'
import { LoginRateLimiter, type RateLimitInit } from './rate-limit.ts'
import { AuthService } from './service.ts'
import { type SessionLifetime, SessionStore } from './sessions.ts'
import { TokenStore } from './tokens.ts'
import { UserRepository } from './users.ts'

export { AccountService, type AccountChanges, type NewAccount } from './accounts.ts'
export { ensureInitialUsers } from './bootstrap.ts'
export { CsrfError, InvalidCredentialsError, LastAdminError, OidcError, TooManyAttemptsError, UnauthenticatedError } from './errors.ts'
export { generatePassword, hashPassword, verifyPassword } from './passwords.ts'
export { actorOf, AuthService, type SignedIn } from './service.ts'
export type { TokenRecord } from './tokens.ts'
export type { GroupRecord, UserRecord } from './users.ts'

export interface AuthInit {
  db: Db
  session?: SessionLifetime
  rateLimit?: RateLimitInit
  now?: () => number
}

/** Login and accounts of one node over its database. */
export function createAuth(init: AuthInit): AuthService {
  const now = init.now ?? Date.now
  const users = new UserRepository(init.db)
  const sessions = new SessionStore(init.db, init.session, now)
  const tokens = new TokenStore(init.db, now)
  const accounts = new AccountService(init.db, users, sessions, tokens)
  return new AuthService(users, sessions, tokens, accounts, new LoginRateLimiter({ now, ...init.rateLimit }))
}
