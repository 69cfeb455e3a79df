import '../polyfill.ts'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { tempDir } from '../test/helpers.ts'
import { createFederationHost, type FederationHost } from './host.ts'
import { loadOrCreateIdentity, readNetworkKey, writeNetworkKey } from './keys.ts'
import { memberGater } from './members.ts'
import { waitFor } from './testing.ts'

const dir = tempDir('fed-host')
const hosts: FederationHost[] = []

async function host(key: PrivateKey, pskFile: string, members: Set<string>): Promise<FederationHost> {
  const h = await createFederationHost({
    privateKey: key,
    psk: readNetworkKey(pskFile),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: [],
    gater: memberGater(members, () => false),
    agentVersion: 'wissensnetz-test',
  })
  await h.start()
  hosts.push(h)
  return h
}

test.after(async () => {
  await Promise.all(hosts.map((h) => h.stop()))
})

test('the identity persists across restarts in a 0600 file', async () => {
  const file = join(dir, 'a', 'peer.key')
  const first = await loadOrCreateIdentity(file)
  const again = await loadOrCreateIdentity(file)
  assert.is(peerIdFromPrivateKey(again).toString(), peerIdFromPrivateKey(first).toString())
  assert.is(statSync(file).mode & 0o777, 0o600)
})

test('members with the network key connect; a stranger with another key cannot complete a handshake', async () => {
  const psk = join(dir, 'swarm.key')
  const otherPsk = join(dir, 'other.key')
  writeNetworkKey(psk)
  writeNetworkKey(otherPsk)
  assert.is(statSync(psk).mode & 0o777, 0o600)
  assert.throws(
    () => writeNetworkKey(psk),
    (err: Error) => err.name === 'FederationKeyError',
  )
  const [ka, kb, kc] = await Promise.all([
    loadOrCreateIdentity(join(dir, 'ka')),
    loadOrCreateIdentity(join(dir, 'kb')),
    loadOrCreateIdentity(join(dir, 'kc')),
  ])
  const ids = [ka, kb, kc].map((k) => peerIdFromPrivateKey(k).toString())
  // Everyone is on every member list: only the network key keeps C out.
  const members = new Set(ids)
  const a = await host(ka, psk, members)
  const b = await host(kb, psk, members)
  const c = await host(kc, otherPsk, members)
  await b.dial(a.getMultiaddrs()[0]!, { signal: AbortSignal.timeout(5000) })
  await waitFor(() => a.getConnections(b.peerId).length > 0, 5000, 'a sees b')
  const pinged = await b.services.ping.ping(a.peerId, { signal: AbortSignal.timeout(5000) })
  assert.type(pinged, 'number')
  let failed = false
  try {
    await c.dial(a.getMultiaddrs()[0]!, { signal: AbortSignal.timeout(3000) })
  } catch {
    failed = true
  }
  assert.ok(failed, 'dial with the wrong network key must fail')
  assert.is(a.getConnections(c.peerId).length, 0)
})

test('a node with the network key but not on the member list is refused by the gater', async () => {
  const psk = join(dir, 'swarm.key')
  const [km, kx] = await Promise.all([loadOrCreateIdentity(join(dir, 'km')), loadOrCreateIdentity(join(dir, 'kx'))])
  const mid = peerIdFromPrivateKey(km).toString()
  const xid = peerIdFromPrivateKey(kx).toString()
  const m = await host(km, psk, new Set([mid]))
  // x considers m a member, but m does not know x
  const x = await host(kx, psk, new Set([mid, xid]))
  let failed = false
  try {
    await x.dial(m.getMultiaddrs()[0]!, { signal: AbortSignal.timeout(5000) })
    await x.services.ping.ping(m.peerId, { signal: AbortSignal.timeout(2000) })
  } catch {
    failed = true
  }
  assert.ok(failed, 'a non-member must not get a working connection')
  await waitFor(() => m.getConnections(x.peerId).length === 0, 3000, 'm holds no connection to x')
})

test.run()
