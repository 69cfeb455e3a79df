import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { AbortError, WissensnetzError } from '../../errors.ts'

export interface BuildRequest {
  dbFile: string
  model: string
  dimensions: number
  m: number
  efConstruction: number
  /** where the worker writes the finished graph */
  outFile: string
}

export interface BuildResult {
  /** entries in the written graph */
  count: number
  maxChunkId: number
  /** rows that could not go into the graph */
  skipped: number
  /** tombstones of the snapshot the graph was built from; reflected in it */
  tombstones: number[]
}

export type BuildMessage = { type: 'progress'; done: number; total: number } | { type: 'done'; result: BuildResult }

export class VectorBuildError extends WissensnetzError {
  constructor(cause: unknown) {
    super('vector_build_failed', 'Der Vektorindex konnte nicht neu aufgebaut werden.', { cause })
  }
}

const WORKER_URL = new URL('./build-worker.ts', import.meta.url).href

/**
 * Worker threads do not inherit tsx's loader hooks, so the worker is started through tsx's `tsImport` API.
 * Resolved via require because test runners load this file as CommonJS, where import.meta.resolve is missing;
 * the ESM build of the API sits beside the CommonJS one that `require.resolve` returns.
 */
function bootstrapSource(): string {
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
  return `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(WORKER_URL)}, ${JSON.stringify(import.meta.url)}))`
}

/** Builds a graph from the SQLite file in a worker thread and resolves once it is written to `outFile`. */
export function buildInWorker(
  request: BuildRequest,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<BuildResult> {
  return new Promise<BuildResult>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new AbortError())
      return
    }
    const worker = new Worker(bootstrapSource(), { eval: true, workerData: request })
    let settled = false
    const finish = (fn: () => void): void => {
      if (settled) return
      settled = true
      options.signal?.removeEventListener('abort', onAbort)
      fn()
    }
    const onAbort = (): void => {
      finish(() => reject(new AbortError()))
      void worker.terminate()
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    worker.on('message', (message: BuildMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.done, message.total)
      else finish(() => resolve(message.result))
    })
    worker.on('error', (err) => finish(() => reject(new VectorBuildError(err))))
    worker.on('exit', (code) => finish(() => reject(new VectorBuildError(new Error(`build worker exited with code ${code}`)))))
  })
}
