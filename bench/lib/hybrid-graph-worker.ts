// Worker thread of the hybrid benchmark's build: inserts the vectors the main thread writes to SQLite into an
// HNSW graph (the node's own HnswGraph adapter) while the main thread goes on with the next documents, so that
// the single-threaded graph build and the SQLite writes use both cores. Started by hybrid-data.ts only.
import { parentPort, workerData } from 'node:worker_threads'
import { HnswGraph } from '../../node/src/index/vector/hnsw.ts'

export interface GraphWorkerInit {
  dimensions: number
  m: number
  efConstruction: number
  capacity: number
}

export type GraphWorkerRequest = { type: 'add'; ids: Int32Array; vectors: Float32Array } | { type: 'finish'; outFile: string }

export type GraphWorkerMessage =
  | { type: 'progress'; added: number }
  | { type: 'done'; count: number; maxChunkId: number; insertSeconds: number }
  | { type: 'failed'; message: string }

/** The worker reports how far it is after this many vectors. */
const PROGRESS_EVERY_VECTORS = 50_000

const init = workerData as GraphWorkerInit
const graph = HnswGraph.create({ dimensions: init.dimensions, m: init.m, efConstruction: init.efConstruction }, init.capacity)
const post = (message: GraphWorkerMessage): void => parentPort?.postMessage(message)
let added = 0
let maxChunkId = 0
let insertMs = 0

parentPort?.on('message', (request: GraphWorkerRequest) => {
  try {
    if (request.type === 'add') {
      const started = performance.now()
      const d = init.dimensions
      for (let i = 0; i < request.ids.length; i++) {
        const id = request.ids[i] as number
        graph.add(id, request.vectors.subarray(i * d, (i + 1) * d))
        if (id > maxChunkId) maxChunkId = id
        added += 1
        if (added % PROGRESS_EVERY_VECTORS === 0) post({ type: 'progress', added })
      }
      insertMs += performance.now() - started
      return
    }
    graph.writeSync(request.outFile)
    post({ type: 'done', count: graph.count(), maxChunkId, insertSeconds: insertMs / 1000 })
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) })
  }
})
