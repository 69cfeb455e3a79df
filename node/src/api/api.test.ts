import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { addSource } from '../ingest/add-source.ts'
import type { WissensnetzNode } from '../node.ts'
import { createTestToken, openTestNode, serveTestNode, tempDir, writeFiles } from '../test/helpers.ts'
import type { HttpServer } from './server.ts'

let node: WissensnetzNode
let server: HttpServer
let base: string
let auth: { authorization: string }

test.before(async () => {
  const docs = tempDir('api-docs')
  writeFiles(docs, {
    'Ordnungsamt/hunde.txt': 'Hundesteuer: Die Steuer für den ersten Hund beträgt 60 Euro im Jahr.',
    'Bauamt/bauantrag.md': '# Bauantrag\n\nDer Bauantrag ist beim Bauamt einzureichen.',
  })
  node = await openTestNode()
  addSource(node.sources, { kind: 'folder', location: docs, name: 'Ablage' })
  await node.scheduler.triggerAll()
  auth = await createTestToken(node, { roles: ['admin'], groups: ['bauamt'] })
  ;({ server, base } = await serveTestNode(node))
})

test.after(async () => {
  await server.stop()
  await node.close()
})

const post = (path: string, body: unknown, raw?: string) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: raw ?? JSON.stringify(body) })

test('POST /api/search answers hits with document, path, snippet, source and page', async () => {
  const res = await post('/api/search', { query: 'Hundesteuer', limit: 5 })
  assert.is(res.status, 200)
  const body = (await res.json()) as { hits: Array<Record<string, unknown>>; mode: string }
  assert.is(body.mode, 'lexical')
  assert.is(body.hits.length, 1)
  const hit = body.hits[0] as Record<string, unknown>
  assert.is(hit.path, 'Ordnungsamt/hunde.txt')
  assert.is((hit.source as { name: string }).name, 'Ablage')
  assert.ok(typeof hit.documentId === 'number' && typeof hit.snippet === 'string' && 'page' in hit && typeof hit.score === 'number')
})

test('GET /api/status says that search is lexical and answers extractive without models', async () => {
  const body = (await (await fetch(`${base}/api/status`, { headers: auth })).json()) as {
    search: { semantic: boolean }
    answers: { mode: string; chatModel: string | null }
    documents: { indexed: number }
  }
  assert.is(body.search.semantic, false)
  assert.is(body.answers.mode, 'extractive')
  assert.is(body.answers.chatModel, null)
  assert.is(body.documents.indexed, 2)
})

test('malformed and invalid requests get a clear 400 and never a stack trace', async () => {
  const broken = await post('/api/search', null, '{"query": ')
  assert.is(broken.status, 400)
  assert.is(((await broken.json()) as { error: { code: string } }).error.code, 'bad_request')

  const invalid = await post('/api/search', { query: '', limit: 1000, filters: { dateFrom: 'gestern' }, extra: 1 })
  assert.is(invalid.status, 400)
  const error = ((await invalid.json()) as { error: { code: string; details: Array<{ field: string }> } }).error
  assert.is(error.code, 'validation_failed')
  const fields = error.details.map((d) => d.field)
  for (const f of ['query', 'limit', 'filters.dateFrom']) assert.ok(fields.includes(f), `${f} reported`)

  const big = await post('/api/search', { query: 'x'.repeat(400_000) })
  assert.is(big.status, 413)
  const unknown = await fetch(`${base}/api/nichts`, { headers: auth })
  assert.is(unknown.status, 404)
  assert.is(((await unknown.json()) as { error: { code: string } }).error.code, 'not_found')
})

test('sources can be listed, added with validation, and their ingest followed as Server-Sent Events', async () => {
  const list = (await (await fetch(`${base}/api/sources`, { headers: auth })).json()) as { sources: Array<{ name: string; documents: { indexed: number } }> }
  assert.equal(
    list.sources.map((s) => [s.name, s.documents.indexed]),
    [['Ablage', 2]],
  )
  const missing = await post('/api/sources', { kind: 'folder', location: '/gibt/es/nicht' })
  assert.is(missing.status, 400)

  const events = await fetch(`${base}/api/ingest/events`, { headers: auth })
  const reader = events.body?.getReader()
  const docs = tempDir('api-more')
  writeFiles(docs, { 'neu.txt': 'Ein neues Dokument über Parkausweise.' })
  const added = await post('/api/sources', { kind: 'folder', location: docs, name: 'Neu', groups: ['bauamt'] })
  assert.is(added.status, 201)
  let text = ''
  const decoder = new TextDecoder()
  const neuDone = () => text.split('\n\n').some((e) => e.includes('"sourceName":"Neu"') && e.includes('"phase":"done"'))
  while (!neuDone()) {
    const chunk = await reader?.read()
    if (chunk === undefined || chunk.done) break
    text += decoder.decode(chunk.value)
  }
  await reader?.cancel()
  assert.ok(text.includes('event: progress'), 'progress events are streamed')
  const search = (await (await post('/api/search', { query: 'Parkausweise' })).json()) as { hits: Array<{ path: string }> }
  assert.equal(
    search.hits.map((h) => h.path),
    ['neu.txt'],
  )
})

test.run()
