// Worker thread entry for SQLite-heavy work of the vector index: building a graph from all rows (minutes at a
// million vectors) and fingerprinting the rows (a scan of the whole embeddings table). Both block the thread
// they run on, so they run here with their own read-only connection. Started by builder.ts only.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type { BuildRequest, WorkerMessage, WorkerRequest } from './builder.ts'
import { INITIAL_CAPACITY_VECTORS, PROGRESS_INTERVAL_MS } from './constants.ts'
import { HnswGraph } from './hnsw.ts'
import { EmbeddingRows } from './rows.ts'

const request = workerData as WorkerRequest
const post = (message: WorkerMessage): void => parentPort?.postMessage(message)

const db = new Database(request.dbFile, { readonly: true, fileMustExist: true })
try {
  const rows = new EmbeddingRows(db, request.model, request.dimensions)
  if (request.task === 'fingerprint') post({ type: 'fingerprint', fingerprint: rows.fingerprint() })
  else build(rows, request)
} finally {
  db.close()
}

function build(rows: EmbeddingRows, request: BuildRequest): void {
  // One read transaction: the rows and the tombstones come from the same snapshot, so the tombstones seen
  // here are fully reflected in the graph and may be cleared once it is in place.
  db.exec('BEGIN')
  const total = rows.count()
  const tombstones = rows.tombstones()
  const graph = HnswGraph.create(request, Math.max(total, INITIAL_CAPACITY_VECTORS))
  let done = 0
  let maxChunkId = 0
  let lastReport = performance.now()
  for (const item of rows.all()) {
    graph.add(item.chunkId, item.vector)
    maxChunkId = item.chunkId
    done += 1
    if (performance.now() - lastReport >= PROGRESS_INTERVAL_MS) {
      lastReport = performance.now()
      post({ type: 'progress', done, total })
    }
  }
  db.exec('COMMIT')
  graph.writeSync(request.outFile)
  post({ type: 'built', result: { count: graph.count(), maxChunkId, skipped: rows.skipped, tombstones } })
}
