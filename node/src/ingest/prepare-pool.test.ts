import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import { AbortError } from '../errors.ts'
import { type PrepareInput, sha256, UNCHANGED } from './prepare.ts'
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
    const lexical = a.lexical
    assert.ok(lexical !== undefined, 'analysed in the worker')
    const parts = new TextDecoder().decode(lexical.bytes.subarray(lexical.offsets[4], lexical.offsets[5])).split(' ')
    assert.ok(parts.includes('verfahr'), 'compound parts of the first chunk analysed in the worker')
  } finally {
    await pool.close()
  }
})

test('files are read by the workers: same result as reading on the main thread, unchanged files are not parsed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wn-pool-'))
  const pool = new PreparePool({ threads: 2, limits: { ...DEFAULT_PARSE_LIMITS, maxFileBytes: 1000 }, ocr: false })
  try {
    const text = 'Satzung\n\nDie Friedhofsgebühren werden mit dem Bescheid fällig.'
    const file = join(dir, 'satzung.txt')
    writeFileSync(file, text)
    const big = join(dir, 'gross.txt')
    writeFileSync(big, 'x'.repeat(1001))
    const signal = new AbortController().signal
    const described = { sourceId: 1, path: 'satzung.txt', fileName: 'satzung.txt', mtimeMs: 0, accessSetId: 1, depth: 0 }
    const [read, unchanged, missing, grown] = await Promise.all([
      pool.prepareFile({ ...described, file, size: 10, unchangedHash: null }, signal),
      pool.prepareFile({ ...described, file, size: 10, unchangedHash: sha256(new TextEncoder().encode(text)) }, signal),
      pool.prepareFile({ ...described, file: join(dir, 'fehlt.txt'), size: 10, unchangedHash: null }, signal),
      pool.prepareFile({ ...described, file: big, size: 10, unchangedHash: null }, signal),
    ])
    const expected = await pool.prepare({ ...described, data: new TextEncoder().encode(text), hash: sha256(new TextEncoder().encode(text)) }, signal)
    assert.deepEqual(read, expected)
    assert.equal(unchanged, UNCHANGED)
    assert.ok(missing !== UNCHANGED && missing.doc.failure?.code === 'read_failed')
    assert.match(missing.doc.failure?.message ?? '', /ENOENT/)
    assert.ok(grown !== UNCHANGED && grown.doc.failure?.code === 'too_large', 'a file that grew over the limit since it was listed is not read')
  } finally {
    await pool.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a worker that crashes costs one document, and the next document is prepared by a fresh worker', async () => {
  const pool = new PreparePool({ threads: 1, limits: DEFAULT_PARSE_LIMITS, ocr: false, workerUrl: MISBEHAVING })
  try {
    const signal = new AbortController().signal
    // both go to the one worker; the second waits behind the first and must survive its crash
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
