import { randomBytes } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  decodeWire,
  encodeWire,
  FEDERATION_WIRE_VERSION,
  type FederatedQueryResponse,
  MAX_QUERY_REQUEST_BYTES,
  MAX_QUERY_RESPONSE_BYTES,
  type MergedFederatedHit,
  QUERY_PROTOCOL,
  type QueryResponse,
  queryResponseSchema,
  wireErrorSchema,
} from '@wissensnetz/protocol'
import { RRF_K } from '../../index/fusion.ts'
import { logger } from '../../log.ts'
import type { ExchangeLog } from '../exchanges.ts'
import type { FederationHost } from '../host.ts'
import type { Member, MemberList } from '../members.ts'
import type { OutboundRules } from '../policy.ts'
import { StreamPool } from '../wire.ts'

const log = logger('node:federation:query')

export interface QueryClientComponents {
  host: FederationHost
  members: MemberList
  exchanges: ExchangeLog
  outbound: OutboundRules
  timeoutMs: number
}

type PeerOutcome = FederatedQueryResponse['peers'][number]

export interface LocalList {
  municipality: string
  hits: Array<{ title: string; snippet: string; documentId: number }>
}

/**
 * Sends an (already anonymised) question to the peers the outbound rules allow, all at once, each with the
 * same deadline, on a stream kept per peer (no negotiation round trip after the first question); merges what
 * comes back by reciprocal rank and labels each hit with its municipality. A peer that is down, slow or
 * refuses is listed with its status, never fatal.
 */
export class QueryClient {
  private readonly streams: StreamPool

  constructor(private readonly c: QueryClientComponents) {
    this.streams = new StreamPool(c.host, QUERY_PROTOCOL, { maxResponseBytes: MAX_QUERY_RESPONSE_BYTES })
  }

  recipients(): Member[] {
    return this.c.outbound.recipients(this.c.host.peerId.toString())
  }

  isConnected(peerId: string): boolean {
    return this.c.host.getConnections().some((c) => c.remotePeer.toString() === peerId && c.status === 'open')
  }

  /** `local` runs while the peers work: the requests go out first, this node's own search after. */
  async ask(
    text: string,
    options: { limit: number; signal?: AbortSignal; local?: () => Promise<LocalList> },
  ): Promise<FederatedQueryResponse> {
    const started = performance.now()
    const recipients = this.recipients()
    const remote = Promise.all(recipients.map((m) => this.askOne(m, text, options.limit, options.signal)))
    let local: LocalList | undefined
    if (options.local !== undefined) {
      await new Promise((resolve) => setImmediate(resolve))
      local = await options.local()
    }
    const outcomes = await remote
    const lists: Array<{
      municipality: string
      peerId: string | null
      hits: Array<Omit<MergedFederatedHit, 'score' | 'municipality' | 'peerId'>>
    }> = []
    if (local !== undefined) {
      lists.push({
        municipality: local.municipality,
        peerId: null,
        hits: local.hits.map((h) => ({ title: h.title, snippet: h.snippet, documentId: h.documentId })),
      })
    }
    for (const { member, response } of outcomes) {
      if (response === undefined) continue
      lists.push({
        municipality: member.municipality,
        peerId: member.peerId,
        hits: response.hits.map((h) => ({ title: h.title ?? null, snippet: h.snippet ?? null })),
      })
    }
    return {
      text,
      hits: mergeByRank(lists).slice(0, options.limit),
      peers: outcomes.map((o) => o.outcome),
      tookMs: Math.round(performance.now() - started),
    }
  }

  private async askOne(
    member: Member,
    text: string,
    limit: number,
    outer?: AbortSignal,
  ): Promise<{ member: Member; outcome: PeerOutcome; response?: QueryResponse }> {
    const started = performance.now()
    const nonce = randomBytes(16).toString('hex')
    const base = { peerId: member.peerId, municipality: member.municipality }
    const finish = (status: PeerOutcome['status'], extra: Partial<PeerOutcome> = {}, response?: QueryResponse) => {
      const tookMs = Math.round(performance.now() - started)
      this.c.exchanges.record({
        direction: 'out',
        kind: 'query',
        peerId: member.peerId,
        municipality: member.municipality,
        nonce,
        status,
        ...(extra.code === undefined ? {} : { code: extra.code }),
        content: text,
        ...(response === undefined ? {} : { resultCount: response.hits.length, detail: response.detail }),
        tookMs,
      })
      return { member, outcome: { ...base, status, ...extra, tookMs }, ...(response === undefined ? {} : { response }) }
    }
    const timeout = AbortSignal.timeout(this.c.timeoutMs)
    const signal = outer === undefined ? timeout : AbortSignal.any([timeout, outer])
    const request = encodeWire(
      {
        v: FEDERATION_WIRE_VERSION,
        type: 'query.request',
        nonce,
        sentAt: Date.now(),
        question: text,
        limit,
        deadlineMs: Math.max(100, this.c.timeoutMs - 100),
      },
      MAX_QUERY_REQUEST_BYTES,
    )
    let bytes: Uint8Array
    try {
      bytes = await this.streams.request(peerIdFromString(member.peerId), request, signal)
    } catch (err) {
      const name = (err as Error).name
      log.trace('peer did not answer', { peer: member.peerId, error: name })
      if (timeout.aborted) return finish('timeout')
      if (name === 'UnsupportedProtocolError') return finish('refused', { code: 'unsupported_version' })
      return finish('unreachable', { code: name })
    }
    const answer = decodeWire(queryResponseSchema, bytes, MAX_QUERY_RESPONSE_BYTES)
    if (answer.ok && answer.message.nonce === nonce) {
      return finish('ok', { total: answer.message.total, detail: answer.message.detail }, answer.message)
    }
    const refusal = decodeWire(wireErrorSchema, bytes, MAX_QUERY_RESPONSE_BYTES)
    if (refusal.ok) return finish('refused', { code: refusal.message.code })
    return finish('error', { code: answer.ok ? 'nonce_mismatch' : answer.code })
  }
}

/** Reciprocal rank fusion over the per-node ranked lists (each node ranks its own hits). */
export function mergeByRank(
  lists: Array<{ municipality: string; peerId: string | null; hits: Array<Omit<MergedFederatedHit, 'score' | 'municipality' | 'peerId'>> }>,
  k = RRF_K,
): MergedFederatedHit[] {
  const merged: Array<MergedFederatedHit & { order: number }> = []
  let order = 0
  for (const list of lists) {
    list.hits.forEach((hit, rank) => {
      merged.push({
        ...hit,
        municipality: list.municipality,
        peerId: list.peerId,
        score: Number((1 / (k + rank + 1)).toFixed(6)),
        order: order++,
      })
    })
  }
  return merged.sort((a, b) => b.score - a.score || a.order - b.order).map(({ order: _order, ...hit }) => hit)
}
