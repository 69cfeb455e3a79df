import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { setQuiet } from '../log.ts'
import { sharedPath } from '../test/helpers.ts'
import { ChatModel, type GenerateRequest } from './chat.ts'
import { closeRuntime } from './runtime.ts'

setQuiet(true)

const MODEL = sharedPath('models/stories260K.gguf')
if (MODEL === null) console.log('SKIP chat model tests: ../shared/models/stories260K.gguf not found')
const modelTest = MODEL === null ? test.skip : test
/** Small enough to keep tests quick on a busy 2-core machine; the test model was trained on 2048. */
const CONTEXT_TOKENS = 1024

const models: ChatModel[] = []
async function open(slots: number, maxQueued: number): Promise<ChatModel> {
  const chat = new ChatModel({ modelPath: MODEL as string, threads: 1, slots, maxQueued, contextSize: CONTEXT_TOKENS })
  await chat.start()
  models.push(chat)
  return chat
}

test.after(async () => {
  for (const chat of models) await chat.stop()
  await closeRuntime()
})

const ask = (extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
  system: 'Du beantwortest Fragen.',
  messages: [{ role: 'user', content: 'Wer hat den Ball?' }],
  temperature: 0.8,
  maxTokens: 16,
  ...extra,
})

async function rejection(promise: Promise<unknown>): Promise<{ name: string; code?: string; status?: number }> {
  try {
    await promise
  } catch (err) {
    return err as { name: string; code?: string }
  }
  throw new Error('expected a rejection')
}

modelTest('loads the model with one context sequence per slot and the configured context', async () => {
  const chat = await open(2, 4)
  assert.is(chat.slots, 2)
  assert.is(chat.contextSize, CONTEXT_TOKENS)
  assert.equal(chat.load(), { queued: 0, freeSlots: 2 })
  assert.ok(chat.countTokens('Die Hundesteuer beträgt 96 Euro.') > 0)
})

modelTest('streams text as it is generated and counts prompt and answer tokens', async () => {
  const chat = await open(1, 0)
  const chunks: string[] = []
  let admitted = 0
  const result = await chat.generate(ask({ onToken: (t) => chunks.push(t), onAdmitted: () => admitted++ }))
  assert.ok(chunks.length > 0, 'tokens were streamed')
  assert.is(chunks.join(''), result.text, 'the streamed text is the answer')
  assert.is(admitted, 1)
  assert.ok(result.stats.promptTokens > 10, 'the system prompt and question were evaluated')
  assert.ok(result.stats.outputTokens >= 1 && result.stats.outputTokens <= 16)
  assert.ok(result.stats.modelFirstTokenMs > 0 && result.stats.modelFirstTokenMs <= result.stats.modelTotalMs)
  // a conversation with earlier turns goes through the chat template too
  const followUp = await chat.generate(
    ask({
      messages: [
        { role: 'user', content: 'Wer?' },
        { role: 'assistant', content: 'Tom.' },
        { role: 'user', content: 'Und wo?' },
      ],
    }),
  )
  assert.type(followUp.text, 'string')
})

modelTest('an aborted request stops mid-stream and gives its slot to the next one', async () => {
  const chat = await open(1, 1)
  const controller = new AbortController()
  let chunks = 0
  const first = chat.generate(
    ask({
      maxTokens: 400,
      signal: controller.signal,
      onToken: () => {
        if (++chunks === 2) controller.abort()
      },
    }),
  )
  const waiting = chat.generate(ask())
  assert.is(chat.load().queued, 1, 'the second request waits for the only slot')
  const err = await rejection(first)
  assert.is(err.code, 'aborted')
  assert.ok(chunks < 10, `generation stopped right after the abort (${chunks} chunks)`)
  const next = await waiting
  assert.type(next.text, 'string')
  assert.equal(chat.load(), { queued: 0, freeSlots: 1 })
})

modelTest('beyond slots and queue a request is refused with llm_busy; queued requests can leave', async () => {
  const chat = await open(1, 1)
  const running = new AbortController()
  const queued = new AbortController()
  const a = chat.generate(ask({ maxTokens: 400, signal: running.signal }))
  const b = chat.generate(ask({ signal: queued.signal }))
  let admitted = false
  const busy = await rejection(chat.generate(ask({ onAdmitted: () => (admitted = true) })))
  assert.is(busy.name, 'LlmBusyError')
  assert.is(busy.code, 'llm_busy')
  assert.is(busy.status, 503)
  assert.not.ok(admitted, 'a refused request is never admitted')
  queued.abort()
  assert.is((await rejection(b)).code, 'aborted')
  running.abort()
  await a.catch(() => undefined)
  assert.equal(chat.load(), { queued: 0, freeSlots: 1 })
})

modelTest('stop() ends running generations and refuses new ones', async () => {
  const chat = new ChatModel({ modelPath: MODEL as string, threads: 1, slots: 1, contextSize: CONTEXT_TOKENS })
  await chat.start()
  let streamed: () => void = () => undefined
  const streaming = new Promise<void>((resolve) => (streamed = resolve))
  const running = rejection(chat.generate(ask({ maxTokens: 400, onToken: () => streamed() })))
  await streaming
  await chat.stop()
  assert.is((await running).code, 'aborted', 'the running generation was aborted before the context went away')
  assert.is((await rejection(chat.generate(ask()))).code, 'llm_stopped')
})

test.run()
