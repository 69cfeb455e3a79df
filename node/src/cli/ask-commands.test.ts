import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { AskDoneEvent } from '@wissensnetz/protocol'
import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setConfigValue } from '../llm/models.ts'
import { sharedPath, tempDir, writeFiles } from '../test/helpers.ts'

const CLI = fileURLToPath(new URL('../../bin/wissensnetz.js', import.meta.url))
const MODEL = sharedPath('models/stories260K.gguf')
if (MODEL === null) console.log('SKIP ask/models command tests with the real model: ../shared/models/stories260K.gguf not found')
const modelTest = MODEL === null ? test.skip : test
/** Process start (tsx, German lexicon) takes seconds on a busy machine; a hanging download would take minutes. */
const QUICK_COMMAND_MS = 60_000

function run(data: string, args: string[]) {
  const started = Date.now()
  const result = spawnSync(process.execPath, [CLI, '--data', data, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WISSENSNETZ_LOG: 'silent' },
    timeout: 5 * QUICK_COMMAND_MS,
  })
  return { code: result.status, out: result.stdout, err: result.stderr, ms: Date.now() - started }
}

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

test('models pull without a reachable source fails quickly with a German message', async () => {
  const data = tempDir('cli-pull')
  const local = run(data, ['models', 'pull', `http://127.0.0.1:${await closedPort()}/modell.gguf`, '--timeout', '2'])
  assert.is(local.code, 1)
  assert.match(local.err, /nicht erreichbar/)
  assert.ok(local.ms < QUICK_COMMAND_MS, `took ${local.ms} ms`)
  // Hugging Face: offline here it is unreachable; online the made-up repository does not exist. Either way: quick.
  const hf = run(data, ['models', 'pull', 'hf:wissensnetz-test/gibt-es-nicht-GGUF:Q4_K_M', '--timeout', '5'])
  assert.is(hf.code, 1)
  assert.match(hf.err, /^Fehler: /)
  assert.ok(hf.ms < QUICK_COMMAND_MS, `took ${hf.ms} ms`)
})

modelTest('models use, models list and ask work from the command line, extractive and with a model', () => {
  const data = tempDir('cli-ask')
  const docs = tempDir('cli-ask-docs')
  writeFiles(docs, { 'hunde.txt': 'Die Hundesteuer beträgt 96 Euro im Jahr. Sie ist am 1. Juli fällig.' })
  assert.is(run(data, ['sources', 'add', 'folder', docs, '--name', 'Ablage']).code, 0)
  assert.is(run(data, ['ingest']).code, 0)

  const extractive = run(data, ['ask', 'Wann ist die Hundesteuer fällig?', '--json'])
  assert.is(extractive.code, 0, extractive.err)
  const done = JSON.parse(extractive.out) as AskDoneEvent
  assert.is(done.mode, 'extractive')
  assert.is(done.citations[0]?.path, 'hunde.txt')

  const use = run(data, ['models', 'use', MODEL as string, '--role', 'chat'])
  assert.is(use.code, 0, use.err)
  const listed = JSON.parse(run(data, ['models', 'list', '--json']).out) as Array<{ path: string; roles: string[] }>
  assert.equal(
    listed.map((m) => [m.path, m.roles]),
    [[MODEL, ['chat']]],
  )
  const bad = run(data, ['models', 'use', 'fehlt.gguf', '--role', 'chat'])
  assert.is(bad.code, 1)
  assert.match(bad.err, /nicht gefunden/)

  // one thread on a shared machine; short answers keep the test quick
  setConfigValue(join(data, 'config.yaml'), ['models', 'threads'], 1)
  setConfigValue(join(data, 'config.yaml'), ['models', 'maxAnswerTokens'], 24)
  const generative = run(data, ['ask', 'Wie hoch ist die Hundesteuer?', '--conversation', done.conversationId])
  assert.is(generative.code, 0, generative.err)
  assert.match(generative.out, new RegExp(`Gespräch: ${done.conversationId}`), 'the follow-up stays in the conversation')
})

test.run()
