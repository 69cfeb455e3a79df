import '../../polyfill.ts'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { addSource } from '../../ingest/add-source.ts'
import type { WissensnetzNode } from '../../node.ts'
import { LOCAL_OPERATOR } from '../../store/access.ts'
import { tempDir, writeFiles } from '../../test/helpers.ts'
import { writeNetworkKey } from '../keys.ts'
import { openFederatedNode, prepareIdentity, waitFor } from '../testing.ts'
import { askFederated, previewQuestion } from './ask.ts'

const dir = tempDir('fed-query')
const psk = join(dir, 'swarm.key')
const nodes: WissensnetzNode[] = []
let asker: WissensnetzNode
let sharer: WissensnetzNode
let refuser: WissensnetzNode

const QUESTION = 'Hundesteuer Ermäßigung für Herrn Klaus Becker, Tel. 0261 1234567'

test.before(async () => {
  writeNetworkKey(psk)
  const names = ['Andernach', 'Mayen', 'Bendorf']
  const roots = names.map((n) => join(dir, n))
  const ids = await Promise.all(roots.map(prepareIdentity))
  const members = ids.map((peerId, i) => ({ peerId, municipality: names[i]! }))
  asker = await openFederatedNode({
    root: roots[0]!,
    municipality: 'Andernach',
    networkKeyFile: psk,
    members,
    inbound: { peers: [], sources: [] },
  })
  sharer = await openFederatedNode({
    root: roots[1]!,
    municipality: 'Mayen',
    networkKeyFile: psk,
    members,
    inbound: { peers: ['Andernach'], sources: ['Satzungen'] },
  })
  refuser = await openFederatedNode({
    root: roots[2]!,
    municipality: 'Bendorf',
    networkKeyFile: psk,
    members,
    inbound: { peers: [], sources: ['Satzungen'] },
  })
  nodes.push(asker, sharer, refuser)

  const corpus = join(dir, 'corpus-mayen')
  writeFiles(corpus, {
    'satzungen/hundesteuer.txt':
      'Hundesteuersatzung der Stadt Mayen. Eine Ermäßigung der Hundesteuer gibt es für Blindenhunde. Auskunft: Tel. 02651 88123.',
    'satzungen-personal/hundesteuer-personal.txt': 'GEHEIM-PERSONAL Hundesteuer Ermäßigung Personalakte.',
    'intern/hundesteuer-intern.txt': 'GEHEIM-INTERN Hundesteuer Ermäßigung interne Notiz.',
  })
  addSource(sharer.sources, { kind: 'folder', location: join(corpus, 'satzungen'), name: 'Satzungen' })
  // shared source name, but restricted to a group: must not leave either
  addSource(sharer.sources, { kind: 'folder', location: join(corpus, 'satzungen-personal'), name: 'Personal', groups: ['personalamt'] })
  addSource(sharer.sources, { kind: 'folder', location: join(corpus, 'intern'), name: 'Intern' })
  const own = join(dir, 'corpus-andernach')
  writeFiles(own, { 'satzung.txt': 'Hundesteuersatzung Andernach: Ermäßigung für Hunde aus dem Tierheim.' })
  addSource(asker.sources, { kind: 'folder', location: own, name: 'Satzungen' })
  for (const n of [asker, sharer]) await n.scheduler.triggerAll()

  for (const n of nodes) await n.federation!.start()
  const addr = asker.federation!.host!.getMultiaddrs()[0]!
  await sharer.federation!.host!.dial(addr)
  await refuser.federation!.host!.dial(addr)
  await waitFor(() => asker.federation!.host!.getPeers().length === 2, 5000, 'both connected')
})

test.after(async () => {
  for (const n of nodes) await n.close()
})

test('the preview shows exactly the anonymised text and the recipients', () => {
  const preview = previewQuestion(asker.federation!, QUESTION)
  assert.is(preview.text, 'Hundesteuer Ermäßigung für Herrn [NAME], Tel. [TELEFON]')
  assert.equal(
    preview.redactions.map((r) => r.kind),
    ['name', 'phone'],
  )
  assert.equal(preview.recipients.map((r) => r.municipality).sort(), ['Bendorf', 'Mayen'])
})

test('a federated question: shared sources answer, refusals are listed, hits carry their municipality', async () => {
  const result = await askFederated({ federation: asker.federation!, search: asker.search, municipality: 'Andernach' }, LOCAL_OPERATOR, {
    question: QUESTION,
    includeLocal: true,
    expectedText: 'Hundesteuer Ermäßigung für Herrn [NAME], Tel. [TELEFON]',
  })
  const byName = Object.fromEntries(result.peers.map((p) => [p.municipality, p]))
  assert.is(byName.Mayen?.status, 'ok')
  assert.is(byName.Bendorf?.status, 'refused')
  assert.is(byName.Bendorf?.code, 'not_allowed')
  const mayen = result.hits.filter((h) => h.municipality === 'Mayen')
  assert.is(mayen.length, 1)
  assert.ok(mayen[0]!.title?.includes('hundesteuer'))
  // the answering node redacted its own snippet
  assert.not.ok(mayen[0]!.snippet?.includes('88123'))
  assert.ok(result.hits.some((h) => h.municipality === 'Andernach' && h.peerId === null))
})

test('nothing beyond the shared sources and the documents open to everyone leaves a node', async () => {
  const result = await askFederated({ federation: asker.federation!, search: asker.search, municipality: 'Andernach' }, LOCAL_OPERATOR, {
    question: 'GEHEIM Hundesteuer Ermäßigung',
  })
  const text = JSON.stringify(result.hits)
  assert.not.ok(text.includes('GEHEIM'), text)
  assert.is(result.hits.length, 1)
  // while locally the operator sees all three
  const local = await sharer.search.search(LOCAL_OPERATOR, 'GEHEIM Hundesteuer', { limit: 10 })
  assert.is(local.hits.length, 3)
})

test('every exchange is recorded on both sides, with the anonymised question only', () => {
  const out = asker.federation!.exchanges.list({ kind: 'query', direction: 'out' })
  const inbound = sharer.federation!.exchanges.list({ kind: 'query', direction: 'in' })
  assert.ok(out.length >= 4)
  assert.ok(inbound.length >= 2)
  for (const row of [...out, ...inbound]) assert.not.ok(row.content?.includes('Becker'))
  assert.ok(refuser.federation!.exchanges.list({ kind: 'query', direction: 'in' }).every((r) => r.status === 'refused'))
})

test('a question that would differ from the preview is refused before anything is sent', async () => {
  const before = asker.federation!.exchanges.list({ kind: 'query' }).length
  let code = ''
  await askFederated({ federation: asker.federation!, search: asker.search, municipality: 'Andernach' }, LOCAL_OPERATOR, {
    question: QUESTION,
    expectedText: QUESTION,
  }).catch((err: { code: string }) => {
    code = err.code
  })
  assert.is(code, 'conflict')
  assert.is(asker.federation!.exchanges.list({ kind: 'query' }).length, before)
})

test.run()
