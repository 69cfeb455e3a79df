import type { Role } from '@wissensnetz/protocol'
import { ConflictError, NotFoundError } from '../errors.ts'
import type { Db } from '../store/db.ts'

export interface UserRecord {
  id: number
  username: string
  displayName: string
  passwordHash: string | null
  roles: Role[]
  groups: string[]
  source: 'local' | 'oidc'
  oidcSubject: string | null
  disabled: boolean
  createdAt: string
  lastLoginAt: string | null
}

export interface NewUser {
  username: string
  displayName: string
  passwordHash: string | null
  roles: Role[]
  groups: string[]
  source?: 'local' | 'oidc'
  oidcSubject?: string | null
}

export interface UserChanges {
  displayName?: string
  passwordHash?: string | null
  roles?: Role[]
  groups?: string[]
  disabled?: boolean
}

export interface GroupRecord {
  name: string
  description: string
  members: number
}

interface RawUser {
  id: number
  username: string
  display_name: string
  password_hash: string | null
  roles: string
  source: 'local' | 'oidc'
  oidc_subject: string | null
  disabled: number
  created_at: string
  last_login_at: string | null
}

const ROLE_ORDER: Role[] = ['reader', 'author', 'admin', 'dpo']
const sortRoles = (roles: Role[]): Role[] => ROLE_ORDER.filter((r) => roles.includes(r))

/** Users, groups and memberships in SQLite: the only code that reads or writes those tables. */
export class UserRepository {
  constructor(private readonly db: Db) {}

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n
  }

  list(): UserRecord[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as RawUser[]).map((r) => this.toRecord(r))
  }

  find(username: string): UserRecord | null {
    const raw = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username.trim().toLowerCase()) as RawUser | undefined
    return raw === undefined ? null : this.toRecord(raw)
  }

  get(username: string): UserRecord {
    const user = this.find(username)
    if (user === null) throw new NotFoundError(`Benutzer "${username}"`)
    return user
  }

  byId(id: number): UserRecord | null {
    const raw = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as RawUser | undefined
    return raw === undefined ? null : this.toRecord(raw)
  }

  byOidcSubject(subject: string): UserRecord | null {
    const raw = this.db.prepare('SELECT * FROM users WHERE oidc_subject = ?').get(subject) as RawUser | undefined
    return raw === undefined ? null : this.toRecord(raw)
  }

  create(user: NewUser): UserRecord {
    return this.db.transaction(() => {
      if (this.find(user.username) !== null) throw new ConflictError(`Einen Benutzer "${user.username}" gibt es schon.`)
      const info = this.db
        .prepare('INSERT INTO users (username, display_name, password_hash, roles, source, oidc_subject) VALUES (?, ?, ?, ?, ?, ?)')
        .run(
          user.username,
          user.displayName,
          user.passwordHash,
          JSON.stringify(sortRoles(user.roles)),
          user.source ?? 'local',
          user.oidcSubject ?? null,
        )
      const id = Number(info.lastInsertRowid)
      this.replaceGroups(id, user.groups)
      return this.byId(id) as UserRecord
    })()
  }

  update(username: string, changes: UserChanges): UserRecord {
    return this.db.transaction(() => {
      const user = this.get(username)
      if (changes.displayName !== undefined)
        this.db.prepare('UPDATE users SET display_name = ? WHERE id = ?').run(changes.displayName, user.id)
      if (changes.passwordHash !== undefined)
        this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(changes.passwordHash, user.id)
      if (changes.roles !== undefined)
        this.db.prepare('UPDATE users SET roles = ? WHERE id = ?').run(JSON.stringify(sortRoles(changes.roles)), user.id)
      if (changes.disabled !== undefined)
        this.db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(changes.disabled ? 1 : 0, user.id)
      if (changes.groups !== undefined) this.replaceGroups(user.id, changes.groups)
      return this.byId(user.id) as UserRecord
    })()
  }

  remove(username: string): void {
    const info = this.db.prepare('DELETE FROM users WHERE username = ?').run(username.trim().toLowerCase())
    if (info.changes === 0) throw new NotFoundError(`Benutzer "${username}"`)
  }

  recordLogin(id: number): void {
    this.db.prepare("UPDATE users SET last_login_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?").run(id)
  }

  /** Users who may administer the node: role admin and not disabled. */
  activeAdmins(): number {
    const rows = this.db.prepare('SELECT roles FROM users WHERE disabled = 0').all() as Array<{ roles: string }>
    return rows.filter((r) => (JSON.parse(r.roles) as Role[]).includes('admin')).length
  }

  listGroups(): GroupRecord[] {
    return this.db
      .prepare(
        `SELECT g.name, g.description, COUNT(m.user_id) AS members
           FROM user_groups g LEFT JOIN user_group_members m ON m.group_name = g.name
          GROUP BY g.name ORDER BY g.name`,
      )
      .all() as GroupRecord[]
  }

  createGroup(name: string, description = ''): GroupRecord {
    const exists = this.db.prepare('SELECT 1 FROM user_groups WHERE name = ?').get(name)
    if (exists !== undefined) throw new ConflictError(`Eine Gruppe "${name}" gibt es schon.`)
    this.db.prepare('INSERT INTO user_groups (name, description) VALUES (?, ?)').run(name, description)
    return { name, description, members: 0 }
  }

  /** Removes the group and its memberships (access rules of sources that name it stay, and match nobody). */
  removeGroup(name: string): void {
    const info = this.db.prepare('DELETE FROM user_groups WHERE name = ?').run(name)
    if (info.changes === 0) throw new NotFoundError(`Gruppe "${name}"`)
  }

  private replaceGroups(userId: number, groups: string[]): void {
    this.db.prepare('DELETE FROM user_group_members WHERE user_id = ?').run(userId)
    const ensure = this.db.prepare('INSERT OR IGNORE INTO user_groups (name) VALUES (?)')
    const add = this.db.prepare('INSERT OR IGNORE INTO user_group_members (user_id, group_name) VALUES (?, ?)')
    for (const group of new Set(groups)) {
      ensure.run(group)
      add.run(userId, group)
    }
  }

  private toRecord(r: RawUser): UserRecord {
    const groups = this.db
      .prepare('SELECT group_name FROM user_group_members WHERE user_id = ? ORDER BY group_name')
      .pluck()
      .all(r.id) as string[]
    return {
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      passwordHash: r.password_hash,
      roles: JSON.parse(r.roles) as Role[],
      groups,
      source: r.source,
      oidcSubject: r.oidc_subject,
      disabled: r.disabled === 1,
      createdAt: r.created_at,
      lastLoginAt: r.last_login_at,
    }
  }
}
