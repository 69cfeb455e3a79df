import type { AskDoneEvent, ConversationDetail, ConversationSummary } from '@wissensnetz/protocol'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openAnswerNode, TEST_MODEL } from '../../answers/testing.ts'
import { closeRuntime } from '../../llm/runtime.ts'
import { setQuiet } from '../../log.ts'
import type { WissensnetzNode } from '../../node.ts'
import { createTestToken, serveTestNode } from '../../test/helpers.ts'
import type { HttpServer } from '../server.ts'

setQuiet(true)
if (TEST_MODEL === null) console.log('SKIP /api/ask tests with the real model: ../shared/models/stories260K.gguf not found')
const modelTest = TEST_MODEL === null ? test.skip : test

/** Long enough that an answer is still being generated when a test disconnects or checks the busy slot. */
const LONG_ANSWER_TOKENS = 600
const SLOT_FREED_WITHIN_MS = 5000

let node: WissensnetzNode
let server: HttpServer
let base: string
let auth: { authorization: string }

test.before(async () => {
  node = await openAnswerNode(
    { 'Finanzen/hundesteuer.txt': 'Die Hundesteuer beträgt für den ersten Hund 96 Euro im Jahr und ist am 1. Juli fällig.' },
    { chat: TEST_MODEL !== null, slots: 1, maxQueued: 0, maxAnswerTokens: LONG_ANSWER_TOKENS },
  )
  auth = await createTestToken(node)
  ;({ server, base } = await serveTestNode(node))
})

test.after(async () => {
  await server.stop()
  await node.close()
  await closeRuntime()
})

const ask = (body: unknown, signal?: AbortSignal) =>
  fetch(`${base}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  })

const storedConversations = (): number => (node.db.prepare('SELECT COUNT(*) AS n FROM conversations').get() as { n: number }).n

interface SseEvent {
  event: string
  data: unknown
}

function parseEvents(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n')
      return { event: (eventLine ?? '').slice('event: '.length), data: JSON.parse((dataLine ?? '').slice('data: '.length)) as unknown }
    })
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return check()
}

modelTest('POST /api/ask streams token events, then one done event; the conversation can be read and deleted', async () => {
  const res = await ask({ question: 'Wie hoch ist die Hundesteuer?' })
  assert.is(res.status, 200)
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/)
  const events = parseEvents(await res.text())
  const kinds = events.map((e) => e.event)
  assert.ok(kinds.length >= 2 && kinds[0] === 'token', 'tokens come first')
  assert.equal(kinds.slice(0, -1), Array(kinds.length - 1).fill('token'))
  assert.is(kinds.at(-1), 'done')
  for (const e of events.slice(0, -1)) assert.type((e.data as { text: unknown }).text, 'string')
  const done = events.at(-1)?.data as AskDoneEvent
  assert.equal(Object.keys(done).sort(), ['answer', 'citations', 'conversationId', 'droppedCitations', 'mode'])
  assert.is(done.mode, 'generative')
  for (const c of done.citations) {
    assert.is(c.n, 1, 'one passage was retrieved')
    assert.is(c.path, 'Finanzen/hundesteuer.txt')
  }

  const list = (await (await fetch(`${base}/api/conversations`, { headers: auth })).json()) as { conversations: ConversationSummary[] }
  assert.ok(list.conversations.some((c) => c.id === done.conversationId && c.messages === 2))
  const other = await createTestToken(node)
  const theirs = (await (await fetch(`${base}/api/conversations`, { headers: other })).json()) as { conversations: ConversationSummary[] }
  assert.equal(theirs.conversations, [], 'another user sees none of them')
  assert.is((await fetch(`${base}/api/conversations/${done.conversationId}`, { headers: other })).status, 404)
  assert.is((await fetch(`${base}/api/conversations/${done.conversationId}`, { method: 'DELETE', headers: other })).status, 404)
  const detail = (await (await fetch(`${base}/api/conversations/${done.conversationId}`, { headers: auth })).json()) as ConversationDetail
  assert.equal(
    detail.messages.map((m) => [m.role, m.mode]),
    [
      ['user', null],
      ['assistant', 'generative'],
    ],
  )
  assert.is((await fetch(`${base}/api/conversations/${done.conversationId}`, { method: 'DELETE', headers: auth })).status, 204)
  assert.is((await fetch(`${base}/api/conversations/${done.conversationId}`, { headers: auth })).status, 404)
})

test('bad requests and unknown conversations are plain JSON errors, not streams; without credentials no answer', async () => {
  const anonymous = await fetch(`${base}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"question":"x"}',
  })
  assert.is(anonymous.status, 401)
  const invalid = await ask({ question: '', extra: true })
  assert.is(invalid.status, 400)
  assert.is(((await invalid.json()) as { error: { code: string } }).error.code, 'validation_failed')
  const unknown = await ask({ question: 'Hundesteuer?', conversationId: 'gibt-es-nicht' })
  assert.is(unknown.status, 404)
  assert.match(unknown.headers.get('content-type') ?? '', /json/)
})

modelTest('a client that disconnects mid-stream stops the generation: the slot is freed and nothing is stored', async () => {
  const before = storedConversations()
  const controller = new AbortController()
  const res = await ask({ question: 'Hundesteuer?' }, controller.signal)
  assert.is(res.status, 200)
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const first = await reader.read()
  assert.match(new TextDecoder().decode(first.value), /^event: token/)
  controller.abort()
  await reader.cancel().catch(() => undefined)
  assert.ok(await waitFor(() => node.chat?.load().freeSlots === 1, SLOT_FREED_WITHIN_MS), 'the slot is free again')
  assert.is(storedConversations(), before, 'an aborted answer is not stored')
})

modelTest('while every slot is busy and the queue is full, a question gets 503 llm_busy', async () => {
  const chat = node.chat
  assert.ok(chat !== null)
  const hold = new AbortController()
  const occupying = chat
    .generate({
      system: 'x',
      messages: [{ role: 'user', content: 'Erzähl eine Geschichte.' }],
      maxTokens: LONG_ANSWER_TOKENS,
      signal: hold.signal,
    })
    .catch((e: unknown) => e)
  const res = await ask({ question: 'Wie hoch ist die Hundesteuer?' })
  assert.is(res.status, 503)
  const body = (await res.json()) as { error: { code: string; message: string } }
  assert.is(body.error.code, 'llm_busy')
  hold.abort()
  await occupying
})

test.run()
