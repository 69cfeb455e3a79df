import '../polyfill.ts'
import { randomBytes, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import {
  type AgentDefinition,
  CATALOG_TOPIC,
  decodeWire,
  encodeWire,
  FEDERATION_WIRE_VERSION,
  MAX_ANNOUNCEMENT_BYTES,
  MAX_QUERY_REQUEST_BYTES,
  MAX_QUERY_RESPONSE_BYTES,
  QUERY_PROTOCOL,
  wireErrorSchema,
} from '@wissensnetz/protocol'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { tempDir } from '../test/helpers.ts'
import { signAgent } from './catalog/signing.ts'
import { MAX_OFFENCES } from './constants.ts'
import { FederationHarness } from './harness.ts'
import { createFederationHost, type FederationHost } from './host.ts'
import { loadOrCreateIdentity, readNetworkKey, writeNetworkKey } from './keys.ts'
import { memberGater } from './members.ts'
import { waitFor } from './testing.ts'
import { requestResponse } from './wire.ts'

// Two honest nodes as processes; a rogue *member* (it holds the network key and is on the member list) runs in
// this process and sends what an honest node never would.
const dir = tempDir('fed-hostile')
let h: FederationHarness
let rogue: FederationHost
const extra: FederationHost[] = []
let rogueId: string

const honestAgent = (name: string): AgentDefinition => {
  const at = new Date().toISOString()
  return {
    id: randomUUID(),
    version: 1,
    name,
    description: '',
    category: 'Allgemein',
    instructions: 'Hilf bei Verwaltungsarbeit.',
    starterPrompts: [],
    parameters: { temperature: 0.3, maxTokens: 1024 },
    requiredCapabilities: ['chat'],
    knowledgeScope: [],
    outputTemplate: '',
    language: 'de',
    authorMunicipality: 'Schurkenhausen',
    licence: 'CC-BY-4.0',
    createdAt: at,
    updatedAt: at,
    provenance: { origin: 'local' },
  }
}

async function strangerHost(keyFile: string, pskFile: string): Promise<FederationHost> {
  const key = await loadOrCreateIdentity(join(dir, keyFile))
  const host = await createFederationHost({
    privateKey: key,
    psk: readNetworkKey(pskFile),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    gater: memberGater({ has: () => true }, () => false),
    agentVersion: 'test',
  })
  await host.start()
  extra.push(host)
  return host
}

const queryBytes = (overrides: Record<string, unknown> = {}) =>
  encodeWire(
    {
      v: FEDERATION_WIRE_VERSION,
      type: 'query.request',
      nonce: randomBytes(16).toString('hex'),
      sentAt: Date.now(),
      question: 'Hundesteuer',
      limit: 5,
      deadlineMs: 2000,
      ...overrides,
    },
    MAX_QUERY_REQUEST_BYTES,
  )

async function ask(bytes: Uint8Array): Promise<string> {
  const response = await requestResponse(rogue, peerIdFromString(h.nodes[0]!.peerId), QUERY_PROTOCOL, bytes, {
    maxResponseBytes: MAX_QUERY_RESPONSE_BYTES,
    signal: AbortSignal.timeout(5000),
  })
  const refusal = decodeWire(wireErrorSchema, response, MAX_QUERY_RESPONSE_BYTES)
  return refusal.ok ? refusal.message.code : 'answered'
}

test.before(async () => {
  const rogueKey = await loadOrCreateIdentity(join(dir, 'rogue.key'))
  rogueId = peerIdFromPrivateKey(rogueKey).toString()
  h = await FederationHarness.start(
    join(dir, 'net'),
    [
      { municipality: 'Andernach', inbound: { sources: [] } },
      { municipality: 'Mayen', inbound: { sources: [] } },
    ],
    { extraMembers: [{ peerId: rogueId, municipality: 'Schurkenhausen' }] },
  )
  rogue = await strangerHost('rogue.key', h.networkKeyFile)
  rogue.services.pubsub.subscribe(CATALOG_TOPIC)
  await rogue.dial(peerIdFromString(h.nodes[0]!.peerId), { signal: AbortSignal.timeout(5000) }).catch(async () => {
    const { multiaddr } = await import('@multiformats/multiaddr')
    await rogue.dial(multiaddr(h.nodes[0]!.addrs[0]!), { signal: AbortSignal.timeout(5000) })
  })
  await h.waitForMesh()
  await waitFor(
    () => rogue.services.pubsub.getSubscribers(CATALOG_TOPIC).some((p) => p.toString() === h.nodes[0]!.peerId),
    10_000,
    'rogue in mesh',
  )
})

test.after(async () => {
  for (const host of extra) await host.stop()
  await h?.close()
})

test('a stranger without the network key cannot complete a handshake', async () => {
  const otherKey = join(dir, 'other.key')
  writeNetworkKey(otherKey)
  const stranger = await strangerHost('stranger.key', otherKey)
  const { multiaddr } = await import('@multiformats/multiaddr')
  let failed = false
  await stranger.dial(multiaddr(h.nodes[0]!.addrs[0]!), { signal: AbortSignal.timeout(3000) }).catch(() => {
    failed = true
  })
  assert.ok(failed)
})

test('a node with the network key but not on the member list is refused', async () => {
  const outsider = await strangerHost('outsider.key', h.networkKeyFile)
  const { multiaddr } = await import('@multiformats/multiaddr')
  let failed = false
  try {
    await outsider.dial(multiaddr(h.nodes[0]!.addrs[0]!), { signal: AbortSignal.timeout(3000) })
    await outsider.dialProtocol(peerIdFromString(h.nodes[0]!.peerId), QUERY_PROTOCOL, { signal: AbortSignal.timeout(2000) })
  } catch {
    failed = true
  }
  assert.ok(failed)
  const { body } = await h.api<{ peers: Array<{ peerId: string }> }>(0, 'GET', '/api/network/peers')
  assert.not.ok(body.peers.some((p) => p.peerId === outsider.peerId.toString()))
})

test('an unknown protocol version is refused cleanly, without scoring the sender down', async () => {
  let code = ''
  await rogue
    .dialProtocol(peerIdFromString(h.nodes[0]!.peerId), '/wissensnetz/query/2.0.0', { signal: AbortSignal.timeout(3000) })
    .catch((err: Error) => {
      code = err.name
    })
  assert.is(code, 'UnsupportedProtocolError')
  assert.is(await ask(queryBytes({ v: '2.0.0' })), 'unsupported_version')
})

test('a forged agent (another publisher named, rogue signature) is rejected; a genuine one arrives', async () => {
  const key = await loadOrCreateIdentity(join(dir, 'rogue.key'))
  const forged = { publisher: h.nodes[1]!.peerId, agent: await signAgent(key, honestAgent('Gefälscht im Namen von Mayen')) }
  await rogue.services.pubsub.publish(
    CATALOG_TOPIC,
    encodeWire({ v: FEDERATION_WIRE_VERSION, type: 'agent.publish', entry: forged }, MAX_ANNOUNCEMENT_BYTES),
  )
  const genuine = { publisher: rogueId, agent: await signAgent(key, honestAgent('Echt aus Schurkenhausen')) }
  await rogue.services.pubsub.publish(
    CATALOG_TOPIC,
    encodeWire({ v: FEDERATION_WIRE_VERSION, type: 'agent.publish', entry: genuine }, MAX_ANNOUNCEMENT_BYTES),
  )
  await waitFor(
    async () => (await h.api<{ agents: unknown[] }>(0, 'GET', '/api/network/catalog?q=Schurkenhausen')).body.agents.length === 1,
    10_000,
    'genuine',
  )
  const { body } = await h.api<{ agents: unknown[] }>(0, 'GET', '/api/network/catalog?q=Gefälscht')
  assert.is(body.agents.length, 0)
})

test('a replayed or stale question is refused', async () => {
  const bytes = queryBytes()
  assert.is(await ask(bytes), 'not_allowed') // this node shares nothing, but the request itself was fine
  assert.is(await ask(bytes), 'replayed')
  assert.is(await ask(queryBytes({ sentAt: Date.now() - 60 * 60_000 })), 'expired')
})

test('a member that keeps sending garbage is scored down, disconnected and banned; the node stays up', async () => {
  const before = (await h.api<{ memory: { heapUsed: number } }>(0, 'GET', '/api/network/stats')).body.memory.heapUsed
  const target = peerIdFromString(h.nodes[0]!.peerId)
  for (let i = 0; i < MAX_OFFENCES + 2 && rogue.getConnections(target).length > 0; i++) {
    try {
      if (i % 3 === 0) await ask(randomBytes(200))
      else if (i % 3 === 1)
        await ask(new TextEncoder().encode(JSON.stringify({ v: FEDERATION_WIRE_VERSION, type: 'query.request', junk: 'x'.repeat(100) })))
      else {
        // announces a frame far above the limit: the server must not buffer it
        const stream = await rogue.dialProtocol(target, QUERY_PROTOCOL, { signal: AbortSignal.timeout(3000) })
        const lp = lpStream(stream)
        await lp.write(new Uint8Array(MAX_QUERY_REQUEST_BYTES * 64), { signal: AbortSignal.timeout(3000) })
        await lp.read({ signal: AbortSignal.timeout(3000) }).catch(() => undefined)
      }
    } catch {
      // the node may hang up at any point: that is the expected outcome
    }
  }
  await waitFor(() => rogue.getConnections(target).length === 0, 10_000, 'rogue disconnected')
  const { body } = await h.api<{ peers: Array<{ peerId: string; banned: boolean }> }>(0, 'GET', '/api/network/peers')
  assert.ok(body.peers.find((p) => p.peerId === rogueId)?.banned)
  let redial = false
  await rogue.dialProtocol(target, QUERY_PROTOCOL, { signal: AbortSignal.timeout(3000) }).then(
    () => {
      redial = true
    },
    () => undefined,
  )
  assert.not.ok(redial, 'a banned member cannot come back')
  // still up, still serving honest members, memory bounded
  assert.is((await h.api(0, 'GET', '/api/health')).status, 200)
  const stats = await h.api<{ memory: { heapUsed: number }; query: { rememberedNonces: number } }>(0, 'GET', '/api/network/stats')
  assert.ok(stats.body.memory.heapUsed - before < 64 * 1024 * 1024, `heap grew by ${stats.body.memory.heapUsed - before}`)
  const peers = await h.api<{ peers: Array<{ peerId: string; connected: boolean }> }>(1, 'GET', '/api/network/peers')
  assert.ok(peers.body.peers.find((p) => p.peerId === h.nodes[0]!.peerId)?.connected)
})

test.run()
