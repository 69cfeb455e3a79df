import assert from 'node:assert/strict'
import { test } from 'uvu'
import { AbortError } from '../errors.ts'
import { type PrepareInput, sha256 } from './prepare.ts'
import { PreparePool, PrepareWorkerError } from './prepare-pool.ts'
import { DEFAULT_PARSE_LIMITS } from './types.ts'

const MISBEHAVING = new URL('./prepare-pool.test-worker.ts', import.meta.url).href

function input(fileName: string, text: string): PrepareInput {
  const data = new TextEncoder().encode(text)
  return { sourceId: 1, path: fileName, fileName, data, hash: sha256(data), mtimeMs: 0, accessSetId: 1, depth: 0 }
}

test('real workers parse, chunk and analyse like the main thread does', async () => {
  const text = 'Dienstanweisung\n\nDas Baugenehmigungsverfahren wird im Bauamt geführt. Anträge gehen an die Stadtverwaltung.'
  const inline = new PreparePool({ threads: 0, limits: DEFAULT_PARSE_LIMITS, ocr: false })
  const pool = new PreparePool({ threads: 2, limits: DEFAULT_PARSE_LIMITS, ocr: false })
  try {
    const signal = new AbortController().signal
    const [a, b] = await Promise.all([pool.prepare(input('a.txt', text), signal), pool.prepare(input('b.md', `# Titel\n\n${text}`), signal)])
    const expected = await inline.prepare(input('a.txt', text), signal)
    assert.deepEqual(a, expected)
    assert.equal(b.doc.title, 'Titel')
    assert.ok(a.lexical?.[0]?.parts.split(' ').includes('verfahr'), 'compound parts analysed in the worker')
  } finally {
    await pool.close()
  }
})

test('a worker that crashes costs one document, and the next document is prepared by a fresh worker', async () => {
  const pool = new PreparePool({ threads: 1, limits: DEFAULT_PARSE_LIMITS, ocr: false, workerUrl: MISBEHAVING })
  try {
    const signal = new AbortController().signal
    const [crashed, fine] = await Promise.all([pool.prepare(input('crash.txt', 'x'), signal), pool.prepare(input('ok.txt', 'x'), signal)])
    assert.equal(crashed.doc.failure?.code, 'corrupt')
    assert.match(crashed.doc.failure?.message ?? '', /abgestürzt/)
    assert.equal(fine.doc.failure, undefined)
    assert.equal(fine.doc.fileName, 'ok.txt')
  } finally {
    await pool.close()
  }
})

test('aborting rejects waiting and running documents; the pool keeps working', async () => {
  const pool = new PreparePool({ threads: 1, limits: DEFAULT_PARSE_LIMITS, ocr: false, workerUrl: MISBEHAVING })
  try {
    const controller = new AbortController()
    const running = pool.prepare(input('slow.txt', 'x'), controller.signal)
    const waiting = pool.prepare(input('ok.txt', 'x'), controller.signal)
    setTimeout(() => controller.abort(), 50)
    await assert.rejects(running, AbortError)
    await assert.rejects(waiting, AbortError)
  } finally {
    await pool.close()
  }
})

test('a worker that cannot start fails the ingest loudly instead of marking documents failed', async () => {
  const pool = new PreparePool({ threads: 1, limits: DEFAULT_PARSE_LIMITS, ocr: false, workerUrl: new URL('./does-not-exist.ts', import.meta.url).href })
  try {
    await assert.rejects(pool.prepare(input('ok.txt', 'x'), new AbortController().signal), PrepareWorkerError)
  } finally {
    await pool.close()
  }
})

test.run()
