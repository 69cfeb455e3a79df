import type { Db } from './db.ts'

/** Everyone may see documents whose access set contains this principal. */
export const EVERYONE = '*'

/**
 * Who is asking. `principals` are tokens such as "group:bauamt" and "user:mueller"; `all` is the local
 * operator (the command line on the node's own machine), who sees every document. Signed-in users never get it.
 */
export interface Principal {
  principals: string[]
  all?: boolean
}

export const LOCAL_OPERATOR: Principal = { principals: [], all: true }

/** Normalises "bauamt" to "group:bauamt"; "user:x" and "*" stay as they are. */
export function groupPrincipal(name: string): string {
  const trimmed = name.trim()
  if (trimmed === EVERYONE || trimmed.includes(':')) return trimmed
  return `group:${trimmed}`
}

/** Distinct sets of principals, interned as integers so that chunks and search filters stay small. */
export class AccessSets {
  private readonly byKey = new Map<string, number>()
  private readonly byId = new Map<number, string[]>()

  constructor(private readonly db: Db) {
    for (const row of db.prepare('SELECT id, principals FROM access_sets').all() as Array<{ id: number; principals: string }>) {
      this.remember(row.id, row.principals)
    }
  }

  intern(principals: string[]): number {
    const key = JSON.stringify([...new Set(principals)].sort())
    const known = this.byKey.get(key)
    if (known !== undefined) return known
    const info = this.db.prepare('INSERT INTO access_sets (principals) VALUES (?)').run(key)
    const id = Number(info.lastInsertRowid)
    this.remember(id, key)
    return id
  }

  /** Access set ids visible to the principal; null means "all". */
  visibleTo(who: Principal): number[] | null {
    if (who.all === true) return null
    const mine = new Set(who.principals)
    const ids: number[] = []
    for (const [id, members] of this.byId) {
      if (members.some((m) => m === EVERYONE || mine.has(m))) ids.push(id)
    }
    return ids
  }

  private remember(id: number, key: string): void {
    this.byKey.set(key, id)
    this.byId.set(id, JSON.parse(key) as string[])
  }
}
