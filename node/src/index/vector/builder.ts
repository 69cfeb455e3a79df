import { AbortError, WissensnetzError } from '../../errors.ts'
import { startTsWorker } from '../../worker-thread.ts'
import type { IdFingerprint } from './rows.ts'

interface SqliteTask {
  dbFile: string
  model: string
  dimensions: number
}

export interface BuildRequest extends SqliteTask {
  task: 'build'
  m: number
  efConstruction: number
  /** where the worker writes the finished graph */
  outFile: string
}

export interface FingerprintRequest extends SqliteTask {
  task: 'fingerprint'
}

export type WorkerRequest = BuildRequest | FingerprintRequest

export interface BuildResult {
  /** entries in the written graph */
  count: number
  maxChunkId: number
  /** rows that could not go into the graph */
  skipped: number
  /** tombstones of the snapshot the graph was built from; reflected in it */
  tombstones: number[]
}

export type WorkerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'built'; result: BuildResult }
  | { type: 'fingerprint'; fingerprint: IdFingerprint }

export class VectorBuildError extends WissensnetzError {
  constructor(cause: unknown) {
    super('vector_build_failed', 'Der Vektorindex konnte nicht aus der Datenbank aufgebaut werden.', { cause })
  }
}

const WORKER_URL = new URL('./sqlite-worker.ts', import.meta.url).href

function runWorker<T>(
  request: WorkerRequest,
  pick: (message: WorkerMessage) => T | undefined,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new AbortError())
      return
    }
    const worker = startTsWorker(WORKER_URL, { workerData: request })
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
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') {
        options.onProgress?.(message.done, message.total)
        return
      }
      const value = pick(message)
      if (value !== undefined) finish(() => resolve(value))
    })
    worker.on('error', (err) => finish(() => reject(new VectorBuildError(err))))
    worker.on('exit', (code) => finish(() => reject(new VectorBuildError(new Error(`vector worker exited with code ${code}`)))))
  })
}

/** Builds a graph from the SQLite file in a worker thread and resolves once it is written to `outFile`. */
export function buildInWorker(
  request: Omit<BuildRequest, 'task'>,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<BuildResult> {
  return runWorker({ ...request, task: 'build' }, (m) => (m.type === 'built' ? m.result : undefined), options)
}

/** The rows' fingerprint, computed on a worker's own connection: the scan reads the whole table. */
export function fingerprintInWorker(request: Omit<FingerprintRequest, 'task'>, options: { signal?: AbortSignal } = {}): Promise<IdFingerprint> {
  return runWorker({ ...request, task: 'fingerprint' }, (m) => (m.type === 'fingerprint' ? m.fingerprint : undefined), options)
}
