import { agentDefinitionSchema, MAX_INSTRUCTIONS_CHARS } from '@wissensnetz/protocol'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { WissensnetzError } from '../errors.ts'
import { addSource } from '../ingest/add-source.ts'
import type { WissensnetzNode } from '../node.ts'
import { openTestNode, tempDir } from '../test/helpers.ts'
import { readStarterAgents, STARTER_AUTHOR } from './starters.ts'
import { exportAgent, importAgent } from './transfer.ts'

const AUTHOR = 'user:mueller'

let node: WissensnetzNode
let dataRoot: string

test.before.each(async () => {
  dataRoot = tempDir('agents')
  node = await openTestNode(dataRoot)
})

test.after.each(async () => {
  await node.close()
})

const draft = (overrides: Record<string, unknown> = {}) => ({
  name: 'Gebührenauskunft',
  description: 'Beantwortet Fragen zu Gebühren',
  category: 'Bürgerkommunikation',
  instructions: 'Antworte freundlich und nenne die Fundstelle.',
  knowledgeScope: ['Satzungen'],
  ...overrides,
})

/** Runs `fn` and returns the typed error it throws. */
function errorOf(fn: () => unknown): WissensnetzError {
  try {
    fn()
  } catch (err) {
    assert.instance(err, WissensnetzError)
    return err as WissensnetzError
  }
  throw new Error('expected an error')
}

const fields = (err: WissensnetzError) => (err.details as Array<{ field: string }>).map((d) => d.field)
const liveCount = () => node.agents.list().length

test('every save is a new version; old versions stay readable', () => {
  const created = node.agents.create(draft({ status: 'published' }), AUTHOR)
  const id = created.definition.id
  assert.is(created.definition.version, 1)
  assert.is(created.definition.authorMunicipality, node.config.node.name, 'the node is the author municipality by default')
  assert.is(created.record.status, 'published')

  const edited = node.agents.update(id, draft({ instructions: 'Antworte knapp.', baseVersion: 1 }), 'user:schmidt')
  assert.is(edited.definition.version, 2)
  assert.is(edited.definition.createdAt, created.definition.createdAt)
  assert.is(edited.record.status, 'published', 'an edit without status keeps the status')
  assert.is(node.agents.get(id).definition.instructions, 'Antworte knapp.')
  assert.is(node.agents.get(id, 1).definition.instructions, 'Antworte freundlich und nenne die Fundstelle.')
  assert.equal(
    node.agents.versions(id).map((v) => [v.version, v.author]),
    [
      [2, 'user:schmidt'],
      [1, AUTHOR],
    ],
  )
  assert.is(errorOf(() => node.agents.get(id, 3)).code, 'not_found')
})

test('a save based on an old version is refused with 409 and changes nothing', () => {
  const id = node.agents.create(draft(), AUTHOR).definition.id
  node.agents.update(id, draft({ name: 'Erste Änderung', baseVersion: 1 }), AUTHOR)
  const stale = errorOf(() => node.agents.update(id, draft({ name: 'Zweite Änderung', baseVersion: 1 }), AUTHOR))
  assert.is(stale.status, 409)
  assert.is(stale.code, 'conflict')
  assert.equal(stale.details, { currentVersion: 2, baseVersion: 1 })
  assert.is(node.agents.get(id).definition.name, 'Erste Änderung')
  assert.is(node.agents.versions(id).length, 2)
})

test('invalid drafts are refused with each field named, and nothing is stored', () => {
  const before = liveCount()
  const err = errorOf(() =>
    node.agents.create(
      draft({ name: '', instructions: 'x'.repeat(MAX_INSTRUCTIONS_CHARS + 1), parameters: { temperature: 3, maxTokens: 10 } }),
      AUTHOR,
    ),
  )
  assert.is(err.code, 'validation_failed')
  assert.equal(fields(err).sort(), ['instructions', 'name', 'parameters.temperature'])
  assert.is(liveCount(), before)
})

test('list finds agents by words in name, category or description, and filters by category', () => {
  node.agents.create(draft({ name: 'Hundesteuer-Auskunft', category: 'Steuern' }), AUTHOR)
  node.agents.create(draft({ name: 'Bauantrag prüfen', category: 'Bauamt', description: 'Vollständigkeit von Bauanträgen' }), AUTHOR)
  const names = (filter: { query?: string; category?: string }) => node.agents.list(filter).map((a) => a.definition.name)
  assert.equal(names({ query: 'hundesteuer' }), ['Hundesteuer-Auskunft'])
  assert.equal(names({ query: 'vollständigkeit BAUANTRÄGEN' }), ['Bauantrag prüfen'], 'every word, any case, umlauts too')
  assert.equal(names({ category: 'bauamt' }), ['Bauantrag prüfen'])
  assert.equal(names({ query: 'Leichte Sprache' }), ['Übertragung in Leichte Sprache'], 'starter agents are listed too')
  assert.ok(node.agents.categories().includes('Steuern'))
})

test('export then import into the same node never overwrites: refused, or a copy on request', () => {
  const original = node.agents.create(draft(), AUTHOR).definition
  const { fileName, file } = exportAgent(node.agents, original.id)
  assert.is(fileName, 'gebuehrenauskunft.json')
  const text = JSON.stringify(file)
  const before = liveCount()

  const refused = errorOf(() => importAgent(node.agents, text, AUTHOR))
  assert.is(refused.status, 409)
  assert.equal(refused.details, { existingId: original.id })
  assert.is(liveCount(), before)

  const copy = importAgent(node.agents, text, AUTHOR, { asCopy: true })
  assert.is.not(copy.definition.id, original.id)
  assert.is(copy.definition.name, 'Gebührenauskunft (Kopie)')
  assert.is(copy.definition.instructions, original.instructions)
  assert.equal(copy.definition.provenance, { origin: 'imported', sourceAgentId: original.id, sourceVersion: 1 })
  assert.is(copy.record.status, 'draft')
  assert.is(node.agents.get(original.id).definition.name, 'Gebührenauskunft', 'the original is untouched')
  assert.is(liveCount(), before + 1)
})

test('an agent exported by one node is imported by another with its id and provenance', async () => {
  const original = node.agents.create(draft(), AUTHOR).definition
  const text = JSON.stringify(exportAgent(node.agents, original.id).file)
  const other = await openTestNode()
  try {
    const imported = importAgent(other.agents, text, AUTHOR, { sourceNode: '12D3KooWAndernach' })
    assert.is(imported.definition.id, original.id)
    assert.is(imported.definition.authorMunicipality, original.authorMunicipality)
    assert.equal(imported.definition.provenance, {
      origin: 'imported',
      sourceNode: '12D3KooWAndernach',
      sourceAgentId: original.id,
      sourceVersion: 1,
    })
    assert.is(other.agents.get(original.id).definition.instructions, original.instructions)
  } finally {
    await other.close()
  }
})

test('bad import files are refused with a precise problem list, and nothing is stored', () => {
  const valid = exportAgent(node.agents, node.agents.create(draft(), AUTHOR).definition.id).file
  node.agents.delete(valid.agent.id)
  const before = liveCount()
  const cases: Array<[unknown, string[]]> = [
    ['das ist kein JSON', ['(Datei)']],
    [{ ...valid, format: 'anderes-format' }, ['format']],
    [{ ...valid, agent: { ...valid.agent, instructions: undefined, category: undefined } }, ['agent.category', 'agent.instructions']],
    [{ ...valid, agent: { ...valid.agent, instructions: 'x'.repeat(MAX_INSTRUCTIONS_CHARS + 1) } }, ['agent.instructions']],
  ]
  for (const [input, expected] of cases) {
    const err = errorOf(() => importAgent(node.agents, typeof input === 'string' ? input : JSON.stringify(input), AUTHOR))
    assert.is(err.code, 'validation_failed')
    assert.equal(fields(err).sort(), expected)
    for (const field of expected) assert.ok(err.message.includes(field), `the message names ${field}`)
  }
  assert.is(liveCount(), before)
})

test('delete is soft: the agent disappears, its versions stay, its id is never reused', () => {
  const id = node.agents.create(draft(), AUTHOR).definition.id
  const file = JSON.stringify(exportAgent(node.agents, id).file)
  node.agents.delete(id)
  assert.is(errorOf(() => node.agents.get(id)).code, 'not_found')
  assert.ok(!node.agents.list().some((a) => a.definition.id === id))
  assert.is(node.agents.repository.versions(id).length, 1, 'kept for audit')
  assert.is(errorOf(() => node.agents.update(id, draft({ baseVersion: 1 }), AUTHOR)).code, 'not_found')
  assert.is(errorOf(() => importAgent(node.agents, file, AUTHOR)).status, 409, 'an import cannot bring it back under its id')
})

test('fork makes a new local draft that remembers its origin', () => {
  const original = node.agents.create(draft({ status: 'published' }), AUTHOR).definition
  const fork = node.agents.fork(original.id, 'user:schmidt')
  assert.is.not(fork.definition.id, original.id)
  assert.is(fork.definition.version, 1)
  assert.is(fork.record.status, 'draft')
  assert.equal(fork.definition.provenance, { origin: 'local', sourceAgentId: original.id, sourceVersion: 1 })
})

test('resolve binds the scope tags to this node’s sources; unbound or no scope means all sources', () => {
  const satzungen = addSource(node.sources, { kind: 'folder', location: tempDir('satzungen'), name: 'Satzungen' })
  const ortsrecht = addSource(node.sources, { kind: 'folder', location: tempDir('ortsrecht'), name: 'Ortsrecht' })
  const bauamt = addSource(node.sources, { kind: 'folder', location: tempDir('bauamt'), name: 'Bauamt' })
  const scopedDraft = draft({ knowledgeScope: ['Satzungen', 'Gebühren'], parameters: { temperature: 0.1, maxTokens: 500 } })
  const scoped = node.agents.create(scopedDraft, AUTHOR)
  const unscoped = node.agents.create(draft({ knowledgeScope: [] }), AUTHOR)
  const id = scoped.definition.id

  assert.is(node.agentRunner.resolve(id).sourceIds, null, 'no tag bound yet: all sources the user may see')
  node.agentScopes.bind('satzungen', ['Satzungen', String(ortsrecht.id)])
  node.agentScopes.bind('Gebühren', [satzungen.id])
  node.agentScopes.bind('Bauamt', ['Bauamt'])
  const resolved = node.agentRunner.resolve(id)
  assert.equal(resolved.sourceIds, [satzungen.id, ortsrecht.id], 'the union of the bound sources, tags compared without case')
  assert.is(resolved.temperature, 0.1)
  assert.is(resolved.maxTokens, 500)
  assert.is(resolved.instructions, scoped.definition.instructions)
  assert.is(node.agentRunner.resolve(unscoped.definition.id).sourceIds, null)
  assert.ok(!node.agentRunner.resolve(id).sourceIds?.includes(bauamt.id))

  node.sources.deleteRow(ortsrecht.id)
  assert.equal(node.agentRunner.resolve(id).sourceIds, [satzungen.id], 'a removed source drops out of every binding')
  assert.is(errorOf(() => node.agentScopes.bind('Satzungen', ['gibt-es-nicht'])).code, 'not_found')
  node.agents.delete(id)
  assert.is(errorOf(() => node.agentRunner.resolve(id)).code, 'not_found')
})

test('starter agents are valid, installed once, and an edit or deletion of one survives a restart', async () => {
  const starters = readStarterAgents()
  assert.is(starters.length, 5)
  for (const { agent } of starters) {
    assert.ok(agentDefinitionSchema.safeParse(agent).success, agent.name)
    assert.ok(agent.starterPrompts.length > 0 && agent.knowledgeScope.length > 0 && agent.outputTemplate.length > 0, agent.name)
    const stored = node.agents.get(agent.id)
    assert.is(stored.definition.provenance.origin, 'local')
    assert.is(node.agents.versions(agent.id)[0]?.author, STARTER_AUTHOR)
  }
  const [first, second] = starters.map((s) => s.agent)
  if (first === undefined || second === undefined) throw new Error('starters missing')
  node.agents.update(first.id, { name: 'Unser Vermerk', instructions: first.instructions, baseVersion: 1 }, AUTHOR)
  node.agents.delete(second.id)
  await node.close()
  node = await openTestNode(dataRoot)
  assert.is(node.agents.get(first.id).definition.name, 'Unser Vermerk', 'not reinstalled over the edit')
  assert.is(node.agents.versions(first.id).length, 2)
  assert.is(errorOf(() => node.agents.get(second.id)).code, 'not_found', 'a deleted starter stays deleted')
  assert.is(liveCount(), 4)
})

test.run()
