import type { PeerId, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { logger } from '../log.ts'
import type { FederationHost } from './host.ts'
import type { Offence } from './penalties.ts'

const log = logger('node:federation:wire')

/** lpStream errors that mean the remote sent more or other than a framed message within our limit */
const FRAMING_ERRORS = new Set(['InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageLengthError', 'StreamBufferError'])

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
  // Optimistic negotiation: the protocol id travels with the request, saving a round trip per exchange.
  const stream = await host.dialProtocol(peer, protocol, { signal: options.signal, negotiateFully: false })
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

export interface ServeOptions {
  maxRequestBytes: number
  timeoutMs: number
  maxInboundStreams: number
  /** the remote broke framing or exceeded the request limit */
  onOffence: (peerId: string, offence: Offence) => void
}

/**
 * Serves a request/response protocol: one framed request per stream, one framed response, within a deadline.
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
      const signal = AbortSignal.timeout(options.timeoutMs)
      try {
        const lp = lpStream(stream, { maxDataLength: options.maxRequestBytes, maxBufferSize: options.maxRequestBytes + 16 })
        const request = (await lp.read({ signal })).subarray()
        const response = await handler(request, peerId, signal)
        await lp.write(response, { signal })
        await stream.close({ signal })
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
