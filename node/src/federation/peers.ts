import type { IdentifyResult, PeerId } from '@libp2p/interface'
import type { Db } from '../store/db.ts'
import type { Startable } from '../startable.ts'
import { LAST_SEEN_WRITE_INTERVAL_MS } from './constants.ts'
import type { FederationHost } from './host.ts'

export interface PeerStatus {
  peerId: string
  connected: boolean
  lastSeen: string | null
  protocols: string[]
  agentVersion: string | null
}

interface Row {
  peer_id: string
  last_seen: string | null
  protocols: string
  agent_version: string | null
}

/**
 * Who is connected, when each member was last seen, and which protocol versions it speaks (from identify).
 * Kept in memory and written to the database, so that `wissensnetz peers` can read it from another process.
 */
export class PeerTracker implements Startable {
  private readonly status = new Map<string, PeerStatus>()
  private readonly lastWrite = new Map<string, number>()
  private readonly upsert
  private readonly listeners: Array<() => void> = []

  constructor(private readonly components: { host: FederationHost; db: Db; isMember: (peerId: string) => boolean }) {
    this.upsert = components.db.prepare(`INSERT INTO federation_peers (peer_id, last_seen, protocols, agent_version)
      VALUES (@peer_id, @last_seen, @protocols, @agent_version)
      ON CONFLICT(peer_id)
      DO UPDATE SET last_seen = excluded.last_seen, protocols = excluded.protocols, agent_version = excluded.agent_version`)
    for (const row of components.db.prepare('SELECT * FROM federation_peers').all() as Row[]) {
      this.status.set(row.peer_id, {
        peerId: row.peer_id,
        connected: false,
        lastSeen: row.last_seen,
        protocols: JSON.parse(row.protocols) as string[],
        agentVersion: row.agent_version,
      })
    }
  }

  async start(): Promise<void> {
    const { host } = this.components
    const on = <T>(event: 'peer:connect' | 'peer:disconnect' | 'peer:identify', fn: (detail: T) => void) => {
      const handler = (e: Event) => fn((e as CustomEvent<T>).detail)
      host.addEventListener(event, handler)
      this.listeners.push(() => host.removeEventListener(event, handler))
    }
    on<PeerId>('peer:connect', (peer) => this.touch(peer.toString(), { connected: true }, true))
    on<PeerId>('peer:disconnect', (peer) => this.touch(peer.toString(), { connected: false }, true))
    on<IdentifyResult>('peer:identify', (result) =>
      this.touch(
        result.peerId.toString(),
        { connected: true, protocols: [...result.protocols].sort(), agentVersion: result.agentVersion ?? null },
        true,
      ),
    )
  }

  async stop(): Promise<void> {
    for (const remove of this.listeners.splice(0)) remove()
    for (const s of this.status.values()) if (s.connected) this.touch(s.peerId, { connected: false }, true)
  }

  /** Any message from a peer counts as a sign of life. */
  seen(peerId: string): void {
    this.touch(peerId, {}, false)
  }

  get(peerId: string): PeerStatus | undefined {
    const s = this.status.get(peerId)
    if (s === undefined) return undefined
    return { ...s, connected: this.components.host.getConnections().some((c) => c.remotePeer.toString() === peerId && c.status === 'open') }
  }

  private touch(peerId: string, change: Partial<PeerStatus>, force: boolean): void {
    if (!this.components.isMember(peerId)) return
    const now = Date.now()
    const previous = this.status.get(peerId) ?? { peerId, connected: false, lastSeen: null, protocols: [], agentVersion: null }
    const next: PeerStatus = { ...previous, ...change, lastSeen: new Date(now).toISOString() }
    this.status.set(peerId, next)
    if (!force && now - (this.lastWrite.get(peerId) ?? 0) < LAST_SEEN_WRITE_INTERVAL_MS) return
    this.lastWrite.set(peerId, now)
    this.upsert.run({
      peer_id: peerId,
      last_seen: next.lastSeen,
      protocols: JSON.stringify(next.protocols),
      agent_version: next.agentVersion,
    })
  }
}

/** Peer status as another process (the command line) sees it: from the database only. */
export function readPeerStatus(db: Db): Map<string, Omit<PeerStatus, 'connected'>> {
  const out = new Map<string, Omit<PeerStatus, 'connected'>>()
  for (const row of db.prepare('SELECT * FROM federation_peers').all() as Row[]) {
    out.set(row.peer_id, {
      peerId: row.peer_id,
      lastSeen: row.last_seen,
      protocols: JSON.parse(row.protocols) as string[],
      agentVersion: row.agent_version,
    })
  }
  return out
}
