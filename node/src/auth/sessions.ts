import type { Db } from '../store/db.ts'
import { SESSION_IDLE_MS, SESSION_MAX_AGE_MS, SESSION_TOUCH_INTERVAL_MS } from './constants.ts'
import { randomSecret, sha256 } from './passwords.ts'

export interface SessionLifetime {
  maxAgeMs: number
  idleMs: number
}

export interface NewSession {
  /** the cookie value; only its hash is stored */
  id: string
  csrfToken: string
  expiresAtMs: number
}

export interface ActiveSession {
  userId: number
  csrfToken: string
}

interface RawSession {
  id_hash: string
  user_id: number
  csrf_token: string
  seen_at_ms: number
  expires_at_ms: number
}

/** Login sessions in SQLite: survive restarts; the cookie carries a random id whose sha256 is the key. */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly lifetime: SessionLifetime = { maxAgeMs: SESSION_MAX_AGE_MS, idleMs: SESSION_IDLE_MS },
    private readonly now: () => number = Date.now,
  ) {}

  create(userId: number): NewSession {
    const id = randomSecret()
    const csrfToken = randomSecret()
    const now = this.now()
    const expiresAtMs = now + this.lifetime.maxAgeMs
    this.db
      .prepare('INSERT INTO sessions (id_hash, user_id, csrf_token, created_at_ms, seen_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sha256(id), userId, csrfToken, now, now, expiresAtMs)
    this.purgeExpired()
    return { id, csrfToken, expiresAtMs }
  }

  /** The live session for a cookie value, or null (unknown, expired or idle too long; expired ones are deleted). */
  resolve(id: string): ActiveSession | null {
    const idHash = sha256(id)
    const raw = this.db.prepare('SELECT * FROM sessions WHERE id_hash = ?').get(idHash) as RawSession | undefined
    if (raw === undefined) return null
    const now = this.now()
    if (now >= raw.expires_at_ms || now - raw.seen_at_ms >= this.lifetime.idleMs) {
      this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash)
      return null
    }
    if (now - raw.seen_at_ms >= SESSION_TOUCH_INTERVAL_MS) {
      this.db.prepare('UPDATE sessions SET seen_at_ms = ? WHERE id_hash = ?').run(now, idHash)
    }
    return { userId: raw.user_id, csrfToken: raw.csrf_token }
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(sha256(id))
  }

  /** Ends every session of a user (new password, disabled, roles changed). Returns how many ended. */
  removeForUser(userId: number): number {
    return this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes
  }

  purgeExpired(): number {
    const now = this.now()
    return this.db.prepare('DELETE FROM sessions WHERE expires_at_ms <= ? OR seen_at_ms <= ?').run(now, now - this.lifetime.idleMs).changes
  }
}
