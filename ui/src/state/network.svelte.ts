import type { NetworkPeer } from '@wissensnetz/protocol'
import { type ApiError, toApiError } from '../services/http.ts'
import { getPeers, type NetworkPeersResponse } from '../services/network.ts'

/** How often the Netzwerk page asks for the members' state while it is open. */
export const NETWORK_REFRESH_MS = 10_000

/** The network as this node sees it: on or off, this node's identity, the members and their connections. */
export class NetworkState {
  view = $state<NetworkPeersResponse | null>(null)
  loading = $state(false)
  error = $state<ApiError | null>(null)
  /** when the shown state was read (ms since the epoch) */
  updatedAt = $state<number | null>(null)
  private pending: Promise<void> | null = null

  /** federation is switched on in the configuration */
  get enabled(): boolean {
    return this.view?.enabled === true
  }

  /** switched on and started: questions and the catalogue work */
  get running(): boolean {
    return this.enabled && this.view?.self != null
  }

  /** the other members (this node is shown apart) */
  get members(): NetworkPeer[] {
    return (this.view?.peers ?? []).filter((p) => !p.self)
  }

  get connectedCount(): number {
    return this.members.filter((p) => p.connected).length
  }

  municipalityOf(peerId: string): string | null {
    return this.view?.peers.find((p) => p.peerId === peerId)?.municipality ?? null
  }

  /** One request at a time: a refresh while one is running waits for that one. */
  refresh(): Promise<void> {
    this.pending ??= this.load().finally(() => (this.pending = null))
    return this.pending
  }

  /** Loads once; later callers get what is known. */
  async ensure(): Promise<void> {
    if (this.view === null) await this.refresh()
  }

  /** Refreshes every NETWORK_REFRESH_MS until the returned function is called (the page closes). */
  poll(): () => void {
    void this.refresh()
    const timer = setInterval(() => void this.refresh(), NETWORK_REFRESH_MS)
    return () => clearInterval(timer)
  }

  private async load(): Promise<void> {
    this.loading = true
    try {
      this.view = await getPeers()
      this.updatedAt = Date.now()
      this.error = null
    } catch (err) {
      this.error = toApiError(err)
    } finally {
      this.loading = false
    }
  }
}

export const networkState = new NetworkState()
