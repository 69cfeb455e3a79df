import type { PeerId, Stream } from '@libp2p/interface'
import { type LengthPrefixedStream, lpStream } from '@libp2p/utils'
import { logger } from '../log.ts'
import { KEEP_IDLE_STREAM_MS, MAX_IDLE_STREAMS_PER_PEER } from './constants.ts'
import type { FederationHost } from './host.ts'
import type { Offence } from './penalties.ts'

const log = logger('node:federation:wire')

/** lpStream errors that mean the remote sent more or other than a framed message within our limit */
const FRAMING_ERRORS = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError', 'StreamBufferError'])
/** closing a stream whose answers are all read waits this long for our pending frames to go out */
const STREAM_CLOSE_TIMEOUT_MS = 5_000

export interface ExchangeOptions {
  maxResponseBytes: number
  signal: AbortSignal
}

/** Sends one framed request on a new stream and reads one framed response. */
export async function requestResponse(
  host: FederationHost,
  peer: PeerId,
  protocol: string,
  request: Uint8Array,
  options: ExchangeOptions,
): Promise<Uint8Array> {
  const stream = await host.dialProtocol(peer, protocol, { signal: options.signal })
  try {
    const lp = lpStream(stream, { maxDataLength: options.maxResponseBytes, maxBufferSize: options.maxResponseBytes + 16 })
    await lp.write(request, { signal: options.signal })
    const response = await lp.read({ signal: options.signal })
    // The answer is complete: closing (a FIN round trip) need not delay the caller.
    stream.close({ signal: options.signal }).catch((err: Error) => stream.abort(err))
    return response.subarray()
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}

export interface StreamPoolInit {
  maxResponseBytes: number
  /** idle streams kept per peer */
  maxIdlePerPeer?: number
  /** an idle stream is closed after this long; must stay below the answering side's `keepOpenMs` */
  keepIdleMs?: number
}

interface Channel {
  stream: Stream
  lp: LengthPrefixedStream<Stream>
  timer?: NodeJS.Timeout
}

const isOpen = (stream: Stream): boolean =>
  stream.status === 'open' && stream.writeStatus === 'writable' && stream.remoteWriteStatus === 'writable'

/**
 * Request/response over kept streams: one framed request, one framed response, then the stream waits for the
 * next request. A new stream costs a protocol negotiation round trip before the request can go (libp2p 3.3
 * accepts `negotiateFully: false` but still negotiates fully) and about ten times the CPU of an exchange on an
 * open stream (4.7 against 0.5 ms, both sides together, measured in one process). One exchange at a time per
 * stream: concurrent exchanges with one peer open more streams, and up to `maxIdlePerPeer` of them are kept.
 */
export class StreamPool {
  private readonly idle = new Map<string, Channel[]>()
  private readonly maxIdlePerPeer: number
  private readonly keepIdleMs: number

  constructor(
    private readonly host: FederationHost,
    private readonly protocol: string,
    private readonly init: StreamPoolInit,
  ) {
    this.maxIdlePerPeer = init.maxIdlePerPeer ?? MAX_IDLE_STREAMS_PER_PEER
    this.keepIdleMs = init.keepIdleMs ?? KEEP_IDLE_STREAM_MS
  }

  async request(peer: PeerId, request: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    const key = peer.toString()
    const kept = this.take(key)
    if (kept !== undefined) {
      const response = await this.exchange(key, kept, request, signal, true)
      if (response !== null) return response
      log.trace('kept stream ended by the remote, asking on a new one', { peer: key })
    }
    const stream = await this.host.dialProtocol(peer, this.protocol, { signal })
    const lp = lpStream(stream, { maxDataLength: this.init.maxResponseBytes, maxBufferSize: this.init.maxResponseBytes + 16 })
    return (await this.exchange(key, { stream, lp }, request, signal, false)) as Uint8Array
  }

  /** Closes every idle stream (the remote sees a graceful end). */
  close(): void {
    for (const channels of this.idle.values()) for (const c of channels.splice(0)) this.discard(c)
    this.idle.clear()
  }

  get idleCount(): number {
    let n = 0
    for (const channels of this.idle.values()) n += channels.length
    return n
  }

  /** null: a kept stream was ended gracefully by the remote before it answered (`retryable` only). */
  private async exchange(key: string, channel: Channel, request: Uint8Array, signal: AbortSignal, retryable: boolean): Promise<Uint8Array | null> {
    try {
      await channel.lp.write(request, { signal })
      const response = await channel.lp.read({ signal })
      this.release(key, channel)
      return response.subarray()
    } catch (err) {
      // An answering node ends a kept stream gracefully only while it waits for a request (its idle limit, or an
      // older node that answers one request per stream): the request was not read there, so asking again on a
      // new stream cannot count twice. Anything else (reset, deadline) is the outcome.
      const { stream } = channel
      if (retryable && !signal.aborted && stream.status === 'open' && stream.remoteWriteStatus !== 'writable') {
        this.discard(channel)
        return null
      }
      // Timed out or broken mid-exchange: a late answer must not be read as the answer to the next request.
      stream.abort(err as Error)
      throw err
    }
  }

  private take(key: string): Channel | undefined {
    const channels = this.idle.get(key)
    for (let c = channels?.pop(); c !== undefined; c = channels?.pop()) {
      clearTimeout(c.timer)
      if (isOpen(c.stream)) return c
      this.discard(c)
    }
    return undefined
  }

  private release(key: string, channel: Channel): void {
    const channels = this.idle.get(key) ?? []
    if (!isOpen(channel.stream) || channels.length >= this.maxIdlePerPeer) {
      this.discard(channel)
      return
    }
    channel.timer = setTimeout(() => {
      const i = channels.indexOf(channel)
      if (i !== -1) channels.splice(i, 1)
      this.discard(channel)
    }, this.keepIdleMs)
    channel.timer.unref()
    channels.push(channel)
    this.idle.set(key, channels)
  }

  private discard(channel: Channel): void {
    clearTimeout(channel.timer)
    if (channel.stream.status !== 'open') return
    channel.stream.close({ signal: AbortSignal.timeout(STREAM_CLOSE_TIMEOUT_MS) }).catch((err: Error) => channel.stream.abort(err))
  }
}

export interface ServeOptions {
  maxRequestBytes: number
  /** reading one request, handling it and writing its answer take at most this long together */
  timeoutMs: number
  /**
   * When set, a stream stays open after an answer and serves the next request, one at a time, until the asker
   * closes it or sends nothing for this long (then it is closed gracefully). Otherwise one request per stream.
   */
  keepOpenMs?: number
  maxInboundStreams: number
  /** the remote broke framing or exceeded the request limit */
  onOffence: (peerId: string, offence: Offence) => void
}

/**
 * Serves a request/response protocol: framed requests, one framed response each, each within a deadline.
 * A stream that breaks framing or exceeds the size limit is aborted and counted against its peer.
 */
export async function serveProtocol(
  host: FederationHost,
  protocol: string,
  options: ServeOptions,
  handler: (request: Uint8Array, peerId: string, signal: AbortSignal) => Promise<Uint8Array>,
): Promise<void> {
  await host.handle(
    protocol,
    async (stream: Stream, connection) => {
      const peerId = connection.remotePeer.toString()
      const lp = lpStream(stream, { maxDataLength: options.maxRequestBytes, maxBufferSize: options.maxRequestBytes + 16 })
      let signal = AbortSignal.timeout(options.timeoutMs)
      let waiting: AbortSignal | null = null
      try {
        for (;;) {
          let request: Uint8Array
          try {
            request = (await lp.read({ signal: waiting ?? signal })).subarray()
          } catch (err) {
            // Between requests, the asker closing its end or staying silent past the limit ends the stream.
            if (waiting !== null && (waiting.aborted || stream.remoteWriteStatus !== 'writable')) break
            throw err
          }
          if (waiting !== null) signal = AbortSignal.timeout(options.timeoutMs)
          await lp.write(await handler(request, peerId, signal), { signal })
          if (options.keepOpenMs === undefined) break
          waiting = AbortSignal.timeout(options.keepOpenMs)
        }
        await stream.close({ signal: AbortSignal.timeout(STREAM_CLOSE_TIMEOUT_MS) })
      } catch (err) {
        const name = (err as Error).name
        if (FRAMING_ERRORS.has(name)) options.onOffence(peerId, 'too_large')
        log.trace('inbound stream failed', { protocol, peer: peerId, error: name })
        stream.abort(err as Error)
      }
    },
    { maxInboundStreams: options.maxInboundStreams, maxOutboundStreams: options.maxInboundStreams },
  )
}
