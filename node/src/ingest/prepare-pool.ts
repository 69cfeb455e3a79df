import type { Worker } from 'node:worker_threads'
import { AbortError, WissensnetzError } from '../errors.ts'
import type { PreparedDocument } from '../index/writer.ts'
import { logger } from '../log.ts'
import { startTsWorker } from '../worker-thread.ts'
import { failedDocument, type PrepareInput, prepareDocument } from './prepare.ts'
import type { FromWorker, PrepareWorkerData, ToWorker } from './prepare-worker.ts'
import type { ParseLimits } from './types.ts'

const log = logger('node:ingest')
const WORKER_URL = new URL('./prepare-worker.ts', import.meta.url).href
/** Idle workers are stopped after this long; the next ingest starts them again (about half a second). */
const IDLE_STOP_MS = 60_000
/**
 * Heap limit of one worker. A document that needs more (a hostile file the format limits did not catch) ends
 * that worker, not the node: the document is recorded as failed and a fresh worker takes the next one.
 */
const WORKER_HEAP_MB = 1536
/**
 * Young generation of a worker. Analysis allocates many short-lived strings and arrays; V8's default (16 MB
 * semi-spaces) makes it scavenge so often that the first pass over a corpus costs 1.6× the CPU time it takes
 * with a 48 MB young generation (Karlsruhe corpus, first pass: about 7.7 s vs 5.1 s CPU).
 */
const WORKER_YOUNG_GENERATION_MB = 48

export class PrepareWorkerError extends WissensnetzError {
  constructor(cause: unknown) {
    super('prepare_worker_failed', 'Die Lese-Threads der Aufnahme konnten nicht gestartet werden.', { cause })
  }
}

export interface PreparePoolInit {
  /** worker threads; 0 prepares on the calling thread */
  threads: number
  limits: ParseLimits
  ocr: boolean
  /** the worker module (tests substitute one that misbehaves on purpose) */
  workerUrl?: string
}

interface Task {
  id: number
  input: PrepareInput
  resolve: (prepared: PreparedDocument) => void
  reject: (error: Error) => void
}

interface Slot {
  worker: Worker
  ready: boolean
  task: Task | null
}

/**
 * Parses, chunks and analyses documents on worker threads, so that the CPU-heavy half of ingest runs on
 * every core while the main thread reads files and writes the index, and so that a parser that runs out of
 * memory on a hostile file takes down one worker instead of the node.
 */
export class PreparePool {
  readonly #init: PreparePoolInit
  readonly #slots: Slot[] = []
  readonly #queue: Task[] = []
  #nextId = 1
  #idleTimer: NodeJS.Timeout | undefined
  #closed = false

  constructor(init: PreparePoolInit) {
    this.#init = init
  }

  /** Parses, chunks and analyses one document; never rejects for a bad document (see prepareDocument). */
  prepare(input: PrepareInput, signal: AbortSignal): Promise<PreparedDocument> {
    if (this.#init.threads <= 0) return prepareDocument(input, { limits: this.#init.limits, ocr: this.#init.ocr, signal })
    if (this.#closed) return Promise.reject(new AbortError())
    if (signal.aborted) return Promise.reject(new AbortError())
    clearTimeout(this.#idleTimer)
    return new Promise<PreparedDocument>((resolve, reject) => {
      const onAbort = (): void => this.#cancel(task)
      const settle = (): void => signal.removeEventListener('abort', onAbort)
      const task: Task = {
        id: this.#nextId++,
        input,
        resolve: (prepared) => {
          settle()
          resolve(prepared)
        },
        reject: (error) => {
          settle()
          reject(error)
        },
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.#queue.push(task)
      this.#dispatch()
    })
  }

  /** Stops the workers; queued and running documents are rejected with AbortError. */
  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#idleTimer)
    for (const task of this.#queue.splice(0)) task.reject(new AbortError())
    const slots = this.#slots.splice(0)
    for (const slot of slots) slot.task?.reject(new AbortError())
    await Promise.all(slots.map((slot) => slot.worker.terminate()))
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const slot = this.#slots.find((s) => s.ready && s.task === null)
      if (slot === undefined) {
        if (this.#slots.length >= this.#init.threads) return
        this.#spawn()
        return // dispatched once the worker reports ready
      }
      const task = this.#queue.shift() as Task
      slot.task = task
      slot.worker.ref()
      slot.worker.postMessage({ type: 'prepare', id: task.id, input: task.input } satisfies ToWorker)
    }
    if (this.#slots.every((s) => s.task === null)) this.#scheduleIdleStop()
  }

  #spawn(): void {
    const data: PrepareWorkerData = { limits: this.#init.limits, ocr: this.#init.ocr }
    const worker = startTsWorker(this.#init.workerUrl ?? WORKER_URL, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } })
    const slot: Slot = { worker, ready: false, task: null }
    this.#slots.push(slot)
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        slot.ready = true
        slot.worker.unref()
        this.#dispatch()
        return
      }
      const task = slot.task
      slot.task = null
      slot.worker.unref() // an idle worker does not keep the process alive
      if (task !== null && task.id === message.id) task.resolve(message.prepared)
      this.#dispatch()
    })
    worker.on('error', (error) => this.#lost(slot, error))
    worker.on('exit', (code) => this.#lost(slot, new Error(`prepare worker exited with code ${code}`)))
  }

  /** A worker ended: its document is recorded as failed; a worker that never started fails the whole ingest. */
  #lost(slot: Slot, error: Error): void {
    const index = this.#slots.indexOf(slot)
    if (index === -1) return
    this.#slots.splice(index, 1)
    const task = slot.task
    slot.task = null
    if (!slot.ready) {
      log.error('prepare worker did not start', error)
      for (const queued of [...(task === null ? [] : [task]), ...this.#queue.splice(0)]) queued.reject(new PrepareWorkerError(error))
      return
    }
    if (task !== null) {
      log.warn(`prepare worker ended while reading a document of source ${task.input.sourceId}`, error.name)
      task.resolve(
        failedDocument(
          { ...task.input, size: task.input.data.byteLength },
          { reason: 'corrupt', message: 'Das Lesen des Dokuments ist abgestürzt (zum Beispiel über der Speichergrenze); es wurde übersprungen.' },
        ),
      )
    }
    if (!this.#closed) this.#dispatch()
  }

  #cancel(task: Task): void {
    const queued = this.#queue.indexOf(task)
    if (queued !== -1) this.#queue.splice(queued, 1)
    const slot = this.#slots.find((s) => s.task === task)
    slot?.worker.postMessage({ type: 'cancel', id: task.id } satisfies ToWorker)
    task.reject(new AbortError())
  }

  #scheduleIdleStop(): void {
    clearTimeout(this.#idleTimer)
    this.#idleTimer = setTimeout(() => {
      if (this.#queue.length > 0 || this.#slots.some((s) => s.task !== null)) return
      const slots = this.#slots.splice(0)
      for (const slot of slots) void slot.worker.terminate()
    }, IDLE_STOP_MS)
    this.#idleTimer.unref()
  }
}
