import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawn, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { tempDir, writeFiles } from '../test/helpers.ts'
import { DEMO_DIR } from './commands.ts'

const CLI = fileURLToPath(new URL('../../bin/wissensnetz.js', import.meta.url))
const SERVE_READY_MS = 120_000

function run(data: string, args: string[]) {
  const result = spawnSync(process.execPath, [CLI, '--data', data, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WISSENSNETZ_LOG: 'silent' },
  })
  return { code: result.status, out: result.stdout, err: result.stderr }
}

test('init, sources add, ingest, search and status work from the command line', () => {
  const data = tempDir('cli')
  const docs = tempDir('cli-docs')
  writeFiles(docs, { 'Bauamt/notiz.txt': 'Der Bauantrag für die Garage ist vollständig.' })
  assert.is(run(data, ['init']).code, 0)
  writeFiles(docs, { 'Personal/akte.txt': 'Beurteilung zur Garage der Mitarbeiterin.' })
  const add = run(data, ['sources', 'add', 'folder', docs, '--name', 'Ablage', '--groups', 'bauamt', '--access', 'Personal/**=personalamt'])
  assert.is(add.code, 0, add.err)
  assert.is(run(data, ['sources', 'add', 'folder', docs, '--name', 'Ablage']).code, 1, 'a duplicate name is refused')
  const ingest = run(data, ['ingest'])
  assert.is(ingest.code, 0, ingest.err)
  assert.match(ingest.out, /2\/2 Dateien/)
  const search = run(data, ['search', 'Bauanträge Garage', '--json'])
  assert.is(search.code, 0, search.err)
  const body = JSON.parse(search.out) as { hits: Array<{ path: string; source: { name: string } }> }
  assert.equal(body.hits[0]?.source.name, 'Ablage')
  assert.equal(body.hits[0]?.path, 'Bauamt/notiz.txt')
  const asBauamt = JSON.parse(run(data, ['search', 'Garage', '--json', '--groups', 'bauamt']).out) as { hits: Array<{ path: string }> }
  assert.equal(
    asBauamt.hits.map((h) => h.path),
    ['Bauamt/notiz.txt'],
    'the per-folder access rule hides Personal/ from the Bauamt',
  )
  const asOutsider = JSON.parse(run(data, ['search', 'Garage', '--json', '--groups', 'kita']).out) as { hits: unknown[] }
  assert.equal(asOutsider.hits, [], '--groups shows what members of other groups would see: nothing here')
  const status = JSON.parse(run(data, ['status', '--json']).out) as { documents: { indexed: number }; search: { semantic: boolean } }
  assert.is(status.documents.indexed, 2)
  assert.is(status.search.semantic, false)
})

test('bad input on the command line gets a clear message and a non-zero exit', () => {
  const data = tempDir('cli-bad')
  const missing = run(data, ['sources', 'add', 'folder', '/gibt/es/nicht'])
  assert.is(missing.code, 1)
  assert.match(missing.err, /existiert nicht/)
  const badKind = run(data, ['sources', 'add', 'ftp', '/tmp'])
  assert.is(badKind.code, 1)
  const mailWithoutOwner = run(data, ['sources', 'add', 'mail', DEMO_DIR + 'postfach-bauamt.mbox'])
  assert.is(mailWithoutOwner.code, 1)
  assert.match(mailWithoutOwner.err, /Eigentümer/)
  writeFiles(data, { 'config.yaml': 'server:\n  port: 99999\n  host: ""\n' })
  const badConfig = run(data, ['status'])
  assert.is(badConfig.code, 2, 'an invalid configuration stops the node with exit code 2')
  assert.match(badConfig.err, /server\.port/)
  assert.match(badConfig.err, /server\.host/)
})

test('serve --demo ingests the demo corpus and answers on the API', async () => {
  const data = tempDir('cli-demo')
  const child = spawn(process.execPath, [CLI, '--data', data, 'serve', '--demo', '--port', '0'], {
    env: { ...process.env, WISSENSNETZ_LOG: 'silent' },
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
  })
  try {
    const deadline = Date.now() + SERVE_READY_MS
    let url = ''
    while (url === '' && Date.now() < deadline) {
      url = /läuft auf (http:\/\/\S+)/.exec(out)?.[1] ?? ''
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.ok(url, `server started: ${out}`)
    assert.match(out, /nur mit Anmeldung/, 'says at start that access needs a login')
    // First start: admin and the demo reader (group bauamt) with passwords printed once.
    const login = async (username: string) => {
      const password = new RegExp(`^  ${username}\\t(\\S+)\\t`, 'm').exec(out)?.[1] ?? ''
      const res = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      })
      assert.is(res.status, 200, `login ${username}`)
      const { csrfToken } = (await res.json()) as { csrfToken: string }
      return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] as string, 'x-csrf-token': csrfToken }
    }
    const admin = await login('admin')
    const demo = await login('demo')
    let progress: { running: number | null; sources: Array<{ phase: string }> } = { running: 1, sources: [] }
    while (Date.now() < deadline) {
      progress = (await (await fetch(`${url}/api/ingest/progress`, { headers: admin })).json()) as typeof progress
      if (progress.sources.length === 3 && progress.sources.every((s) => s.phase === 'done') && progress.running === null) break
      await new Promise((r) => setTimeout(r, 250))
    }
    const status = (await (await fetch(`${url}/api/status`, { headers: admin })).json()) as { documents: { indexed: number; failed: number } }
    assert.ok(status.documents.indexed >= 30, `at least 30 demo documents indexed (${status.documents.indexed})`)
    const errors = (await (await fetch(`${url}/api/errors`, { headers: admin })).json()) as { failures: Array<{ path: string; reason: string }> }
    assert.ok(
      errors.failures.some((f) => f.path.endsWith('Scan_defekt.pdf') && f.reason === 'corrupt'),
      'the broken scan is listed with its reason',
    )
    const search = async (query: string, filters?: object) =>
      (await (
        await fetch(`${url}/api/search`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...demo },
          body: JSON.stringify({ query, limit: 5, filters }),
        })
      ).json()) as { hits: Array<{ path: string; source: { name: string }; page: number | null }> }
    const urne = await search('Ruhezeit Urnen')
    assert.ok(urne.hits[0]?.path.includes('Friedhofssatzung'), 'the Satzung PDF answers the Urnen question')
    assert.ok(typeof urne.hits[0]?.page === 'number', 'a PDF hit knows its page')
    const carport = await search('Carport Baugenehmigung')
    assert.ok(carport.hits.some((h) => h.source.name === 'Postfach Bauamt'), 'mail from the Bauamt mailbox is found')
    const expired = await search('Gestattung Schützenfest Lindscheid 2012')
    assert.not.ok(
      expired.hits.some((h) => h.path.includes('Schuetzenfest')),
      'a DMS document past its retention date is in no index',
    )
    const current = await search('Jahreshauptinspektion Spielplatz Auenbach')
    assert.ok(current.hits.some((h) => h.path.includes('Spielplatzpruefung')), 'DMS documents within retention are found')
    const byAz = await search('Sondernutzung', { aktenzeichen: '3-326' })
    assert.ok(byAz.hits.length > 0 && byAz.hits.every((h) => h.source.name === 'DMS-Export'), 'Aktenzeichen filter')
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  }
})

test.run()
