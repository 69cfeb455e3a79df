import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { setQuiet } from '../../log.ts'
import type { Db } from '../../store/db.ts'
import { openDatabase } from '../../store/db.ts'
import type { VectorIndexInit } from './index.ts'
import { encodeVector, VectorIndex } from './index.ts'

setQuiet(true)

const MODEL = 'test-model-1a2b3c4d'
const DIMS = 16

let dir = ''
let db: Db
let documentId = 0

test.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'wn-vector-'))
  db = openDatabase(join(dir, 'wissensnetz.db'))
  db.prepare("INSERT INTO sources (name, kind, location) VALUES ('s', 'folder', '/tmp')").run()
  const access = db.prepare("INSERT INTO access_sets (principals) VALUES ('[\"*\"]')").run().lastInsertRowid
  documentId = Number(
    db
      .prepare("INSERT INTO documents (source_id, path, file_name, title, status, access_set_id) VALUES (1, 'a', 'a', 'A', 'indexed', ?)")
      .run(access).lastInsertRowid,
  )
})

test.after.each(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Deterministic unit vectors (mulberry32), so that failures reproduce. */
function vectorFor(seed: number, dims = DIMS): Float32Array {
  let a = seed * 2654435761
  const v = new Float32Array(dims)
  let sum = 0
  for (let i = 0; i < dims; i++) {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    const x = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5
    v[i] = x
    sum += x * x
  }
  for (let i = 0; i < dims; i++) v[i] = (v[i] as number) / Math.sqrt(sum)
  return v
}

/** What the ingest side does: chunk rows plus their embeddings, in one transaction. */
function insertChunks(count: number, seedOffset = 0, dims = DIMS): Array<{ chunkId: number; vector: Float32Array }> {
  const chunk = db.prepare('INSERT INTO chunks (document_id, ord, start_offset, end_offset, access_set_id) VALUES (?, ?, 0, 1, 1)')
  const embed = db.prepare('INSERT OR REPLACE INTO embeddings (model, chunk_id, vector) VALUES (?, ?, ?)')
  const base = (db.prepare('SELECT coalesce(max(ord), 0) AS m FROM chunks').get() as { m: number }).m
  const items: Array<{ chunkId: number; vector: Float32Array }> = []
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const chunkId = Number(chunk.run(documentId, base + i + 1).lastInsertRowid)
      const vector = vectorFor(chunkId + seedOffset, dims)
      embed.run(MODEL, chunkId, encodeVector(vector))
      items.push({ chunkId, vector })
    }
  })()
  return items
}

/** What the index writer does: tombstones and the delete in one transaction. */
function deleteChunks(ids: number[]): void {
  const tombstone = db.prepare('INSERT OR IGNORE INTO vector_tombstones (model, chunk_id) SELECT model, chunk_id FROM embeddings WHERE chunk_id = ?')
  const del = db.prepare('DELETE FROM chunks WHERE id = ?')
  db.transaction(() => {
    for (const id of ids) {
      tombstone.run(id)
      del.run(id)
    }
  })()
}

function tombstoneCount(): number {
  return (db.prepare('SELECT count(*) AS n FROM vector_tombstones').get() as { n: number }).n
}

function open(extra: Partial<VectorIndexInit> = {}): VectorIndex {
  return new VectorIndex({ dir: join(dir, 'vectors'), model: MODEL, dimensions: DIMS, db, autosaveIntervalMs: 0, ...extra })
}

async function started(extra: Partial<VectorIndexInit> = {}): Promise<VectorIndex> {
  const index = open(extra)
  await index.start()
  await index.whenReady()
  return index
}

function top(index: VectorIndex, vector: Float32Array, k = 1, filter?: (id: number) => boolean): number[] {
  return index.search(vector, k, filter).map((h) => h.chunkId)
}

test('add, search and remove: a vector finds itself first, a removed one is gone', async () => {
  const index = await started()
  const items = insertChunks(300)
  await index.add(items)
  assert.is(index.size(), 300)
  for (const item of items.slice(0, 20)) {
    const [hit] = index.search(item.vector, 5)
    assert.is(hit?.chunkId, item.chunkId)
    assert.ok(Math.abs((hit?.score ?? 0) - 1) < 1e-4, 'cosine similarity of a vector with itself is 1')
  }
  const hits = index.search((items[0] as { vector: Float32Array }).vector, 10)
  assert.is(hits.length, 10)
  for (let i = 1; i < hits.length; i++) assert.ok((hits[i - 1]?.score ?? 0) >= (hits[i]?.score ?? 0), 'best first')

  const gone = items.slice(0, 10).map((i) => i.chunkId)
  deleteChunks(gone)
  index.remove(gone)
  assert.is(index.size(), 290)
  for (const item of items.slice(0, 10)) assert.not.ok(top(index, item.vector, 10).includes(item.chunkId))
  // Adding a removed id again brings it back (SQLite reuses the highest rowid).
  await index.add([items[0] as { chunkId: number; vector: Float32Array }])
  assert.is(top(index, (items[0] as { vector: Float32Array }).vector)[0], items[0]?.chunkId)
  assert.is(index.size(), 291)
  await index.stop()
})

test('the filter excludes chunks inside the search; k larger than the index is fine', async () => {
  const index = await started()
  const items = insertChunks(200)
  await index.add(items)
  const even = (id: number): boolean => id % 2 === 0
  for (const item of items.slice(0, 10)) {
    const hits = top(index, item.vector, 20, even)
    assert.is(hits.length, 20)
    assert.ok(hits.every(even))
  }
  assert.is(index.search((items[1] as { vector: Float32Array }).vector, 1000).length, 200)
  assert.equal(index.search((items[1] as { vector: Float32Array }).vector, 5, () => false), [])
  assert.throws(
    () =>
      index.search((items[1] as { vector: Float32Array }).vector, 5, () => {
        throw new Error('filter broke')
      }),
    /filter broke/,
  )
  await index.stop()
})

test('persists across a restart, and a save clears the tombstones it reflects', async () => {
  const items = insertChunks(150)
  const first = await started()
  const gone = items[149]?.chunkId as number
  deleteChunks([gone])
  first.remove([gone])
  const before = items.slice(0, 5).map((i) => first.search(i.vector, 10))
  assert.is(tombstoneCount(), 1)
  await first.stop()
  assert.is(tombstoneCount(), 0)
  assert.ok(existsSync(first.file) && existsSync(first.metaFile))
  const meta = JSON.parse(readFileSync(first.metaFile, 'utf8')) as { count: number; deletedIds: number[]; maxChunkId: number }
  assert.is(meta.count, 150)
  assert.equal(meta.deletedIds, [gone])
  assert.is(meta.maxChunkId, gone)

  const second = await started()
  assert.is(second.size(), 149)
  assert.equal(
    items.slice(0, 5).map((i) => second.search(i.vector, 10)),
    before,
  )
  await second.stop()
})

test('rebuilds from SQLite when the index file is missing (in place)', async () => {
  const items = insertChunks(500)
  const first = await started()
  await first.stop()
  rmSync(first.file)
  const index = await started()
  assert.is(index.status().state, 'ready')
  assert.is(index.size(), 500)
  for (const item of items.slice(0, 10)) assert.is(top(index, item.vector)[0], item.chunkId)
  await index.stop()
  assert.ok(existsSync(index.file), 'saved after the rebuild')
})

test('a large rebuild runs in a worker thread while the event loop keeps turning', async () => {
  const dims = 64
  const items = insertChunks(3000, 0, dims)
  deleteChunks([items[0]?.chunkId as number])
  const index = new VectorIndex({ dir: join(dir, 'vectors'), model: MODEL, dimensions: dims, db, autosaveIntervalMs: 0, workerBuildMinVectors: 1 })
  let ticksWhileBuilding = 0
  const timer = setInterval(() => {
    if (index.status().state === 'building') ticksWhileBuilding += 1
  }, 5)
  await index.start()
  assert.is(index.status().state, 'building')
  // Changes made during the build must survive the swap to the new graph. These two are not in the worker's
  // SQLite snapshot (an id without a row; a removal the snapshot does not know), so only the replay has them.
  const late = { chunkId: 900_000, vector: vectorFor(900_000, dims) }
  await index.add([late])
  index.remove([items[5]?.chunkId as number])
  await index.whenReady()
  clearInterval(timer)
  assert.ok(ticksWhileBuilding >= 2, `timers ran during the build (${ticksWhileBuilding})`)
  assert.is(index.status().state, 'ready')
  assert.is(index.size(), 2999 + 1 - 1)
  assert.is(top(index, late.vector)[0], late.chunkId)
  assert.not.ok(top(index, (items[5] as { vector: Float32Array }).vector, 5).includes(items[5]?.chunkId as number))
  assert.not.ok(top(index, (items[0] as { vector: Float32Array }).vector, 5).includes(items[0]?.chunkId as number))
  assert.ok(existsSync(index.file) && existsSync(index.metaFile), 'the worker result is saved')
  assert.is(tombstoneCount(), 0, 'tombstones of the build snapshot are cleared')
  await index.stop()
  // The replayed changes were saved with the graph ...
  const meta = JSON.parse(readFileSync(index.metaFile, 'utf8')) as { count: number; deletedIds: number[]; maxChunkId: number }
  assert.is(meta.maxChunkId, late.chunkId)
  assert.ok(meta.deletedIds.includes(items[5]?.chunkId as number))
  // ... and since they were not backed by SQLite (same count, different ids), the next sync undoes both.
  const again = new VectorIndex({ dir: join(dir, 'vectors'), model: MODEL, dimensions: dims, db, autosaveIntervalMs: 0 })
  await again.start()
  await again.whenReady()
  assert.is(again.size(), 2999)
  assert.not.ok(top(again, late.vector, 5).includes(late.chunkId))
  assert.is(top(again, (items[5] as { vector: Float32Array }).vector)[0], items[5]?.chunkId)
  await again.stop()
})

test('stop() during a worker build aborts it and leaves no temporary file', async () => {
  insertChunks(500)
  const index = open({ workerBuildMinVectors: 1 })
  await index.start()
  assert.is(index.status().state, 'building')
  const pending = index.add([{ chunkId: 800_000, vector: vectorFor(800_000) }])
  await index.stop()
  await pending
  assert.is(index.status().state, 'stopped')
  assert.equal(index.search(vectorFor(1), 5), [])
  const leftovers = existsSync(join(dir, 'vectors')) ? readdirSync(join(dir, 'vectors')) : []
  assert.equal(leftovers, [], 'no graph saved from an unfinished build, no temporary files')
})

test('crash: rows written to SQLite after the last save converge at the next start', async () => {
  const items = insertChunks(200)
  const first = await started()
  await first.stop()
  // The process "crashed" after these commits, before the index learned of them or was saved.
  const added = insertChunks(60, 7)
  const deleted = items.slice(0, 25).map((i) => i.chunkId)
  deleteChunks(deleted)
  // The highest id is deleted and reused by a new chunk with a different vector.
  const last = added.at(-1) as { chunkId: number; vector: Float32Array }
  const indexSaved = await started()
  await indexSaved.stop()
  deleteChunks([last.chunkId])
  // SQLite may hand out the highest rowid again after a delete; force that case.
  const reused = { chunkId: last.chunkId, vector: vectorFor(last.chunkId + 1000) }
  db.prepare('INSERT INTO chunks (id, document_id, ord, start_offset, end_offset, access_set_id) VALUES (?, ?, 100000, 0, 1, 1)').run(reused.chunkId, documentId)
  db.prepare('INSERT INTO embeddings (model, chunk_id, vector) VALUES (?, ?, ?)').run(MODEL, reused.chunkId, encodeVector(reused.vector))

  const index = await started()
  assert.is(index.size(), 200 + 60 - 25)
  for (const item of added.slice(0, 10)) assert.is(top(index, item.vector)[0], item.chunkId)
  for (const item of items.slice(0, 25)) assert.not.ok(top(index, item.vector, 10).includes(item.chunkId))
  assert.is(top(index, reused.vector)[0], reused.chunkId)
  const [old] = index.search(last.vector, 1)
  assert.ok(old?.chunkId !== last.chunkId || (old?.score ?? 1) < 0.999, 'the old vector of the reused id is gone')
  await index.stop()
})

test('rows deleted without tombstones (a lost write) are found by the count check', async () => {
  const items = insertChunks(100)
  const first = await started()
  await first.stop()
  db.prepare('DELETE FROM embeddings WHERE chunk_id <= ?').run(items[9]?.chunkId)
  const index = await started()
  assert.is(index.size(), 90)
  for (const item of items.slice(0, 10)) assert.not.ok(top(index, item.vector, 10).includes(item.chunkId))
  await index.stop()
})

test('a garbled or truncated index file is rebuilt from SQLite', async () => {
  const items = insertChunks(120)
  const first = await started()
  await first.stop()
  const size = statSync(first.file).size
  writeFileSync(first.file, Buffer.alloc(size, 0x5a))
  let index = await started()
  assert.is(index.size(), 120)
  assert.is(top(index, (items[3] as { vector: Float32Array }).vector)[0], items[3]?.chunkId)
  await index.stop()
  writeFileSync(index.file, readFileSync(index.file).subarray(0, 1000))
  index = await started()
  assert.is(index.size(), 120)
  await index.stop()
  writeFileSync(index.metaFile, '{ not json')
  index = await started()
  assert.is(index.size(), 120)
  await index.stop()
})

test('grows past its initial capacity', async () => {
  const index = await started({ maxElements: 10 })
  const items = insertChunks(250)
  for (let i = 0; i < items.length; i += 25) await index.add(items.slice(i, i + 25))
  assert.is(index.size(), 250)
  assert.ok(index.status().capacity >= 250)
  assert.is(top(index, (items[240] as { vector: Float32Array }).vector)[0], items[240]?.chunkId)
  await index.stop()
})

test('changes made while the graph is being written apply afterwards, in call order', async () => {
  const items = insertChunks(400)
  const index = await started()
  const [x, y] = insertChunks(2, 3)
  await index.add(items.slice(0, 1))
  const saving = index.save()
  const addX = index.add([x as { chunkId: number; vector: Float32Array }])
  index.remove([x?.chunkId as number])
  const addY = index.add([y as { chunkId: number; vector: Float32Array }])
  await Promise.all([saving, addX, addY])
  assert.not.ok(top(index, (x as { vector: Float32Array }).vector, 5).includes(x?.chunkId as number))
  assert.is(top(index, (y as { vector: Float32Array }).vector)[0], y?.chunkId)
  await index.stop()
})

test('rejects vectors of the wrong dimension or with invalid values', async () => {
  const index = await started()
  const err = await index.add([{ chunkId: 1, vector: new Float32Array(DIMS + 1) }]).catch((e: unknown) => e as Error)
  assert.is((err as Error | undefined)?.name, 'ValidationError')
  const nan = await index.add([{ chunkId: 2, vector: new Float32Array(DIMS).fill(Number.NaN) }]).catch((e: unknown) => e as Error)
  assert.is((nan as Error | undefined)?.name, 'ValidationError')
  assert.throws(() => index.search(new Float32Array(3), 5), (e: Error) => e.name === 'ValidationError')
  assert.equal(index.search(vectorFor(1), 5), [], 'an empty index finds nothing')
  await index.stop()
})

test('many deleted entries are compacted away by a background rebuild', async () => {
  const items = insertChunks(100)
  const index = await started({ compactMinDeleted: 10 })
  const gone = items.slice(0, 30).map((i) => i.chunkId)
  deleteChunks(gone)
  index.remove(gone)
  assert.is(index.status().deleted, 30)
  await index.save()
  for (let waited = 0; index.status().deleted > 0 && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50))
  assert.is(index.status().deleted, 0, 'rebuilt without the deleted entries')
  assert.is(index.size(), 70)
  assert.is(index.status().state, 'ready')
  for (const item of items.slice(0, 30)) assert.not.ok(top(index, item.vector, 5).includes(item.chunkId))
  assert.is(top(index, (items[50] as { vector: Float32Array }).vector)[0], items[50]?.chunkId)
  const meta = JSON.parse(readFileSync(index.metaFile, 'utf8')) as { count: number; deletedIds: number[] }
  assert.is(meta.count, 70)
  assert.equal(meta.deletedIds, [])
  await index.stop()
})

test('read-only: builds in memory, writes no file and keeps the tombstones', async () => {
  insertChunks(50)
  deleteChunks([1])
  const index = await started({ readOnly: true })
  assert.is(index.size(), 49)
  await index.save()
  await index.stop()
  assert.not.ok(existsSync(join(dir, 'vectors')) && readdirSync(join(dir, 'vectors')).length > 0)
  assert.is(tombstoneCount(), 1)
})

test.run()
