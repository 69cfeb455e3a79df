import type { AgentDefinition, CatalogEntry, CatalogSyncItem, Withdrawal } from '@wissensnetz/protocol'
import type { Db } from '../../store/db.ts'

export interface CatalogRow {
  agent_id: string
  publisher: string
  version: number
  definition: string | null
  name: string
  category: string
  description: string
  published_at: string | null
  received_at: string
  withdrawn_at: string | null
  withdrawal: string | null
  change_seq: number
}

export interface ImportRow {
  agent_id: string
  local_agent_id: string
  imported_version: number
  imported_at: string
}

/** What a validated entry would change here. */
export type EntryVerdict = 'new' | 'newer' | 'known' | 'older' | 'withdrawn' | 'publisher_mismatch'

/** The catalogue table; only validated entries reach it (see CatalogService). */
export class CatalogRepository {
  constructor(private readonly db: Db) {}

  get(agentId: string): CatalogRow | undefined {
    return this.db.prepare('SELECT * FROM federation_catalog WHERE agent_id = ?').get(agentId) as CatalogRow | undefined
  }

  /** Compares an incoming (already signature-checked) entry with what is stored. */
  judge(entry: CatalogEntry): EntryVerdict {
    const row = this.get(entry.agent.id)
    if (row === undefined) return 'new'
    if (row.publisher !== entry.publisher) return 'publisher_mismatch'
    if (row.withdrawn_at !== null) return 'withdrawn'
    if (entry.agent.version > row.version) return 'newer'
    return entry.agent.version === row.version ? 'known' : 'older'
  }

  /** Stores a publish when it is new or newer; returns whether anything changed. */
  applyPublish(entry: CatalogEntry, receivedAt: string): boolean {
    return this.db.transaction(() => {
      const verdict = this.judge(entry)
      if (verdict !== 'new' && verdict !== 'newer') return false
      const a: AgentDefinition = entry.agent
      this.db
        .prepare(`INSERT INTO federation_catalog
            (agent_id, publisher, version, definition, name, category, description, published_at, received_at, change_seq)
          VALUES (@id, @publisher, @version, @definition, @name, @category, @description, @published, @received, @seq)
          ON CONFLICT(agent_id) DO UPDATE SET version = excluded.version, definition = excluded.definition, name = excluded.name,
            category = excluded.category, description = excluded.description, published_at = excluded.published_at,
            received_at = excluded.received_at, change_seq = excluded.change_seq`)
        .run({
          id: a.id,
          publisher: entry.publisher,
          version: a.version,
          definition: JSON.stringify(a),
          name: a.name,
          category: a.category,
          description: a.description,
          published: a.updatedAt,
          received: receivedAt,
          seq: this.nextSeq(),
        })
      return true
    })()
  }

  /** Marks an agent withdrawn (or records the withdrawal of one never seen); returns whether anything changed. */
  applyWithdrawal(w: Withdrawal, receivedAt: string): boolean {
    return this.db.transaction(() => {
      const row = this.get(w.agentId)
      if (row !== undefined && (row.publisher !== w.publisher || row.withdrawn_at !== null)) return false
      this.db
        .prepare(`INSERT INTO federation_catalog (agent_id, publisher, received_at, withdrawn_at, withdrawal, change_seq)
          VALUES (@id, @publisher, @received, @withdrawnAt, @withdrawal, @seq)
          ON CONFLICT(agent_id) DO UPDATE SET withdrawn_at = excluded.withdrawn_at, withdrawal = excluded.withdrawal,
            change_seq = excluded.change_seq`)
        .run({
          id: w.agentId,
          publisher: w.publisher,
          received: receivedAt,
          withdrawnAt: w.withdrawnAt,
          withdrawal: JSON.stringify(w),
          seq: this.nextSeq(),
        })
      return true
    })()
  }

  /** Catch-up page: every row changed after the cursor, oldest change first. */
  changesAfter(cursor: number, limit: number): { items: CatalogSyncItem[]; nextCursor: number; more: boolean } {
    const rows = this.db
      .prepare('SELECT * FROM federation_catalog WHERE change_seq > ? ORDER BY change_seq LIMIT ?')
      .all(cursor, limit + 1) as CatalogRow[]
    const page = rows.slice(0, limit)
    const items: CatalogSyncItem[] = page.map((row) =>
      row.withdrawal !== null
        ? { cursor: row.change_seq, kind: 'withdraw', withdrawal: JSON.parse(row.withdrawal) as Withdrawal }
        : {
            cursor: row.change_seq,
            kind: 'publish',
            entry: { publisher: row.publisher, agent: JSON.parse(row.definition as string) as AgentDefinition },
          },
    )
    return { items, nextCursor: page.at(-1)?.change_seq ?? cursor, more: rows.length > limit }
  }

  /** Browse and search: every word must appear in name, category or description. Withdrawn agents are left out. */
  search(query: string | undefined, limit: number): CatalogRow[] {
    const words = (query ?? '').toLocaleLowerCase('de').split(/\s+/).filter(Boolean).slice(0, 10)
    const clauses = words.map(() => "instr(lower(name || ' ' || category || ' ' || description), ?) > 0")
    return this.db
      .prepare(`SELECT * FROM federation_catalog WHERE withdrawn_at IS NULL AND definition IS NOT NULL
        ${clauses.length > 0 ? `AND ${clauses.join(' AND ')}` : ''} ORDER BY name COLLATE NOCASE LIMIT ?`)
      .all(...words, limit) as CatalogRow[]
  }

  cursorOf(peerId: string): number {
    return (
      (this.db.prepare('SELECT cursor FROM federation_sync_cursors WHERE peer_id = ?').get(peerId) as { cursor: number } | undefined)
        ?.cursor ?? 0
    )
  }

  saveCursor(peerId: string, cursor: number): void {
    this.db
      .prepare(`INSERT INTO federation_sync_cursors (peer_id, cursor, synced_at) VALUES (?, ?, ?)
        ON CONFLICT(peer_id) DO UPDATE SET cursor = excluded.cursor, synced_at = excluded.synced_at`)
      .run(peerId, cursor, new Date().toISOString())
  }

  imports(agentId: string): ImportRow[] {
    return this.db.prepare('SELECT * FROM federation_catalog_imports WHERE agent_id = ? ORDER BY imported_at').all(agentId) as ImportRow[]
  }

  recordImport(agentId: string, localAgentId: string, version: number): void {
    this.db
      .prepare(`INSERT INTO federation_catalog_imports (agent_id, local_agent_id, imported_version, imported_at) VALUES (?, ?, ?, ?)
        ON CONFLICT(agent_id, local_agent_id)
        DO UPDATE SET imported_version = excluded.imported_version, imported_at = excluded.imported_at`)
      .run(agentId, localAgentId, version, new Date().toISOString())
  }

  count(): number {
    return (
      this.db.prepare('SELECT count(*) AS n FROM federation_catalog WHERE withdrawn_at IS NULL AND definition IS NOT NULL').get() as {
        n: number
      }
    ).n
  }

  private nextSeq(): number {
    return ((this.db.prepare('SELECT max(change_seq) AS m FROM federation_catalog').get() as { m: number | null }).m ?? 0) + 1
  }
}
