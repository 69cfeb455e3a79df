import { logger } from '../log.ts'
import { BAN_DURATION_MS, MAX_OFFENCES, MAX_TRACKED_OFFENDERS, OFFENCE_WINDOW_MS } from './constants.ts'

const log = logger('node:federation:penalties')

export type Offence =
  | 'malformed'
  | 'too_large'
  | 'replayed'
  | 'expired'
  | 'bad_signature'
  | 'not_member'
  | 'unsupported_version'
  | 'protocol_violation'

export interface PenaltiesInit {
  maxOffences?: number
  windowMs?: number
  banMs?: number
  /** called once when a peer is banned: hang up on it */
  onBan?: (peerId: string) => void
  now?: () => number
}

/**
 * Scores peers down for bad messages. A peer that sends `maxOffences` bad messages within the window is banned
 * for a while (the connection gater refuses it) and disconnected. Memory stays bounded: at most
 * MAX_TRACKED_OFFENDERS peers are tracked, the oldest are forgotten first.
 */
export class Penalties {
  private readonly offences = new Map<string, number[]>()
  private readonly bans = new Map<string, number>()
  private readonly maxOffences: number
  private readonly windowMs: number
  private readonly banMs: number
  private readonly now: () => number
  private readonly counts = new Map<Offence, number>()

  constructor(private readonly init: PenaltiesInit = {}) {
    this.maxOffences = init.maxOffences ?? MAX_OFFENCES
    this.windowMs = init.windowMs ?? OFFENCE_WINDOW_MS
    this.banMs = init.banMs ?? BAN_DURATION_MS
    this.now = init.now ?? Date.now
  }

  /** Records one bad message; returns true when this offence got the peer banned. */
  record(peerId: string, offence: Offence): boolean {
    this.counts.set(offence, (this.counts.get(offence) ?? 0) + 1)
    if (this.isBanned(peerId)) return false
    const now = this.now()
    const recent = (this.offences.get(peerId) ?? []).filter((t) => now - t < this.windowMs)
    recent.push(now)
    this.offences.delete(peerId)
    this.offences.set(peerId, recent.slice(-this.maxOffences))
    while (this.offences.size > MAX_TRACKED_OFFENDERS) this.offences.delete(this.offences.keys().next().value as string)
    log.trace('offence', { peer: peerId, offence, recent: recent.length })
    if (recent.length < this.maxOffences) return false
    this.offences.delete(peerId)
    this.bans.set(peerId, now + this.banMs)
    while (this.bans.size > MAX_TRACKED_OFFENDERS) this.bans.delete(this.bans.keys().next().value as string)
    log.warn('peer banned after repeated bad messages', { peer: peerId, offence, banMs: this.banMs })
    this.init.onBan?.(peerId)
    return true
  }

  isBanned(peerId: string): boolean {
    const until = this.bans.get(peerId)
    if (until === undefined) return false
    if (until > this.now()) return true
    this.bans.delete(peerId)
    return false
  }

  stats(): { tracked: number; banned: number; offences: Record<string, number> } {
    return { tracked: this.offences.size, banned: this.bans.size, offences: Object.fromEntries(this.counts) }
  }
}
