import {
  type DetailLevel,
  decodeWire,
  encodeWire,
  FEDERATION_WIRE_VERSION,
  type FederatedHit,
  MAX_HIT_SNIPPET_CHARS,
  MAX_HIT_TITLE_CHARS,
  MAX_QUERY_REQUEST_BYTES,
  MAX_QUERY_RESPONSE_BYTES,
  QUERY_PROTOCOL,
  type QueryRequest,
  queryRequestSchema,
  type WireErrorCode,
  wireError,
} from '@wissensnetz/protocol'
import type { SearchService } from '../../index/search.ts'
import { logger } from '../../log.ts'
import type { Startable } from '../../startable.ts'
import type { Principal } from '../../store/access.ts'
import type { SourceRepository } from '../../store/sources.ts'
import { redactForWire } from '../anonymize.ts'
import {
  MAX_CONCURRENT_INBOUND_QUERIES,
  MAX_INBOUND_STREAMS_PER_PROTOCOL,
  QUERY_STREAM_KEEP_OPEN_MS,
  QUERY_STREAM_TIMEOUT_MS,
} from '../constants.ts'
import type { ExchangeLog } from '../exchanges.ts'
import type { FederationHost } from '../host.ts'
import type { MemberList } from '../members.ts'
import type { Penalties } from '../penalties.ts'
import { ruleAllows } from '../policy.ts'
import { ReplayGuard } from '../replay.ts'
import { serveProtocol } from '../wire.ts'

const log = logger('node:federation:query')

/**
 * Whom a federated question searches as: no group, no user, not the operator. It sees only documents open to
 * everyone in this municipality ("*"), and the server narrows that further to the shared sources.
 */
export const FEDERATION_PRINCIPAL: Principal = Object.freeze({ principals: [] }) as Principal

export interface InboundRules {
  peers: string[]
  sources: string[]
  detail: DetailLevel
  maxHits: number
}

export interface QueryServerComponents {
  host: FederationHost
  search: SearchService
  sources: SourceRepository
  members: MemberList
  penalties: Penalties
  exchanges: ExchangeLog
  rules: InboundRules
}

class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded'
}

/**
 * Answers federated questions: checks version, size, freshness (nonce and clock window) and the inbound rules,
 * searches only the shared sources, redacts personal data from what it returns and answers within the
 * deadline the asker named. Every exchange is recorded.
 */
export class QueryServer implements Startable {
  private readonly replay = new ReplayGuard()
  private active = 0

  constructor(private readonly c: QueryServerComponents) {}

  async start(): Promise<void> {
    await serveProtocol(
      this.c.host,
      QUERY_PROTOCOL,
      {
        maxRequestBytes: MAX_QUERY_REQUEST_BYTES,
        timeoutMs: QUERY_STREAM_TIMEOUT_MS,
        // askers keep a stream per peer for their next questions (see StreamPool)
        keepOpenMs: QUERY_STREAM_KEEP_OPEN_MS,
        maxInboundStreams: MAX_INBOUND_STREAMS_PER_PROTOCOL,
        onOffence: (peer, offence) => this.c.penalties.record(peer, offence),
      },
      (request, peerId) => this.answer(request, peerId),
    )
  }

  async stop(): Promise<void> {
    await this.c.host.unhandle(QUERY_PROTOCOL)
  }

  stats(): { rememberedNonces: number; active: number } {
    return { rememberedNonces: this.replay.size, active: this.active }
  }

  async answer(bytes: Uint8Array, peerId: string): Promise<Uint8Array> {
    const started = performance.now()
    const municipality = this.c.members.get(peerId)?.municipality ?? null
    const refuse = (code: WireErrorCode, nonce?: string, question?: string): Uint8Array => {
      this.c.exchanges.record({
        direction: 'in',
        kind: 'query',
        peerId,
        municipality,
        ...(nonce === undefined ? {} : { nonce }),
        status: 'refused',
        code,
        ...(question === undefined ? {} : { content: question }),
        tookMs: performance.now() - started,
      })
      return encodeWire(wireError(code, nonce), MAX_QUERY_RESPONSE_BYTES)
    }
    const decoded = decodeWire(queryRequestSchema, bytes, MAX_QUERY_REQUEST_BYTES)
    if (!decoded.ok) {
      if (decoded.code !== 'unsupported_version') this.c.penalties.record(peerId, decoded.code)
      return refuse(decoded.code)
    }
    const request = decoded.message
    const freshness = this.replay.check(peerId, request.nonce, request.sentAt)
    if (freshness !== 'fresh') {
      this.c.penalties.record(peerId, freshness)
      return refuse(freshness, request.nonce)
    }
    // The asker anonymised the question; we still never store more than its anonymised form.
    const question = redactForWire(request.question, request.question.length + 64)
    if (!ruleAllows(this.c.rules.peers, this.c.members.get(peerId))) return refuse('not_allowed', request.nonce, question)
    const shared = this.sharedSources()
    if (shared.length === 0) return refuse('not_allowed', request.nonce, question)
    if (this.active >= MAX_CONCURRENT_INBOUND_QUERIES) return refuse('busy', request.nonce, question)
    this.active++
    try {
      const { hits, total } = await this.searchShared(request, shared)
      const detail = this.c.rules.detail
      const tookMs = Math.round(performance.now() - started)
      this.c.exchanges.record({
        direction: 'in',
        kind: 'query',
        peerId,
        municipality,
        nonce: request.nonce,
        status: 'ok',
        content: question,
        resultCount: detail === 'counts' ? 0 : hits.length,
        detail,
        tookMs,
      })
      log.trace('answered', { peer: peerId, hits: hits.length, tookMs })
      return encodeWire(
        { v: FEDERATION_WIRE_VERSION, type: 'query.response', nonce: request.nonce, detail, hits, total, tookMs },
        MAX_QUERY_RESPONSE_BYTES,
      )
    } catch (err) {
      return refuse(err instanceof DeadlineExceeded ? 'busy' : 'internal', request.nonce, question)
    } finally {
      this.active--
    }
  }

  /** Names of the configured shared sources that exist here. */
  private sharedSources(): string[] {
    const existing = new Set(this.c.sources.list().map((s) => s.name))
    return this.c.rules.sources.filter((name) => existing.has(name))
  }

  private async searchShared(request: QueryRequest, shared: string[]): Promise<{ hits: FederatedHit[]; total: number }> {
    const limit = Math.min(request.limit, this.c.rules.maxHits)
    const controller = new AbortController()
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort()
        reject(new DeadlineExceeded())
      }, request.deadlineMs)
    })
    try {
      const response = await Promise.race([
        this.c.search.search(FEDERATION_PRINCIPAL, request.question, { limit, filters: { sources: shared }, signal: controller.signal }),
        deadline,
      ])
      const detail = this.c.rules.detail
      const hits: FederatedHit[] =
        detail === 'counts'
          ? []
          : response.hits.map((hit, i) => ({
              rank: i + 1,
              ...(detail === 'titles-snippets' ? { title: redactForWire(hit.title, MAX_HIT_TITLE_CHARS) } : {}),
              snippet: redactForWire(hit.snippet, MAX_HIT_SNIPPET_CHARS),
            }))
      return { hits, total: response.hits.length }
    } finally {
      clearTimeout(timer)
    }
  }
}
