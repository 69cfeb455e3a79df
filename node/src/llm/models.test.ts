import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { join } from 'node:path'
import { loadConfig, writeDefaultConfig } from '../config/load.ts'
import { setQuiet } from '../log.ts'
import { ensureDataDir, resolveDataDir } from '../store/datadir.ts'
import { sharedPath, tempDir } from '../test/helpers.ts'
import { listModels, pullModel, useModel } from './models.ts'

setQuiet(true)
const MODEL = sharedPath('models/stories260K.gguf')
if (MODEL === null) console.log('SKIP model file tests: ../shared/models/stories260K.gguf not found')
const modelTest = MODEL === null ? test.skip : test

/** What "fails quickly" means here: far below node-llama-cpp's minutes of retries. */
const QUICK_FAILURE_MS = 5000
const SHORT_TIMEOUT_MS = 300

function freshDataDir() {
  const dataDir = resolveDataDir(tempDir('models'))
  ensureDataDir(dataDir)
  writeDefaultConfig(dataDir.configFile)
  return dataDir
}

async function rejection(promise: Promise<unknown>): Promise<{ name: string; code?: string; message: string }> {
  try {
    await promise
  } catch (err) {
    return err as { name: string; code?: string; message: string }
  }
  throw new Error('expected a rejection')
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer(handler)
  const sockets = new Set<Socket>()
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    server,
    url,
    close: () => {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

modelTest('models list shows GGUF files with size, architecture and role; broken and missing files say why', async () => {
  const dataDir = freshDataDir()
  symlinkSync(MODEL as string, join(dataDir.modelsDir, 'stories.gguf'))
  writeFileSync(join(dataDir.modelsDir, 'kaputt.gguf'), 'kein Modell')
  writeFileSync(join(dataDir.modelsDir, 'liesmich.txt'), 'keine GGUF-Datei')
  await useModel(dataDir, loadConfig(dataDir.configFile), 'stories.gguf', 'chat')
  const config = loadConfig(dataDir.configFile)
  const files = await listModels(dataDir, { ...config, models: { ...config.models, embedding: 'fehlt.gguf' } })
  assert.equal(
    files.map((f) => [f.file, f.bytes, f.roles, f.architecture ?? null, f.problem === undefined]),
    [
      ['fehlt.gguf', null, ['embedding'], null, false],
      ['kaputt.gguf', 11, [], null, false],
      ['stories.gguf', statSync(MODEL as string).size, ['chat'], 'llama', true],
    ],
  )
})

modelTest('models use checks the file and edits config.yaml without losing its comments', async () => {
  const dataDir = freshDataDir()
  const before = readFileSync(dataDir.configFile, 'utf8')
  const used = await useModel(dataDir, loadConfig(dataDir.configFile), MODEL as string, 'embedding')
  assert.is(used.value, MODEL, 'a file outside the models folder is stored by its path')
  assert.is(loadConfig(dataDir.configFile).models.embedding, MODEL)
  const after = readFileSync(dataDir.configFile, 'utf8')
  for (const comment of before.split('\n').filter((l) => l.trim().startsWith('#'))) assert.ok(after.includes(comment), `kept: ${comment}`)

  const broken = join(dataDir.modelsDir, 'kaputt.gguf')
  writeFileSync(broken, 'GGUF und dann nichts')
  const err = await rejection(useModel(dataDir, loadConfig(dataDir.configFile), 'kaputt.gguf', 'chat'))
  assert.is(err.code, 'model_invalid')
  writeFileSync(join(dataDir.modelsDir, 'abgebrochen.gguf'), readFileSync(MODEL as string).subarray(0, 5000))
  assert.is(
    (await rejection(useModel(dataDir, loadConfig(dataDir.configFile), 'abgebrochen.gguf', 'chat'))).code,
    'model_invalid',
    'a truncated download',
  )
  writeFileSync(join(dataDir.modelsDir, 'text.gguf'), 'GGUF und dann nichts mehr, nur Text.')
  assert.is(
    (await rejection(useModel(dataDir, loadConfig(dataDir.configFile), 'text.gguf', 'chat'))).code,
    'model_invalid',
    'a nonsense version',
  )
  assert.is((await rejection(useModel(dataDir, loadConfig(dataDir.configFile), 'fehlt.gguf', 'chat'))).code, 'model_not_found')
  assert.is(
    (await rejection(useModel(dataDir, loadConfig(dataDir.configFile), MODEL as string, 'bild' as 'chat'))).code,
    'validation_failed',
  )
  assert.is(loadConfig(dataDir.configFile).models.chat, null, 'a refused file leaves the configuration alone')
})

test('models pull fails quickly with a clear error when the source does not answer', async () => {
  // accepts connections and never answers: a firewall that drops, a captive proxy
  const silent = await listen(() => undefined)
  const dir = tempDir('pull')
  try {
    const started = Date.now()
    const err = await rejection(
      pullModel(`${silent.url}/modell.gguf`, { dir, connectTimeoutMs: SHORT_TIMEOUT_MS, stallTimeoutMs: SHORT_TIMEOUT_MS }),
    )
    assert.is(err.code, 'model_source_unreachable')
    assert.match(err.message, /nicht erreichbar/)
    assert.ok(Date.now() - started < QUICK_FAILURE_MS, `failed after ${Date.now() - started} ms`)
  } finally {
    await silent.close()
  }
  const closedPort = await listen(() => undefined)
  const url = `${closedPort.url}/modell.gguf`
  await closedPort.close()
  const started = Date.now()
  assert.is((await rejection(pullModel(url, { dir }))).code, 'model_source_unreachable')
  assert.ok(Date.now() - started < QUICK_FAILURE_MS)
})

test('models pull reports a missing file and an unknown kind of source', async () => {
  const missing = await listen((_req, res) => {
    res.statusCode = 404
    res.end()
  })
  try {
    const err = await rejection(pullModel(`${missing.url}/gibt-es-nicht.gguf`, { dir: tempDir('pull') }))
    assert.is(err.code, 'model_pull_failed')
    assert.match(err.message, /HTTP 404/)
  } finally {
    await missing.close()
  }
  assert.is((await rejection(pullModel('ftp://example.org/modell.gguf', { dir: tempDir('pull') }))).code, 'validation_failed')
})

modelTest('models pull downloads through node-llama-cpp into the models folder', async () => {
  const bytes = readFileSync(MODEL as string)
  const source = await listen((req, res) => {
    res.setHeader('Content-Type', 'application/octet-stream')
    res.setHeader('Accept-Ranges', 'bytes')
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '')
    const start = range ? Number(range[1]) : 0
    const end = range && range[2] !== '' ? Number(range[2]) : bytes.length - 1
    res.statusCode = range ? 206 : 200
    if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${bytes.length}`)
    res.setHeader('Content-Length', String(end - start + 1))
    res.end(req.method === 'HEAD' ? undefined : bytes.subarray(start, end + 1))
  })
  const dir = tempDir('pull')
  try {
    let progressed = false
    const path = await pullModel(`${source.url}/stories260K.gguf`, { dir, onProgress: () => (progressed = true) })
    assert.is(path, join(dir, 'stories260K.gguf'))
    assert.ok(existsSync(path))
    assert.equal(readFileSync(path), bytes)
    assert.ok(progressed, 'progress was reported')
  } finally {
    await source.close()
  }
})

test.run()
