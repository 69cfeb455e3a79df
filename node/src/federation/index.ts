import { isAbsolute, join } from 'node:path'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { NetworkPeersResponse } from '@wissensnetz/protocol'
import type { AgentService } from '../agents/index.ts'
import type { Config } from '../config/schema.ts'
import type { SearchService } from '../index/search.ts'
import { logger } from '../log.ts'
import type { Startable } from '../startable.ts'
import type { Db } from '../store/db.ts'
import type { SourceRepository } from '../store/sources.ts'
import { nodeVersion } from '../version.ts'
import { FederationNotRunningError } from './errors.ts'
export { FederationNotRunningError }
import { CatalogService } from './catalog/index.ts'
import { CatalogRepository } from './catalog/store.ts'
import { DIAL_TIMEOUT_MS, IDENTITY_FILE } from './constants.ts'
import { ExchangeLog } from './exchanges.ts'
import { createFederationHost, type FederationHost } from './host.ts'
import { loadOrCreateIdentity, peerIdOfIdentity, readNetworkKey } from './keys.ts'
import { MemberList, memberGater } from './members.ts'
import { Penalties } from './penalties.ts'
import { PeerTracker, readPeerStatus } from './peers.ts'
import { OutboundRules } from './policy.ts'
import { QueryClient } from './query/client.ts'
import { QueryServer } from './query/server.ts'

const log = logger('node:federation')

export type FederationConfig = Config['federation']

export interface FederationInit {
  config: FederationConfig
  /** the data directory; relative paths in the configuration are resolved against it */
  dataRoot: string
  /** this node's municipality (config node.name) */
  municipality: string
  /** how often unconnected bootstrap peers are dialled again */
  reconnectIntervalMs?: number
}

export interface FederationComponents {
  db: Db
  search: SearchService
  sources: SourceRepository
  agents: AgentService | null
}

const RECONNECT_INTERVAL_MS = 2_000
const MAX_RECONNECT_BACKOFF_MS = 60_000

/**
 * Membership in the consortium's private network: the libp2p host and everything that runs over it (agent
 * catalogue, federated questions, peer status). Created by the node; started only by `serve` when enabled.
 */
export class Federation implements Startable {
  readonly members: MemberList
  readonly exchanges: ExchangeLog
  readonly penalties: Penalties
  readonly outbound: OutboundRules
  host: FederationHost | null = null
  catalog: CatalogService | null = null
  query: QueryClient | null = null
  private server: QueryServer | null = null
  private peers: PeerTracker | null = null
  private privateKey: PrivateKey | null = null
  private reconnectTimer: NodeJS.Timeout | null = null
  private reconnecting = false
  private readonly backoff = new Map<string, { failures: number; next: number }>()

  constructor(
    private readonly init: FederationInit,
    private readonly components: FederationComponents,
  ) {
    this.members = new MemberList(this.path(init.config.membersFile), init.config.members)
    this.exchanges = new ExchangeLog(components.db)
    this.penalties = new Penalties({ onBan: (peerId) => void this.hangUp(peerId) })
    this.outbound = new OutboundRules(init.config.outbound.peers, this.members)
  }

  get running(): boolean {
    return this.host !== null
  }

  async start(): Promise<void> {
    if (this.host !== null) return
    const config = this.init.config
    this.privateKey = await loadOrCreateIdentity(this.path(IDENTITY_FILE))
    const selfId = peerIdFromPrivateKey(this.privateKey).toString()
    const host = await createFederationHost({
      privateKey: this.privateKey,
      psk: readNetworkKey(this.path(config.networkKeyFile)),
      listen: config.listen,
      bootstrap: config.bootstrap.filter((addr) => !addr.endsWith(`/p2p/${selfId}`)),
      gater: memberGater(this.members, (peerId) => this.penalties.isBanned(peerId)),
      agentVersion: `wissensnetz/${nodeVersion()}`,
    })
    const { db, search, sources, agents } = this.components
    this.peers = new PeerTracker({ host, db, isMember: (id) => this.members.has(id) })
    this.catalog = new CatalogService({
      host,
      privateKey: this.privateKey,
      repository: new CatalogRepository(db),
      members: this.members,
      penalties: this.penalties,
      exchanges: this.exchanges,
      agents,
    })
    this.server = new QueryServer({
      host,
      search,
      sources,
      members: this.members,
      penalties: this.penalties,
      exchanges: this.exchanges,
      rules: config.inbound,
    })
    this.query = new QueryClient({
      host,
      members: this.members,
      exchanges: this.exchanges,
      outbound: this.outbound,
      timeoutMs: config.outbound.timeoutMs,
    })
    this.host = host
    await this.peers.start()
    host.addEventListener('peer:connect', (event) => this.backoff.delete(event.detail.toString()))
    await host.start()
    await this.catalog.start()
    await this.server.start()
    this.reconnectTimer = setInterval(() => void this.reconnect(), this.init.reconnectIntervalMs ?? RECONNECT_INTERVAL_MS)
    this.reconnectTimer.unref()
    log.info('federation started', { peer: selfId, addresses: host.getMultiaddrs().length, members: this.members.list().length })
  }

  async stop(): Promise<void> {
    const host = this.host
    if (host === null) return
    if (this.reconnectTimer !== null) clearInterval(this.reconnectTimer)
    await this.server?.stop()
    await this.catalog?.stop()
    await this.peers?.stop()
    await host.stop()
    this.host = null
  }

  /** This node's peer id; read from the identity file while the network is not started. */
  peerId(): string | null {
    return this.privateKey === null ? peerIdOfIdentity(this.path(IDENTITY_FILE)) : peerIdFromPrivateKey(this.privateKey).toString()
  }

  addresses(): string[] {
    return this.host?.getMultiaddrs().map((a) => a.toString()) ?? []
  }

  requireCatalog(): CatalogService {
    if (this.catalog === null) throw new FederationNotRunningError()
    return this.catalog
  }

  requireQuery(): QueryClient {
    if (this.query === null) throw new FederationNotRunningError()
    return this.query
  }

  serverStats(): { rememberedNonces: number; active: number } {
    return this.server?.stats() ?? { rememberedNonces: 0, active: 0 }
  }

  /** Members, connection state, last seen and protocol versions. */
  peersView(): NetworkPeersResponse {
    const self = this.peerId()
    const stored = readPeerStatus(this.components.db)
    const peers = this.members.list().map((m) => {
      const live = this.peers?.get(m.peerId)
      const row = stored.get(m.peerId)
      return {
        peerId: m.peerId,
        municipality: m.municipality,
        member: true as const,
        self: m.peerId === self,
        connected: live?.connected ?? false,
        lastSeen: live?.lastSeen ?? row?.lastSeen ?? null,
        protocols: (live?.protocols ?? row?.protocols ?? []).filter((p) => p.startsWith('/wissensnetz/')),
        banned: this.penalties.isBanned(m.peerId),
      }
    })
    return {
      enabled: this.init.config.enabled,
      self: self === null ? null : { peerId: self, municipality: this.init.municipality, addresses: this.addresses() },
      peers,
    }
  }

  /**
   * Keeps members connected: bootstrap addresses first, then every member whose addresses identify or the DHT
   * made known. A member that cannot be reached is tried again with exponential backoff.
   */
  private async reconnect(): Promise<void> {
    const host = this.host
    if (host === null || this.reconnecting) return
    this.reconnecting = true
    try {
      const self = this.peerId()
      const connected = new Set(host.getPeers().map((p) => p.toString()))
      const now = Date.now()
      const due = (peer: string) =>
        peer !== self && !connected.has(peer) && !this.penalties.isBanned(peer) && (this.backoff.get(peer)?.next ?? 0) <= now
      const attempt = async (peer: string, dial: () => Promise<unknown>) => {
        try {
          await dial()
          this.backoff.delete(peer)
          connected.add(peer)
        } catch (err) {
          const failures = (this.backoff.get(peer)?.failures ?? 0) + 1
          const delay = Math.min(MAX_RECONNECT_BACKOFF_MS, (this.init.reconnectIntervalMs ?? RECONNECT_INTERVAL_MS) * 2 ** (failures - 1))
          this.backoff.set(peer, { failures, next: Date.now() + delay })
          log.trace('reconnect failed', { peer, error: (err as Error).name })
        }
      }
      for (const addr of this.init.config.bootstrap) {
        const peer = addr.split('/p2p/').at(-1)
        if (peer !== undefined && due(peer))
          await attempt(peer, () => host.dial(multiaddr(addr), { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) }))
      }
      await Promise.all(
        this.members
          .list()
          .filter((m) => due(m.peerId))
          .map(async (member) => {
            const id = peerIdFromString(member.peerId)
            const known = await host.peerStore.get(id).then(
              (p) => p.addresses.length > 0,
              () => false,
            )
            await attempt(member.peerId, async () => {
              const signal = AbortSignal.timeout(DIAL_TIMEOUT_MS)
              // Addresses unknown: ask the DHT (every member connected to it knows the others' addresses).
              if (!known) await host.peerRouting.findPeer(id, { signal })
              await host.dial(id, { signal })
            })
          }),
      )
    } finally {
      this.reconnecting = false
    }
  }

  private async hangUp(peerId: string): Promise<void> {
    try {
      await this.host?.hangUp(peerIdFromString(peerId))
    } catch (err) {
      log.trace('hang up failed', { peer: peerId, error: (err as Error).name })
    }
  }

  private path(file: string): string {
    return isAbsolute(file) ? file : join(this.init.dataRoot, file)
  }
}

export function createFederation(init: FederationInit, components: FederationComponents): Federation {
  return new Federation(init, components)
}
