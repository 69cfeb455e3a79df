import type { Role } from '@wissensnetz/protocol'
import { ValidationError } from '../errors.ts'
import { logger } from '../log.ts'
import type { Db } from '../store/db.ts'
import { LastAdminError } from './errors.ts'
import { generatePassword, hashPassword } from './passwords.ts'
import type { SessionStore } from './sessions.ts'
import type { TokenRecord, TokenStore } from './tokens.ts'
import type { UserChanges, UserRecord, UserRepository } from './users.ts'

const log = logger('node:auth')

export interface NewAccount {
  username: string
  displayName?: string
  /** omitted: a password is generated and returned once, unless `passwordless` */
  password?: string
  /** no password at all: the account signs in with API tokens (automation) or single sign-on only */
  passwordless?: boolean
  roles: Role[]
  groups: string[]
}

export interface AccountChanges {
  displayName?: string
  password?: string
  roles?: Role[]
  groups?: string[]
  disabled?: boolean
}

/**
 * Managing accounts: users, passwords, groups, API tokens. Keeps the node administrable: no change may leave it
 * without an active administrator. Callers authorize first (policy/); this layer only keeps data consistent.
 */
export class AccountService {
  constructor(
    private readonly db: Db,
    readonly users: UserRepository,
    private readonly sessions: SessionStore,
    readonly tokens: TokenStore,
  ) {}

  async createUser(account: NewAccount): Promise<{ user: UserRecord; password?: string }> {
    const generated = account.password === undefined && account.passwordless !== true ? generatePassword() : undefined
    const password = account.password ?? generated
    const user = this.users.create({
      username: account.username,
      displayName: account.displayName ?? account.username,
      passwordHash: password === undefined ? null : await hashPassword(password),
      roles: account.roles,
      groups: account.groups,
    })
    log.info(`user ${user.id} created (roles ${user.roles.join(',')}, ${user.groups.length} groups)`)
    return generated === undefined ? { user } : { user, password: generated }
  }

  /** Applies the changes given. A new password or disabling ends the user's sessions. */
  async updateUser(username: string, changes: AccountChanges): Promise<UserRecord> {
    const update: UserChanges = {}
    if (changes.displayName !== undefined) update.displayName = changes.displayName
    if (changes.roles !== undefined) update.roles = changes.roles
    if (changes.groups !== undefined) update.groups = changes.groups
    if (changes.disabled !== undefined) update.disabled = changes.disabled
    if (changes.password !== undefined) {
      // A password would let a single-sign-on account bypass the identity provider (and its locking).
      if (this.users.get(username).source === 'oidc') {
        throw new ValidationError('Konten aus dem Single Sign-on haben kein Passwort auf diesem Knoten.', [
          { field: 'password', problem: 'nicht erlaubt für Single-Sign-on-Konten' },
        ])
      }
      update.passwordHash = await hashPassword(changes.password)
    }
    const user = this.keepingAnAdmin(() => this.users.update(username, update))
    if (changes.password !== undefined || changes.disabled === true) {
      const ended = this.sessions.removeForUser(user.id)
      log.info(`user ${user.id} changed; ${ended} sessions ended`)
    } else {
      log.info(`user ${user.id} changed`)
    }
    return user
  }

  async setPassword(username: string, password: string): Promise<UserRecord> {
    return this.updateUser(username, { password })
  }

  /** Deletes the user with their sessions and tokens. Their conversations stay until deleted separately. */
  removeUser(username: string): void {
    const user = this.users.get(username)
    this.keepingAnAdmin(() => this.users.remove(username))
    log.info(`user ${user.id} removed`)
  }

  createToken(username: string, name?: string): { token: string; record: TokenRecord } {
    const user = this.users.get(username)
    const created = this.tokens.create(user.id, name ?? `Token ${new Date().toISOString().slice(0, 10)}`)
    log.info(`api token ${created.record.id} created for user ${user.id}`)
    return created
  }

  revokeToken(id: number): void {
    this.tokens.revoke(id)
    log.info(`api token ${id} revoked`)
  }

  /** Runs a change and undoes it when it left no active administrator (where there was one before). */
  private keepingAnAdmin<T>(change: () => T): T {
    return this.db.transaction(() => {
      const before = this.users.activeAdmins()
      const result = change()
      if (before > 0 && this.users.activeAdmins() === 0) throw new LastAdminError()
      return result
    })()
  }
}
