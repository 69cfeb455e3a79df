import type { ImapFlow } from 'imapflow'
import { IMAP_SESSION_IDLE_MS } from './constants.ts'
import { connectImap, disconnectImap } from './imap-client.ts'
import type { ImapSettings } from './options.ts'

/**
 * The connection that scans and reads share. Opened on first use, reopened after it broke, and logged out once
 * nobody has used it for IMAP_SESSION_IDLE_MS (scans are periodic; an idle socket would only time out).
 */
export class ImapSession {
  private readonly settings: ImapSettings
  private client: Promise<ImapFlow> | undefined
  private busy = 0
  private idleTimer: NodeJS.Timeout | undefined

  constructor(settings: ImapSettings) {
    this.settings = settings
  }

  async use<T>(signal: AbortSignal | undefined, run: (client: ImapFlow) => Promise<T>): Promise<T> {
    this.busy += 1
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    try {
      return await run(await this.connected(signal))
    } finally {
      this.busy -= 1
      if (this.busy === 0) this.scheduleIdleClose()
    }
  }

  async close(): Promise<void> {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    const pending = this.client
    this.client = undefined
    const client = await pending?.catch(() => undefined)
    if (client !== undefined) await disconnectImap(client)
  }

  /** The open connection, or a new one; concurrent callers share one connect. */
  private connected(signal: AbortSignal | undefined): Promise<ImapFlow> {
    const current = this.client
    if (current === undefined) return this.reconnect(undefined, signal)
    return current.then(
      (client) => (client.usable ? client : this.reconnect(current, signal)),
      () => this.reconnect(current, signal),
    )
  }

  private reconnect(stale: Promise<ImapFlow> | undefined, signal: AbortSignal | undefined): Promise<ImapFlow> {
    // another caller replaced the broken connection meanwhile: use theirs
    if (this.client !== stale) return this.connected(signal)
    const pending = connectImap(this.settings, 'fetch', signal)
    this.client = pending
    pending.then(
      (client) =>
        client.once('close', () => {
          if (this.client === pending) this.client = undefined
        }),
      () => {
        if (this.client === pending) this.client = undefined
      },
    )
    return pending
  }

  private scheduleIdleClose(): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined
      if (this.busy === 0) void this.close()
    }, IMAP_SESSION_IDLE_MS)
    this.idleTimer.unref()
  }
}
