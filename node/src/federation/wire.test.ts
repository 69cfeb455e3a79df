import '../polyfill.ts'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { tempDir } from '../test/helpers.ts'
import { createFederationHost, type FederationHost } from './host.ts'
import { loadOrCreateIdentity, readNetworkKey, writeNetworkKey } from './keys.ts'
import { memberGater } from './members.ts'
import { StreamPool, serveProtocol } from './wire.ts'

const dir = tempDir('fed-wire')
const MAX_BYTES = 1024
const hosts: FederationHost[] = []
let asker: FederationHost
let answerer: FederationHost
const served = new Map<string, number>()

const encode = (s: string) => new TextEncoder().encode(s)
const decode = (b: Uint8Array) => new TextDecoder().decode(b)
const streamsFor = (protocol: string) =>
  asker.getConnections(answerer.peerId).flatMap((c) => c.streams.filter((s) => s.protocol === protocol && s.status === 'open')).length

/** Answers `echo:<text>` after the delay named in a request `<ms>:<text>`; counts requests per protocol. */
async function serve(protocol: string, keepOpenMs?: number): Promise<void> {
  await serveProtocol(
    answerer,
    protocol,
    { maxRequestBytes: MAX_BYTES, timeoutMs: 5000, ...(keepOpenMs === undefined ? {} : { keepOpenMs }), maxInboundStreams: 16, onOffence: () => {} },
    async (request) => {
      served.set(protocol, (served.get(protocol) ?? 0) + 1)
      const [delay, text] = decode(request).split(':')
      await new Promise((resolve) => setTimeout(resolve, Number(delay)))
      return encode(`echo:${text}`)
    },
  )
}

test.before(async () => {
  const psk = join(dir, 'swarm.key')
  writeNetworkKey(psk)
  const keys = await Promise.all(['a', 'b'].map((k) => loadOrCreateIdentity(join(dir, k))))
  const members = new Set(keys.map((k) => peerIdFromPrivateKey(k).toString()))
  for (const key of keys) {
    const h = await createFederationHost({
      privateKey: key,
      psk: readNetworkKey(psk),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: [],
      gater: memberGater(members, () => false),
      agentVersion: 'wissensnetz-test',
    })
    await h.start()
    hosts.push(h)
  }
  ;[asker, answerer] = hosts as [FederationHost, FederationHost]
  await asker.dial(answerer.getMultiaddrs()[0]!)
})

test.after(async () => {
  await Promise.all(hosts.map((h) => h.stop()))
})

const ask = (pool: StreamPool, text: string, timeoutMs = 3000) => pool.request(answerer.peerId, encode(text), AbortSignal.timeout(timeoutMs)).then(decode)

test('questions in a row travel on one kept stream, each with its own answer', async () => {
  await serve('/test/keep/1', 60_000)
  const pool = new StreamPool(asker, '/test/keep/1', { maxResponseBytes: MAX_BYTES })
  for (const text of ['eins', 'zwei', 'drei']) assert.is(await ask(pool, `0:${text}`), `echo:${text}`)
  assert.is(served.get('/test/keep/1'), 3)
  assert.is(streamsFor('/test/keep/1'), 1)
  // concurrent questions open more streams; all are kept for the next ones
  const answers = await Promise.all(['a', 'b', 'c'].map((t) => ask(pool, `20:${t}`)))
  assert.equal(answers, ['echo:a', 'echo:b', 'echo:c'])
  assert.is(pool.idleCount, 3)
  pool.close()
})

test('a question that missed its deadline never lends its late answer to the next one', async () => {
  await serve('/test/late/1', 60_000)
  const pool = new StreamPool(asker, '/test/late/1', { maxResponseBytes: MAX_BYTES })
  assert.is(await ask(pool, '0:warm'), 'echo:warm')
  let failed = false
  await ask(pool, '400:langsam', 100).catch(() => {
    failed = true
  })
  assert.ok(failed)
  assert.is(await ask(pool, '0:schnell'), 'echo:schnell')
  pool.close()
})

test('an answering node that closes idle streams, or answers one request per stream, still answers every question', async () => {
  await serve('/test/short/1', 100)
  await serve('/test/once/1')
  for (const protocol of ['/test/short/1', '/test/once/1']) {
    const pool = new StreamPool(asker, protocol, { maxResponseBytes: MAX_BYTES })
    assert.is(await ask(pool, '0:vorher'), 'echo:vorher')
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.is(await ask(pool, '0:nachher'), 'echo:nachher')
    // back to back: the kept stream may end while the next question is already on its way
    for (let i = 0; i < 5; i++) assert.is(await ask(pool, `0:${i}`), `echo:${i}`)
    pool.close()
  }
})

test('a kept stream that the answering node ends unread while the question is on its way: asked again, answered once', async () => {
  let requests = 0
  await answerer.handle('/test/race/1', async (stream) => {
    const lp = lpStream(stream)
    requests++
    const request = decode((await lp.read()).subarray())
    await lp.write(encode(`echo:${request.split(':')[1]}`))
    // ends its side gracefully a little later, without reading what arrived meanwhile
    await new Promise((resolve) => setTimeout(resolve, 150))
    await stream.close()
  })
  const pool = new StreamPool(asker, '/test/race/1', { maxResponseBytes: MAX_BYTES })
  assert.is(await ask(pool, '0:erste'), 'echo:erste')
  assert.is(await ask(pool, '0:zweite'), 'echo:zweite')
  assert.is(requests, 2, 'the unread question was asked again on a new stream')
  pool.close()
})

test.run()
