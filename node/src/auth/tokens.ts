import { API_TOKEN_PREFIX } from '@wissensnetz/protocol'
import { NotFoundError } from '../errors.ts'
import type { Db } from '../store/db.ts'
import { TOKEN_PREFIX_CHARS } from './constants.ts'
import { randomSecret, sha256 } from './passwords.ts'

export interface TokenRecord {
  id: number
  userId: number
  username: string
  name: string
  prefix: string
  createdAt: string
  lastUsedAt: string | null
}

interface RawToken {
  id: number
  user_id: number
  username: string
  name: string
  prefix: string
  created_at: string
  last_used_at: string | null
}

/** `last_used_at` is written at most this often per token. */
const LAST_USED_RESOLUTION_MS = 60_000

const SELECT = `SELECT t.id, t.user_id, u.username, t.name, t.prefix, t.created_at, t.last_used_at
                  FROM api_tokens t JOIN users u ON u.id = t.user_id`

const toRecord = (r: RawToken): TokenRecord => ({
  id: r.id,
  userId: r.user_id,
  username: r.username,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
})

/** API tokens for automation: `wn_` + 43 random characters; stored as sha256, shown once. Revoking deletes. */
export class TokenStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  create(userId: number, name: string): { token: string; record: TokenRecord } {
    const token = `${API_TOKEN_PREFIX}${randomSecret()}`
    const info = this.db
      .prepare('INSERT INTO api_tokens (user_id, name, token_hash, prefix) VALUES (?, ?, ?, ?)')
      .run(userId, name, sha256(token), token.slice(0, TOKEN_PREFIX_CHARS))
    return { token, record: this.get(Number(info.lastInsertRowid)) }
  }

  /** The token's owner, or null for an unknown or revoked token. Records the use. */
  resolve(token: string): { id: number; userId: number } | null {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null
    const row = this.db.prepare('SELECT id, user_id FROM api_tokens WHERE token_hash = ?').get(sha256(token)) as
      | { id: number; user_id: number }
      | undefined
    if (row === undefined) return null
    const now = new Date(this.now())
    const before = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString()
    this.db
      .prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)')
      .run(now.toISOString(), row.id, before)
    return { id: row.id, userId: row.user_id }
  }

  /** Every token, or only the tokens of one user. */
  list(userId?: number): TokenRecord[] {
    const rows = (
      userId === undefined
        ? this.db.prepare(`${SELECT} ORDER BY t.id`).all()
        : this.db.prepare(`${SELECT} WHERE t.user_id = ? ORDER BY t.id`).all(userId)
    ) as RawToken[]
    return rows.map(toRecord)
  }

  get(id: number): TokenRecord {
    const raw = this.db.prepare(`${SELECT} WHERE t.id = ?`).get(id) as RawToken | undefined
    if (raw === undefined) throw new NotFoundError(`Token ${id}`)
    return toRecord(raw)
  }

  revoke(id: number): void {
    const info = this.db.prepare('DELETE FROM api_tokens WHERE id = ?').run(id)
    if (info.changes === 0) throw new NotFoundError(`Token ${id}`)
  }
}
