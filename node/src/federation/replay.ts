import { MESSAGE_CLOCK_WINDOW_MS } from '@wissensnetz/protocol'
import { MAX_REMEMBERED_NONCES } from './constants.ts'

export type Freshness = 'fresh' | 'replayed' | 'expired'

/**
 * Refuses replayed requests: a request must carry a timestamp within the clock window and a nonce not seen
 * before. Nonces are remembered for twice the window (older requests are refused as expired anyway), at most
 * MAX_REMEMBERED_NONCES at once: memory stays bounded under a flood.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>()

  constructor(
    private readonly windowMs = MESSAGE_CLOCK_WINDOW_MS,
    private readonly capacity = MAX_REMEMBERED_NONCES,
    private readonly now: () => number = Date.now,
  ) {}

  check(peerId: string, nonce: string, sentAt: number): Freshness {
    const now = this.now()
    if (Math.abs(now - sentAt) > this.windowMs) return 'expired'
    this.evict(now)
    const key = `${peerId}:${nonce}`
    if (this.seen.has(key)) return 'replayed'
    this.seen.set(key, now + 2 * this.windowMs)
    if (this.seen.size > this.capacity) {
      // Full of fresh nonces: forgetting the oldest lets nothing through that the clock window would admit
      // only if an attacker can replay faster than the capacity turns over; the ban after repeated offences caps that.
      this.seen.delete(this.seen.keys().next().value as string)
    }
    return 'fresh'
  }

  get size(): number {
    return this.seen.size
  }

  private evict(now: number): void {
    for (const [key, expires] of this.seen) {
      if (expires > now) break
      this.seen.delete(key)
    }
  }
}
