import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { setQuiet } from '../log.ts'
import { createLlamaEmbedder, modelIdFor, normalize } from './embedder.ts'
import { closeRuntime } from './runtime.ts'

setQuiet(true)

const MODEL = fileURLToPath(new URL('../../../../shared/models/stories260K.gguf', import.meta.url))
const HAVE_MODEL = existsSync(MODEL)
if (!HAVE_MODEL) console.log(`SKIP embedder model tests: test model not found at ${MODEL}`)
const modelTest = HAVE_MODEL ? test : test.skip

const TEXTS = [
  'Die Friedhofssatzung regelt die Ruhezeiten.',
  'Once upon a time there was a little cat.',
  'Antrag auf Erteilung einer Baugenehmigung gemäß § 63 LBauO',
  'x',
]

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((sum, x) => sum + x * x, 0))
}

test.after(async () => {
  await closeRuntime()
})

test('normalize scales to unit length and leaves the zero vector alone', () => {
  const v = normalize(Float32Array.from([3, 4]))
  assert.ok(Math.abs((v[0] as number) - 0.6) < 1e-6 && Math.abs((v[1] as number) - 0.8) < 1e-6)
  assert.equal([...normalize(new Float32Array(3))], [0, 0, 0])
})

modelTest('modelId is stable per file and changes with the file content', async () => {
  const id = await modelIdFor(MODEL)
  assert.match(id, /^stories260k-[0-9a-f]{8}$/)
  assert.is(await modelIdFor(MODEL), id)
  const dir = mkdtempSync(join(tmpdir(), 'wn-modelid-'))
  try {
    const other = join(dir, 'stories260K.gguf')
    writeFileSync(other, Buffer.from('GGUF not really a model'))
    assert.is.not(await modelIdFor(other), id)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

modelTest('embeds to unit vectors of the model dimension, deterministically', async () => {
  const embedder = await createLlamaEmbedder({ modelPath: MODEL, threads: 1 })
  try {
    assert.is(embedder.dimensions, 64)
    const first = await embedder.embed(TEXTS)
    assert.is(first.length, TEXTS.length)
    for (const v of first) {
      assert.ok(v instanceof Float32Array)
      assert.is(v.length, 64)
      assert.ok(Math.abs(norm(v) - 1) < 1e-5, 'unit length')
    }
    const again = await embedder.embed(TEXTS)
    assert.equal(again, first)
    assert.equal(await embedder.embed([]), [])
  } finally {
    await embedder.close()
  }
})

modelTest('a batch gives the same vectors as one text at a time, with one or two contexts', async () => {
  const one = await createLlamaEmbedder({ modelPath: MODEL, threads: 1, contexts: 1 })
  const two = await createLlamaEmbedder({ modelPath: MODEL, threads: 1, contexts: 2 })
  try {
    const singles: Float32Array[] = []
    for (const text of TEXTS) singles.push(...(await one.embed([text])))
    assert.equal(await one.embed(TEXTS), singles)
    assert.equal(await two.embed(TEXTS), singles)
    assert.is(two.modelId, one.modelId)
  } finally {
    await one.close()
    await two.close()
  }
})

modelTest('over-long input is truncated to the context size and counted, not rejected', async () => {
  const embedder = await createLlamaEmbedder({ modelPath: MODEL, threads: 1, contextSize: 64 })
  try {
    const long = 'Once upon a time there was a little cat who liked the sun. '.repeat(50)
    const [vector] = await embedder.embed([long, 'short'])
    assert.is(vector?.length, 64)
    assert.ok(Math.abs(norm(vector as Float32Array) - 1) < 1e-5)
    const stats = embedder.stats()
    assert.is(stats.truncated, 1)
    assert.is(stats.texts, 2)
    assert.ok(stats.tokens <= 64 + 2)
  } finally {
    await embedder.close()
  }
})

modelTest('empty text gets the zero vector instead of failing the batch', async () => {
  const embedder = await createLlamaEmbedder({ modelPath: MODEL, threads: 1 })
  try {
    const [empty, full] = await embedder.embed(['', 'cat'])
    assert.equal([...(empty as Float32Array)], new Array(64).fill(0))
    assert.ok(Math.abs(norm(full as Float32Array) - 1) < 1e-5)
    assert.is(embedder.stats().empty, 1)
  } finally {
    await embedder.close()
  }
})

modelTest('an aborted signal stops the batch with AbortError; a closed embedder refuses work', async () => {
  const embedder = await createLlamaEmbedder({ modelPath: MODEL, threads: 1 })
  const controller = new AbortController()
  controller.abort()
  try {
    await embedder.embed(TEXTS, controller.signal)
    assert.unreachable('should have thrown')
  } catch (err) {
    assert.is((err as Error).name, 'AbortError')
  }
  await embedder.close()
  try {
    await embedder.embed(TEXTS)
    assert.unreachable('should have thrown')
  } catch (err) {
    assert.is((err as Error).name, 'EmbedderClosedError')
  }
})

test.run()
