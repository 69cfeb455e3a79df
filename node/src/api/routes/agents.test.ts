import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { addSource } from '../../ingest/add-source.ts'
import type { WissensnetzNode } from '../../node.ts'
import { createTestToken, openTestNode, serveTestNode, tempDir } from '../../test/helpers.ts'
import type { HttpServer } from '../server.ts'

let node: WissensnetzNode
let server: HttpServer
let base: string
let auth: { authorization: string }

test.before(async () => {
  node = await openTestNode()
  addSource(node.sources, { kind: 'folder', location: tempDir('api-agents-satzungen'), name: 'Satzungen' })
  auth = await createTestToken(node, { roles: ['admin'] })
  ;({ server, base } = await serveTestNode(node))
})

test.after(async () => {
  await server.stop()
  await node.close()
})

type Json = Record<string, unknown>
interface ApiError {
  error: { code: string; message: string; details?: unknown }
}

const send = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
  fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? auth : { 'content-type': contentType, ...auth },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })

async function call<T = Json>(method: string, path: string, body?: unknown, expectStatus = 200): Promise<T> {
  const res = await send(method, path, body)
  assert.is(res.status, expectStatus, `${method} ${path}`)
  return (res.status === 204 ? {} : await res.json()) as T
}

const draft = {
  name: 'Antwort Müllabfuhr',
  category: 'Bürgerkommunikation',
  instructions: 'Beantworte Fragen zur Müllabfuhr.',
  knowledgeScope: ['Abfallsatzung'],
}

test('create, edit, read versions, and a stale save gets 409', async () => {
  const created = await call('POST', '/api/agents', draft, 201)
  const id = created.id as string
  assert.is(created.version, 1)
  assert.is(created.status, 'draft')

  const edited = await call('PUT', `/api/agents/${id}`, { ...draft, name: 'Müllabfuhr-Auskunft', baseVersion: 1, status: 'published' })
  assert.is(edited.version, 2)
  assert.is(edited.status, 'published')

  const stale = await send('PUT', `/api/agents/${id}`, { ...draft, baseVersion: 1 })
  assert.is(stale.status, 409)
  assert.is(((await stale.json()) as ApiError).error.code, 'conflict')

  const versions = await call<{ versions: Array<{ version: number; name: string; author: string }> }>('GET', `/api/agents/${id}/versions`)
  assert.equal(
    versions.versions.map((v) => [v.version, v.name]),
    [
      [2, 'Müllabfuhr-Auskunft'],
      [1, 'Antwort Müllabfuhr'],
    ],
  )
  assert.is((await call('GET', `/api/agents/${id}/versions/1`)).name, 'Antwort Müllabfuhr')
  assert.is((await call('GET', `/api/agents/${id}`)).name, 'Müllabfuhr-Auskunft')
  assert.is((await send('GET', `/api/agents/${id}/versions/abc`)).status, 400)

  const list = await call<{ agents: Array<{ id: string }>; categories: string[] }>('GET', '/api/agents?q=m%C3%BCllabfuhr')
  assert.equal(
    list.agents.map((a) => a.id),
    [id],
  )
  assert.ok(list.categories.includes('Bürgerkommunikation'))

  await call('DELETE', `/api/agents/${id}`, undefined, 204)
  assert.is((await send('GET', `/api/agents/${id}`)).status, 404)
})

test('an invalid agent gets 400 with every field problem', async () => {
  const res = await send('POST', '/api/agents', { ...draft, name: '', parameters: { temperature: -1, maxTokens: 100 }, language: 'fr' })
  assert.is(res.status, 400)
  const error = ((await res.json()) as ApiError).error
  assert.is(error.code, 'validation_failed')
  assert.equal((error.details as Array<{ field: string }>).map((d) => d.field).sort(), ['language', 'name', 'parameters.temperature'])
})

test('export is a file download; importing it back never overwrites', async () => {
  const created = await call('POST', '/api/agents', { ...draft, name: 'Übertragung für die Bürger-Info' }, 201)
  const id = created.id as string
  const res = await send('GET', `/api/agents/${id}/export`)
  assert.is(res.status, 200)
  assert.is(res.headers.get('content-disposition'), 'attachment; filename="uebertragung-fuer-die-buerger-info.json"')
  const fileText = await res.text()
  const file = JSON.parse(fileText) as { format: string; formatVersion: number; agent: Json }
  assert.is(file.format, 'wissensnetz-agent')
  assert.is(file.formatVersion, 1)
  assert.is(file.agent.id, id)

  const conflict = await send('POST', '/api/agents/import', fileText)
  assert.is(conflict.status, 409)
  const copy = await call('POST', '/api/agents/import?as=copy', fileText, 201)
  assert.is.not(copy.id, id)
  assert.equal(copy.provenance, { origin: 'imported', sourceAgentId: id, sourceVersion: 1 })
  assert.is((await call('GET', `/api/agents/${id}`)).name, 'Übertragung für die Bürger-Info')

  // Uploaded as the file's bytes (not application/json): the same rules apply.
  const uploaded = await fetch(`${base}/api/agents/import?as=copy`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...auth },
    body: fileText,
  })
  assert.is(uploaded.status, 201)
})

test('a bad file upload gets 400 naming the problem, and nothing is stored', async () => {
  const before = ((await call('GET', '/api/agents')).agents as unknown[]).length
  const notJson = await send('POST', '/api/agents/import', 'Sehr geehrte Damen und Herren,', 'text/plain')
  assert.is(notJson.status, 400)
  const error = ((await notJson.json()) as ApiError).error
  assert.is(error.code, 'validation_failed')
  assert.equal(
    (error.details as Array<{ field: string }>).map((d) => d.field),
    ['(Datei)'],
  )
  const wrongFormat = await send('POST', '/api/agents/import', { format: 'gpt', agent: {} })
  assert.equal(
    (((await wrongFormat.json()) as ApiError).error.details as Array<{ field: string }>).map((d) => d.field),
    ['format'],
  )
  assert.is(((await call('GET', '/api/agents')).agents as unknown[]).length, before)
})

test('fork creates a new draft from an agent', async () => {
  const created = await call('POST', '/api/agents', draft, 201)
  const fork = await call('POST', `/api/agents/${created.id}/fork`, undefined, 201)
  assert.is.not(fork.id, created.id)
  assert.is(fork.status, 'draft')
  assert.is((fork.provenance as Json).sourceAgentId, created.id)
})

test('scope bindings: list unbound tags, bind them, and refuse unknown sources', async () => {
  await call('POST', '/api/agents', draft, 201)
  const initial = await call<{ bindings: unknown[]; unboundTags: string[] }>('GET', '/api/agents/scope-bindings')
  assert.ok(initial.unboundTags.includes('Abfallsatzung'))
  assert.ok(initial.unboundTags.includes('Satzungen'), 'tags of the starter agents too')

  const bound = await call<{ bindings: Array<{ tag: string; sources: Array<{ name: string }> }>; unboundTags: string[] }>(
    'PUT',
    '/api/agents/scope-bindings',
    { bindings: [{ tag: 'Abfallsatzung', sources: ['Satzungen'] }] },
  )
  assert.equal(bound.bindings, [{ tag: 'Abfallsatzung', sources: [{ id: node.sources.get('Satzungen').id, name: 'Satzungen' }] }])
  assert.not.ok(bound.unboundTags.includes('Abfallsatzung'))

  const unknown = await send('PUT', '/api/agents/scope-bindings', { bindings: [{ tag: 'Bauamt', sources: ['Gibt es nicht'] }] })
  assert.is(unknown.status, 404)
  assert.is((await call<{ bindings: unknown[] }>('GET', '/api/agents/scope-bindings')).bindings.length, 1, 'nothing changed')
})

test.run()
