import type { Db } from '../store/db.ts'

export type ExchangeKind = 'query' | 'catalog-sync' | 'agent-publish' | 'agent-withdraw' | 'agent-receive'
export type ExchangeStatus = 'ok' | 'refused' | 'timeout' | 'unreachable' | 'error' | 'rejected'

export interface Exchange {
  direction: 'out' | 'in'
  kind: ExchangeKind
  peerId: string | null
  municipality: string | null
  nonce?: string
  status: ExchangeStatus
  code?: string
  /** the anonymised question, or agent id@version; never document text */
  content?: string
  resultCount?: number
  detail?: string
  tookMs?: number
}

export interface ExchangeRow extends Required<Omit<Exchange, 'nonce' | 'code' | 'content' | 'resultCount' | 'detail' | 'tookMs'>> {
  id: number
  at: string
  nonce: string | null
  code: string | null
  content: string | null
  resultCount: number | null
  detail: string | null
  tookMs: number | null
}

/** Every exchange with another node, in both directions (the policy issue hash-chains this table). */
export class ExchangeLog {
  private readonly insert
  constructor(private readonly db: Db) {
    this.insert = db.prepare(`INSERT INTO federation_exchanges
      (direction, kind, peer_id, municipality, nonce, status, code, content, result_count, detail, took_ms)
      VALUES (@direction, @kind, @peerId, @municipality, @nonce, @status, @code, @content, @resultCount, @detail, @tookMs)`)
  }

  record(e: Exchange): void {
    this.insert.run({
      direction: e.direction,
      kind: e.kind,
      peerId: e.peerId,
      municipality: e.municipality,
      nonce: e.nonce ?? null,
      status: e.status,
      code: e.code ?? null,
      content: e.content ?? null,
      resultCount: e.resultCount ?? null,
      detail: e.detail ?? null,
      tookMs: e.tookMs === undefined ? null : Math.round(e.tookMs),
    })
  }

  /** Newest first. */
  list(options: { limit?: number; kind?: ExchangeKind; direction?: 'in' | 'out' } = {}): ExchangeRow[] {
    const where: string[] = []
    const params: unknown[] = []
    if (options.kind !== undefined) {
      where.push('kind = ?')
      params.push(options.kind)
    }
    if (options.direction !== undefined) {
      where.push('direction = ?')
      params.push(options.direction)
    }
    const sql = `SELECT id, at, direction, kind, peer_id AS peerId, municipality, nonce, status, code, content,
        result_count AS resultCount, detail, took_ms AS tookMs
      FROM federation_exchanges ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`
    return this.db.prepare(sql).all(...params, options.limit ?? 100) as ExchangeRow[]
  }
}
