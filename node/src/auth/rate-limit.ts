import {
  LOGIN_WINDOW_MS,
  MAX_FAILED_LOGINS_PER_ADDRESS,
  MAX_FAILED_LOGINS_PER_USER_AND_ADDRESS,
  MAX_TRACKED_LOGIN_KEYS,
} from './constants.ts'
import { TooManyAttemptsError } from './errors.ts'

interface Window {
  failures: number
  startedMs: number
}

export interface RateLimitInit {
  maxPerUserAndAddress?: number
  maxPerAddress?: number
  windowMs?: number
  maxKeys?: number
  now?: () => number
}

/**
 * Counts failed logins in fixed windows per username+address and per address, in memory (one process serves
 * the node; a restart forgets counts, which costs an attacker a restart of the victim's server).
 */
export class LoginRateLimiter {
  private readonly windows = new Map<string, Window>()
  private readonly maxPerUserAndAddress: number
  private readonly maxPerAddress: number
  private readonly windowMs: number
  private readonly maxKeys: number
  private readonly now: () => number

  constructor(init: RateLimitInit = {}) {
    this.maxPerUserAndAddress = init.maxPerUserAndAddress ?? MAX_FAILED_LOGINS_PER_USER_AND_ADDRESS
    this.maxPerAddress = init.maxPerAddress ?? MAX_FAILED_LOGINS_PER_ADDRESS
    this.windowMs = init.windowMs ?? LOGIN_WINDOW_MS
    this.maxKeys = init.maxKeys ?? MAX_TRACKED_LOGIN_KEYS
    this.now = init.now ?? Date.now
  }

  /** Throws TooManyAttemptsError while either counter is at its limit. */
  check(username: string, address: string): void {
    const waits = [this.waitMs(userKey(username, address), this.maxPerUserAndAddress), this.waitMs(addressKey(address), this.maxPerAddress)]
    const wait = Math.max(...waits)
    if (wait > 0) throw new TooManyAttemptsError(Math.ceil(wait / 1000))
  }

  fail(username: string, address: string): void {
    this.count(userKey(username, address))
    this.count(addressKey(address))
  }

  /** A successful login clears the username+address counter (not the address counter). */
  succeed(username: string, address: string): void {
    this.windows.delete(userKey(username, address))
  }

  private waitMs(key: string, max: number): number {
    const window = this.current(key)
    if (window === undefined || window.failures < max) return 0
    return window.startedMs + this.windowMs - this.now()
  }

  private count(key: string): void {
    const window = this.current(key)
    if (window !== undefined) {
      window.failures++
      return
    }
    if (this.windows.size >= this.maxKeys) this.evict()
    this.windows.set(key, { failures: 1, startedMs: this.now() })
  }

  private current(key: string): Window | undefined {
    const window = this.windows.get(key)
    if (window !== undefined && this.now() - window.startedMs >= this.windowMs) {
      this.windows.delete(key)
      return undefined
    }
    return window
  }

  /** Drops expired windows, then (still full) the oldest: Map iteration follows insertion order. */
  private evict(): void {
    for (const key of [...this.windows.keys()]) this.current(key)
    while (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next().value
      if (oldest === undefined) break
      this.windows.delete(oldest)
    }
  }
}

const userKey = (username: string, address: string): string => `u\u0000${username.toLowerCase()}\u0000${address}`
const addressKey = (address: string): string => `a\u0000${address}`
