import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { setQuiet } from '../log.ts'
import { closeRuntime, getRuntime } from './runtime.ts'

setQuiet(true)

const MODEL = fileURLToPath(new URL('../../../../shared/models/stories260K.gguf', import.meta.url))
const HAVE_MODEL = existsSync(MODEL)
if (!HAVE_MODEL) console.log(`SKIP runtime model tests: test model not found at ${MODEL}`)
const modelTest = HAVE_MODEL ? test : test.skip

let dir = ''
test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wn-runtime-'))
})
test.after(async () => {
  await closeRuntime()
  rmSync(dir, { recursive: true, force: true })
})

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; code?: string }> {
  try {
    await promise
  } catch (err) {
    return err as { name: string; code?: string }
  }
  throw new Error('expected a rejection')
}

test('one shared runtime with the requested thread budget', async () => {
  const a = await getRuntime({ threads: 1 })
  const b = await getRuntime()
  assert.is(a, b)
  assert.is(a.threads, 1)
})

test('a missing model file is a ModelNotFoundError', async () => {
  const runtime = await getRuntime({ threads: 1 })
  const err = await errorOf(runtime.loadModel(join(dir, 'fehlt.gguf')))
  assert.is(err.name, 'ModelNotFoundError')
  assert.is(err.code, 'model_not_found')
})

test('a file that is not GGUF, or a truncated one, is a ModelInvalidError', async () => {
  const runtime = await getRuntime({ threads: 1 })
  const text = join(dir, 'readme.gguf')
  writeFileSync(text, 'Dies ist kein Modell.')
  assert.is((await errorOf(runtime.loadModel(text))).name, 'ModelInvalidError')
  const truncated = join(dir, 'truncated.gguf')
  const version3 = Buffer.alloc(4)
  version3.writeUInt32LE(3)
  writeFileSync(truncated, Buffer.concat([Buffer.from('GGUF'), version3, Buffer.alloc(60, 0xff)]))
  const err = await errorOf(runtime.loadModel(truncated))
  assert.is(err.name, 'ModelInvalidError')
  assert.is(err.code, 'model_invalid')
})

modelTest('loadModel is cached per path and unloaded after the last release', async () => {
  const runtime = await getRuntime({ threads: 1 })
  const a = await runtime.loadModel(MODEL)
  const b = await runtime.loadModel(MODEL)
  assert.is(a, b)
  assert.is(a.embeddingVectorSize, 64)
  await runtime.releaseModel(MODEL)
  assert.not.ok(a.disposed)
  await runtime.releaseModel(MODEL)
  assert.ok(a.disposed)
  const c = await runtime.loadModel(MODEL)
  assert.is.not(c, a)
  await runtime.releaseModel(MODEL)
})

test.run()
