import '../polyfill.ts'
import { join } from 'node:path'
import type { CatalogListing, FederatedQueryResponse, NetworkPeersResponse, QueryPreviewResponse } from '@wissensnetz/protocol'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { tempDir, writeFiles } from '../test/helpers.ts'
import { FederationHarness } from './harness.ts'
import { waitFor } from './testing.ts'

// Three real nodes as separate processes on 127.0.0.1, each with its own data directory and corpus.
const dir = tempDir('fed-harness')
let h: FederationHarness

const corpus = (name: string, files: Record<string, string>) => {
  writeFiles(join(dir, 'corpus', name), files)
  return join(dir, 'corpus', name)
}

/** A node that dies while starting (its source folder is missing): settled once start() has given up. */
let brokenStart: 'pending' | 'started' | Error = 'pending'

test.before(async () => {
  // Runs beside the real start below, so that it adds next to no time to this file.
  void FederationHarness.start(join(dir, 'broken'), [{ municipality: 'Kaputt', sources: [{ name: 'Fehlt', location: join(dir, 'fehlt') }] }]).then(
    async (harness) => {
      brokenStart = 'started'
      await harness.close()
    },
    (err: Error) => {
      brokenStart = err
    },
  )
  const satzungen = (town: string) =>
    corpus(`${town}-satzungen`, {
      'hundesteuer.txt': `Hundesteuersatzung ${town}. Ermäßigung der Hundesteuer für Blindenhunde und Tierheimhunde.`,
      'friedhof.txt': `Friedhofssatzung ${town}. Grabnutzungsrechte und Gebühren für Urnengräber.`,
    })
  h = await FederationHarness.start(dir, [
    { municipality: 'Andernach', sources: [{ name: 'Satzungen', location: satzungen('Andernach') }], inbound: { sources: ['Satzungen'] } },
    {
      municipality: 'Mayen',
      sources: [
        { name: 'Satzungen', location: satzungen('Mayen') },
        { name: 'Intern', location: corpus('Mayen-intern', { 'notiz.txt': 'VERTRAULICH Hundesteuer Ermäßigung Prüfvermerk.' }) },
        {
          name: 'Personal',
          location: corpus('Mayen-personal', { 'akte.txt': 'PERSONALAKTE Hundesteuer Ermäßigung.' }),
          groups: ['personalamt'],
        },
      ],
      inbound: { sources: ['Satzungen', 'Personal'] },
    },
    { municipality: 'Bendorf', sources: [{ name: 'Satzungen', location: satzungen('Bendorf') }], inbound: { sources: ['Satzungen'] } },
  ])
  await h.waitForMesh()
})

test.after(async () => {
  await h?.close()
})

test('a node that dies during startup fails the start instead of hanging it', async () => {
  await waitFor(() => brokenStart !== 'pending', 20_000, 'start() of a harness whose node exits at once has returned')
  assert.instance(brokenStart, Error)
})

test('every member sees the others connected, with the Wissensnetz protocol versions', async () => {
  const { body } = await h.api<NetworkPeersResponse>(0, 'GET', '/api/network/peers')
  assert.is(body.self?.municipality, 'Andernach')
  const others = body.peers.filter((p) => !p.self)
  assert.equal(others.map((p) => p.municipality).sort(), ['Bendorf', 'Mayen'])
  for (const p of others) {
    assert.ok(p.connected)
    assert.ok(p.lastSeen !== null)
    assert.ok(p.protocols.includes('/wissensnetz/query/1.0.0'), p.protocols.join(' '))
    assert.ok(p.protocols.includes('/wissensnetz/catalog-sync/1.0.0'))
  }
})

test('catalogue propagation: an agent published on one node appears on all others', async () => {
  const created = await h.api<{ id: string }>(0, 'POST', '/api/agents', {
    name: 'Vermerk aus Notizen',
    instructions: 'Schreibe einen Vermerk.',
  })
  assert.is(created.status, 201)
  const published = await h.api(0, 'POST', '/api/network/catalog/publish', { agentId: created.body.id })
  assert.is(published.status, 200)
  for (const i of [1, 2]) {
    await waitFor(
      async () => (await h.api<{ agents: CatalogListing[] }>(i, 'GET', '/api/network/catalog')).body.agents.length === 1,
      10_000,
      `node ${i} has it`,
    )
  }
  const { body } = await h.api<{ agents: CatalogListing[] }>(2, 'GET', '/api/network/catalog?q=vermerk')
  assert.is(body.agents[0]?.municipality, 'Andernach')
})

test('catch-up after downtime: a node that was offline gets what it missed', async () => {
  await h.stopNode(2)
  const created = await h.api<{ id: string }>(1, 'POST', '/api/agents', {
    name: 'Leichte Sprache',
    instructions: 'Übersetze in Leichte Sprache.',
  })
  await h.api(1, 'POST', '/api/network/catalog/publish', { agentId: created.body.id })
  await waitFor(
    async () => (await h.api<{ agents: CatalogListing[] }>(0, 'GET', '/api/network/catalog')).body.agents.length === 2,
    10_000,
    'node 0 has both',
  )
  await h.startNode(2)
  await waitFor(
    async () => (await h.api<{ agents: CatalogListing[] }>(2, 'GET', '/api/network/catalog?q=leichte')).body.agents.length === 1,
    20_000,
    'node 2 caught up',
  )
})

test('a federated question with one peer down: the others answer, the missing one is listed', async () => {
  await h.stopNode(2)
  const question = 'Ermäßigung Hundesteuer für Frau Anna Schmidt'
  const preview = await h.api<QueryPreviewResponse>(0, 'POST', '/api/network/query/preview', { question })
  assert.is(preview.body.text, 'Ermäßigung Hundesteuer für Frau [NAME]')
  const { status, body } = await h.api<FederatedQueryResponse>(0, 'POST', '/api/network/query', {
    question,
    expectedText: preview.body.text,
  })
  assert.is(status, 200)
  const byTown = Object.fromEntries(body.peers.map((p) => [p.municipality, p]))
  assert.is(byTown.Mayen?.status, 'ok')
  assert.ok(['unreachable', 'timeout'].includes(byTown.Bendorf?.status ?? ''), JSON.stringify(byTown.Bendorf))
  assert.ok(body.hits.some((hit) => hit.municipality === 'Mayen' && hit.title === 'hundesteuer'))
  assert.ok(body.tookMs < 5000)
})

test('nothing beyond the shared sources (and documents open to everyone there) leaves a node', async () => {
  const { body } = await h.api<FederatedQueryResponse>(0, 'POST', '/api/network/query', {
    question: 'VERTRAULICH PERSONALAKTE Hundesteuer Ermäßigung',
  })
  const mayen = body.hits.filter((hit) => hit.municipality === 'Mayen')
  assert.ok(mayen.length >= 1)
  const leaked = JSON.stringify(body.hits)
  assert.not.ok(leaked.includes('VERTRAULICH'), leaked)
  assert.not.ok(leaked.includes('PERSONALAKTE'), leaked)
  // both sides recorded the exchange
  const asked = await h.api<{ exchanges: Array<{ direction: string; kind: string; content: string }> }>(1, 'GET', '/api/network/exchanges')
  assert.ok(asked.body.exchanges.some((e) => e.direction === 'in' && e.kind === 'query' && e.content.includes('Hundesteuer')))
})

test.run()
