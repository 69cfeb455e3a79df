// Worker thread entry: builds a graph from SQLite and writes it to a file, so that the event loop of the node
// stays free during a build that can take minutes. Started by builder.ts; not imported elsewhere.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type { BuildMessage, BuildRequest } from './builder.ts'
import { INITIAL_CAPACITY_VECTORS, PROGRESS_INTERVAL_MS } from './constants.ts'
import { HnswGraph } from './hnsw.ts'
import { EmbeddingRows } from './rows.ts'

const request = workerData as BuildRequest
const post = (message: BuildMessage): void => parentPort?.postMessage(message)

const db = new Database(request.dbFile, { readonly: true, fileMustExist: true })
try {
  const rows = new EmbeddingRows(db, request.model, request.dimensions)
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
  post({ type: 'done', result: { count: graph.count(), maxChunkId, skipped: rows.skipped, tombstones } })
} finally {
  db.close()
}
