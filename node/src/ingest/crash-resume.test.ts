import { test } from 'uvu'
import * as assert from 'uvu/assert'
import Database from 'better-sqlite3'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LOCAL_OPERATOR } from '../store/access.ts'
import { openTestNode, tempDir, writeFiles } from '../test/helpers.ts'

const CLI = fileURLToPath(new URL('../../bin/wissensnetz.js', import.meta.url))
const FILES = 1200
const POLL_MS = 20
const KILL_DEADLINE_MS = 120_000

/** A made-up word per file (letters only, so that no analysis step changes it), e.g. "quxbcd". */
function marker(i: number): string {
  let s = ''
  let n = i
  for (let k = 0; k < 4; k++) {
    s += String.fromCharCode(98 + (n % 24))
    n = Math.floor(n / 24)
  }
  return `qux${s}`
}

function corpus(dir: string): void {
  const body = 'Die Verwaltung prüft den Antrag auf Sondernutzung und erteilt einen Bescheid. '.repeat(80)
  const files: Record<string, string> = {}
  for (let i = 0; i < FILES; i++) files[`akte-${String(i).padStart(4, '0')}.txt`] = `Vorgang ${marker(i)}\n\n${body}\n\nAbschluss ${marker(i)}.`
  writeFiles(dir, files)
}

function cli(data: string, args: string[]) {
  return spawnSync(process.execPath, [CLI, '--data', data, ...args], { encoding: 'utf8', env: { ...process.env, WISSENSNETZ_LOG: 'silent' } })
}

function indexedCount(dbFile: string): number {
  if (!existsSync(dbFile)) return 0
  try {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true })
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n
    } finally {
      db.close()
    }
  } catch {
    return 0 // schema not there yet
  }
}

test('kill -9 during an ingest, then a restart: no document lost, duplicated or half-indexed', async () => {
  const docs = tempDir('crash-docs')
  const data = tempDir('crash-data')
  corpus(docs)
  const added = cli(data, ['sources', 'add', 'folder', docs, '--name', 'Akten'])
  assert.is(added.status, 0, added.stderr)

  const child = spawn(process.execPath, [CLI, '--data', data, 'ingest'], { stdio: 'ignore', env: { ...process.env, WISSENSNETZ_LOG: 'silent' } })
  const dbFile = join(data, 'wissensnetz.db')
  const deadline = Date.now() + KILL_DEADLINE_MS
  let atKill = 0
  while (Date.now() < deadline) {
    atKill = indexedCount(dbFile)
    if (atKill >= FILES / 10) break
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
  child.kill('SIGKILL')
  await new Promise((r) => child.once('exit', r))
  assert.ok(atKill > 0 && atKill < FILES, `killed mid-way (${atKill} of ${FILES} documents committed)`)

  const resumed = cli(data, ['ingest'])
  assert.is(resumed.status, 0, resumed.stderr)

  const node = await openTestNode(data)
  try {
    const db = node.db
    assert.is((db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n, FILES, 'every file exactly once')
    assert.is((db.prepare('SELECT COUNT(DISTINCT path) AS n FROM documents').get() as { n: number }).n, FILES)
    assert.is((db.prepare("SELECT COUNT(*) AS n FROM documents WHERE status <> 'indexed'").get() as { n: number }).n, 0)
    const withoutChunks = db.prepare('SELECT COUNT(*) AS n FROM documents d WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id)').get() as {
      n: number
    }
    assert.is(withoutChunks.n, 0, 'no document without passages')
    const chunks = (db.prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number }).n
    const lexical = (db.prepare('SELECT COUNT(*) AS n FROM chunk_fts').get() as { n: number }).n
    assert.is(lexical, chunks, 'every passage is in the lexical index, none twice')
    for (const i of [0, 1, Math.floor(atKill / 2), atKill, FILES - 1]) {
      const hits = (await node.search.search(LOCAL_OPERATOR, marker(i), { limit: 5 })).hits
      assert.equal(
        hits.map((h) => h.path),
        [`akte-${String(i).padStart(4, '0')}.txt`],
        `file ${i} is found once`,
      )
    }
  } finally {
    await node.close()
  }
})

test.run()
