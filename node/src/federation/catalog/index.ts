import { type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { IdentifyResult, PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  type AgentDefinition,
  CATALOG_SYNC_PROTOCOL,
  CATALOG_TOPIC,
  type CatalogAnnouncement,
  type CatalogEntry,
  type CatalogListing,
  catalogAnnouncementSchema,
  catalogSyncRequestSchema,
  catalogSyncResponseSchema,
  decodeWire,
  encodeWire,
  FEDERATION_WIRE_VERSION,
  MAX_ANNOUNCEMENT_BYTES,
  MAX_SYNC_PAGE_ENTRIES,
  MAX_SYNC_REQUEST_BYTES,
  MAX_SYNC_RESPONSE_BYTES,
  type Withdrawal,
  wireError,
} from '@wissensnetz/protocol'
import type { AgentService } from '../../agents/index.ts'
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts'
import { logger } from '../../log.ts'
import type { Startable } from '../../startable.ts'
import { MAX_INBOUND_STREAMS_PER_PROTOCOL, MAX_SYNC_PAGES_PER_RUN, SYNC_AFTER_CONNECT_MS, SYNC_TIMEOUT_MS } from '../constants.ts'
import type { ExchangeLog } from '../exchanges.ts'
import type { FederationHost } from '../host.ts'
import type { MemberList } from '../members.ts'
import type { Offence, Penalties } from '../penalties.ts'
import { requestResponse, serveProtocol } from '../wire.ts'
import { CatalogBrowser } from './browse.ts'
import { signAgent, signWithdrawal, verifyEntry, verifyWithdrawal } from './signing.ts'
import type { CatalogRepository } from './store.ts'

const log = logger('node:federation:catalog')
/** safety net besides gossip: connected peers are asked for changes this often */
const RESYNC_INTERVAL_MS = 60_000

export interface CatalogComponents {
  host: FederationHost
  privateKey: PrivateKey
  repository: CatalogRepository
  members: MemberList
  penalties: Penalties
  exchanges: ExchangeLog
  agents: AgentService | null
}

type Judgement = { result: TopicValidatorResult; offence?: Offence; announcement?: CatalogAnnouncement }

/**
 * The shared agent catalogue: publish and withdraw (signed with the node key, announced on gossipsub),
 * validation of everything received before it is stored, and catch-up sync with peers after downtime.
 */
export class CatalogService implements Startable {
  private readonly selfId: string
  private readonly judged = new WeakMap<Message, CatalogAnnouncement>()
  private readonly syncing = new Map<string, Promise<number>>()
  private readonly cleanups: Array<() => void> = []
  private readonly controller = new AbortController()
  private timer: NodeJS.Timeout | null = null
  private syncListeners: Array<(peerId: string, applied: number) => void> = []

  private readonly browser: CatalogBrowser

  constructor(private readonly c: CatalogComponents) {
    this.selfId = c.host.peerId.toString()
    this.browser = new CatalogBrowser({
      repository: c.repository,
      members: c.members,
      selfId: this.selfId,
      localAgentExists: (id) => {
        const record = c.agents?.repository.record(id)
        return record !== undefined && record.deletedAt === null
      },
    })
  }

  get repository(): CatalogRepository {
    return this.c.repository
  }

  async start(): Promise<void> {
    const { host } = this.c
    const pubsub = host.services.pubsub
    pubsub.topicValidators.set(CATALOG_TOPIC, (peer, message) => this.validateGossip(peer, message))
    const onMessage = (event: CustomEvent<Message>) => void this.onGossip(event.detail)
    pubsub.addEventListener('message', onMessage)
    this.cleanups.push(() => pubsub.removeEventListener('message', onMessage))
    pubsub.subscribe(CATALOG_TOPIC)
    await serveProtocol(
      host,
      CATALOG_SYNC_PROTOCOL,
      {
        maxRequestBytes: MAX_SYNC_REQUEST_BYTES,
        timeoutMs: SYNC_TIMEOUT_MS,
        maxInboundStreams: MAX_INBOUND_STREAMS_PER_PROTOCOL,
        onOffence: (peer, offence) => this.c.penalties.record(peer, offence),
      },
      async (request, peerId) => this.serveSync(request, peerId),
    )
    const onIdentify = (event: CustomEvent<IdentifyResult>) => {
      const { peerId, protocols } = event.detail
      if (protocols.includes(CATALOG_SYNC_PROTOCOL))
        setTimeout(() => void this.syncWith(peerId).catch(() => {}), SYNC_AFTER_CONNECT_MS).unref()
    }
    host.addEventListener('peer:identify', onIdentify)
    this.cleanups.push(() => host.removeEventListener('peer:identify', onIdentify))
    this.timer = setInterval(() => void this.resyncConnected(), RESYNC_INTERVAL_MS)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    this.controller.abort()
    if (this.timer !== null) clearInterval(this.timer)
    for (const cleanup of this.cleanups.splice(0)) cleanup()
    const pubsub = this.c.host.services.pubsub
    pubsub.topicValidators.delete(CATALOG_TOPIC)
    pubsub.unsubscribe(CATALOG_TOPIC)
    await this.c.host.unhandle(CATALOG_SYNC_PROTOCOL)
    await Promise.allSettled(this.syncing.values())
  }

  /** Called after each catch-up run (tests and the harness wait on it). */
  onSynced(listener: (peerId: string, applied: number) => void): void {
    this.syncListeners.push(listener)
  }

  // ---- publishing ----

  /** Signs the local agent's current version and announces it to the network. */
  async publish(localAgentId: string, signal?: AbortSignal): Promise<CatalogEntry> {
    const agents = this.requireAgents()
    const definition = agents.current(localAgentId)
    const existing = this.c.repository.get(definition.id)
    if (existing !== undefined && existing.publisher !== this.selfId) {
      throw new ForbiddenError('Dieser Assistent wurde von einer anderen Kommune veröffentlicht; veröffentlichen Sie eine Kopie.')
    }
    if (existing?.withdrawn_at != null)
      throw new ValidationError('Dieser Assistent wurde zurückgezogen und kann nicht erneut veröffentlicht werden.')
    const entry: CatalogEntry = { publisher: this.selfId, agent: await signAgent(this.c.privateKey, definition) }
    const bytes = this.encodeAnnouncement({ v: FEDERATION_WIRE_VERSION, type: 'agent.publish', entry })
    signal?.throwIfAborted()
    this.c.repository.applyPublish(entry, new Date().toISOString())
    agents.setStatus(localAgentId, 'shared')
    await this.c.host.services.pubsub.publish(CATALOG_TOPIC, bytes)
    this.c.exchanges.record({
      direction: 'out',
      kind: 'agent-publish',
      peerId: null,
      municipality: null,
      status: 'ok',
      content: `${definition.id}@${definition.version}`,
    })
    log.info('agent published', { agent: definition.id, version: definition.version })
    return entry
  }

  /** Withdraws an agent this node published; peers mark it withdrawn and stop offering it. */
  async withdraw(agentId: string, signal?: AbortSignal): Promise<Withdrawal> {
    const row = this.c.repository.get(agentId)
    if (row === undefined) throw new NotFoundError(`Katalogeintrag "${agentId}"`)
    if (row.publisher !== this.selfId) throw new ForbiddenError('Nur die veröffentlichende Kommune kann einen Assistenten zurückziehen.')
    const withdrawal = await signWithdrawal(this.c.privateKey, this.selfId, agentId, new Date().toISOString())
    const bytes = this.encodeAnnouncement({ v: FEDERATION_WIRE_VERSION, type: 'agent.withdraw', withdrawal })
    signal?.throwIfAborted()
    this.c.repository.applyWithdrawal(withdrawal, new Date().toISOString())
    try {
      this.c.agents?.setStatus(agentId, 'published')
    } catch {
      // the local agent may have been deleted since; the withdrawal stands on its own
    }
    await this.c.host.services.pubsub.publish(CATALOG_TOPIC, bytes)
    this.c.exchanges.record({ direction: 'out', kind: 'agent-withdraw', peerId: null, municipality: null, status: 'ok', content: agentId })
    return withdrawal
  }

  private encodeAnnouncement(message: CatalogAnnouncement): Uint8Array {
    try {
      return encodeWire(message, MAX_ANNOUNCEMENT_BYTES)
    } catch {
      throw new ValidationError(`Der Assistent ist zu groß für das Netz (höchstens ${MAX_ANNOUNCEMENT_BYTES} Bytes).`)
    }
  }

  // ---- receiving ----

  /** Checks schema, size, membership and signature, and what is stored; nothing is written here. */
  async judge(bytes: Uint8Array): Promise<Judgement> {
    const decoded = decodeWire(catalogAnnouncementSchema, bytes, MAX_ANNOUNCEMENT_BYTES)
    if (!decoded.ok) {
      // A newer protocol version is not the sender's fault: ignore it without scoring the peer down.
      if (decoded.code === 'unsupported_version') return { result: TopicValidatorResult.Ignore }
      return { result: TopicValidatorResult.Reject, offence: decoded.code }
    }
    const message = decoded.message
    if (message.type === 'agent.publish') {
      const verdict = await this.judgeEntry(message.entry)
      return verdict === undefined ? { result: TopicValidatorResult.Accept, announcement: message } : verdict
    }
    const verdict = await this.judgeWithdrawal(message.withdrawal)
    return verdict === undefined ? { result: TopicValidatorResult.Accept, announcement: message } : verdict
  }

  /** undefined when the entry should be stored */
  private async judgeEntry(entry: CatalogEntry): Promise<Judgement | undefined> {
    if (!this.c.members.has(entry.publisher)) return { result: TopicValidatorResult.Reject, offence: 'not_member' }
    if (!(await verifyEntry(entry))) return { result: TopicValidatorResult.Reject, offence: 'bad_signature' }
    const verdict = this.c.repository.judge(entry)
    if (verdict === 'publisher_mismatch') return { result: TopicValidatorResult.Reject, offence: 'bad_signature' }
    if (verdict === 'new' || verdict === 'newer') return undefined
    return { result: TopicValidatorResult.Ignore }
  }

  private async judgeWithdrawal(w: Withdrawal): Promise<Judgement | undefined> {
    if (!this.c.members.has(w.publisher)) return { result: TopicValidatorResult.Reject, offence: 'not_member' }
    if (!(await verifyWithdrawal(w))) return { result: TopicValidatorResult.Reject, offence: 'bad_signature' }
    const row = this.c.repository.get(w.agentId)
    if (row !== undefined && row.publisher !== w.publisher) return { result: TopicValidatorResult.Reject, offence: 'bad_signature' }
    if (row?.withdrawn_at != null) return { result: TopicValidatorResult.Ignore }
    return undefined
  }

  private async validateGossip(peer: PeerId, message: Message): Promise<TopicValidatorResult> {
    const judgement = await this.judge(message.data)
    if (judgement.offence !== undefined) {
      this.c.penalties.record(peer.toString(), judgement.offence)
      this.c.exchanges.record({
        direction: 'in',
        kind: 'agent-receive',
        peerId: peer.toString(),
        municipality: this.c.members.get(peer.toString())?.municipality ?? null,
        status: 'rejected',
        code: judgement.offence,
      })
    }
    if (judgement.announcement !== undefined) this.judged.set(message, judgement.announcement)
    return judgement.result
  }

  private async onGossip(message: Message): Promise<void> {
    if (message.topic !== CATALOG_TOPIC) return
    let announcement = this.judged.get(message)
    if (announcement === undefined) {
      const judgement = await this.judge(message.data)
      if (judgement.result !== TopicValidatorResult.Accept || judgement.announcement === undefined) return
      announcement = judgement.announcement
    }
    const from = message.type === 'signed' ? message.from.toString() : null
    this.store(announcement, from)
  }

  private store(announcement: CatalogAnnouncement, from: string | null): boolean {
    const now = new Date().toISOString()
    const changed =
      announcement.type === 'agent.publish'
        ? this.c.repository.applyPublish(announcement.entry, now)
        : this.c.repository.applyWithdrawal(announcement.withdrawal, now)
    if (changed) {
      const content =
        announcement.type === 'agent.publish'
          ? `${announcement.entry.agent.id}@${announcement.entry.agent.version}`
          : `withdraw ${announcement.withdrawal.agentId}`
      this.c.exchanges.record({
        direction: 'in',
        kind: 'agent-receive',
        peerId: from,
        municipality: from === null ? null : (this.c.members.get(from)?.municipality ?? null),
        status: 'ok',
        content,
      })
    }
    return changed
  }

  // ---- catch-up sync ----

  /** Reads every catalogue change the peer has after our cursor for it. Returns the number of changes applied. */
  syncWith(peer: PeerId | string, signal?: AbortSignal): Promise<number> {
    const id = peer.toString()
    const running = this.syncing.get(id)
    if (running !== undefined) return running
    const run = this.runSync(typeof peer === 'string' ? peerIdFromString(peer) : peer, signal).finally(() => this.syncing.delete(id))
    this.syncing.set(id, run)
    return run
  }

  private async runSync(peer: PeerId, outer?: AbortSignal): Promise<number> {
    const id = peer.toString()
    const started = performance.now()
    let applied = 0
    let status: 'ok' | 'error' | 'rejected' = 'ok'
    let code: string | undefined
    try {
      let cursor = this.c.repository.cursorOf(id)
      for (let page = 0; page < MAX_SYNC_PAGES_PER_RUN; page++) {
        const signal = AbortSignal.any([
          this.controller.signal,
          AbortSignal.timeout(SYNC_TIMEOUT_MS),
          ...(outer === undefined ? [] : [outer]),
        ])
        const request = encodeWire(
          { v: FEDERATION_WIRE_VERSION, type: 'catalog.sync.request', after: cursor, limit: MAX_SYNC_PAGE_ENTRIES },
          MAX_SYNC_REQUEST_BYTES,
        )
        const bytes = await requestResponse(this.c.host, peer, CATALOG_SYNC_PROTOCOL, request, {
          maxResponseBytes: MAX_SYNC_RESPONSE_BYTES,
          signal,
        })
        const decoded = decodeWire(catalogSyncResponseSchema, bytes, MAX_SYNC_RESPONSE_BYTES)
        if (!decoded.ok) {
          status = 'rejected'
          code = decoded.code
          if (decoded.code !== 'unsupported_version') this.c.penalties.record(id, decoded.code)
          break
        }
        for (const item of decoded.message.items) {
          const verdict = item.kind === 'publish' ? await this.judgeEntry(item.entry) : await this.judgeWithdrawal(item.withdrawal)
          if (verdict?.offence !== undefined) {
            this.c.penalties.record(id, verdict.offence)
            status = 'rejected'
            code = verdict.offence
            continue
          }
          if (verdict !== undefined) continue
          const announcement: CatalogAnnouncement =
            item.kind === 'publish'
              ? { v: FEDERATION_WIRE_VERSION, type: 'agent.publish', entry: item.entry }
              : { v: FEDERATION_WIRE_VERSION, type: 'agent.withdraw', withdrawal: item.withdrawal }
          if (this.store(announcement, item.kind === 'publish' ? item.entry.publisher : item.withdrawal.publisher)) applied++
        }
        // A cursor may only move forward, and only as far as the items the peer actually sent.
        const next = decoded.message.nextCursor
        if (next > cursor) {
          cursor = next
          this.c.repository.saveCursor(id, cursor)
        }
        if (!decoded.message.more || decoded.message.items.length === 0) break
      }
    } catch (err) {
      status = 'error'
      code = (err as Error).name
      log.trace('sync failed', { peer: id, error: code })
    }
    this.c.exchanges.record({
      direction: 'out',
      kind: 'catalog-sync',
      peerId: id,
      municipality: this.c.members.get(id)?.municipality ?? null,
      status,
      ...(code === undefined ? {} : { code }),
      resultCount: applied,
      tookMs: performance.now() - started,
    })
    for (const listener of this.syncListeners) listener(id, applied)
    return applied
  }

  private async serveSync(request: Uint8Array, peerId: string): Promise<Uint8Array> {
    const decoded = decodeWire(catalogSyncRequestSchema, request, MAX_SYNC_REQUEST_BYTES)
    if (!decoded.ok) {
      if (decoded.code !== 'unsupported_version') this.c.penalties.record(peerId, decoded.code)
      return encodeWire(wireError(decoded.code), MAX_SYNC_RESPONSE_BYTES)
    }
    const page = this.c.repository.changesAfter(decoded.message.after, decoded.message.limit)
    this.c.exchanges.record({
      direction: 'in',
      kind: 'catalog-sync',
      peerId,
      municipality: this.c.members.get(peerId)?.municipality ?? null,
      status: 'ok',
      resultCount: page.items.length,
    })
    return encodeWire({ v: FEDERATION_WIRE_VERSION, type: 'catalog.sync.response', ...page }, MAX_SYNC_RESPONSE_BYTES)
  }

  private async resyncConnected(): Promise<void> {
    for (const peer of this.c.host.getPeers()) {
      if (this.controller.signal.aborted) return
      await this.syncWith(peer).catch(() => {})
    }
  }

  // ---- browse, import, update (catalog/browse.ts) ----

  list(query?: string, limit?: number): CatalogListing[] {
    return this.browser.list(query, limit)
  }

  get(agentId: string): { listing: CatalogListing; definition: AgentDefinition } {
    return this.browser.get(agentId)
  }

  importAgent(agentId: string, author: string, options: { asCopy?: boolean } = {}): { localAgentId: string; version: number } {
    return this.browser.importAgent(this.requireAgents(), agentId, author, options)
  }

  applyUpdate(agentId: string, localAgentId: string, author: string): { localVersion: number; sourceVersion: number } {
    return this.browser.applyUpdate(this.requireAgents(), agentId, localAgentId, author)
  }

  private requireAgents(): AgentService {
    if (this.c.agents === null) throw new ValidationError('Assistenten sind auf diesem Knoten nicht verfügbar.')
    return this.c.agents
  }
}
