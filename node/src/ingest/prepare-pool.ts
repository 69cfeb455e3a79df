import type { Worker } from 'node:worker_threads'
import { AbortError, WissensnetzError } from '../errors.ts'
import type { PreparedDocument } from '../index/writer.ts'
import { logger } from '../log.ts'
import { startTsWorker } from '../worker-thread.ts'
import { failedDocument, type PrepareFileInput, type PrepareInput, prepareDocument, prepareFile, UNCHANGED } from './prepare.ts'
import type { FromWorker, PrepareWorkerData, ToWorker } from './prepare-worker.ts'
import type { ParseLimits } from './types.ts'

const log = logger('node:ingest')
const WORKER_URL = new URL('./prepare-worker.ts', import.meta.url).href
/** Interval of the timer that keeps the process alive while close() waits for workers to end. */
const TERMINATE_KEEPALIVE_MS = 1000
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
/**
 * Documents handed to one worker before it has answered for the first: a worker works through them while the
 * main thread is busy writing a batch or collecting garbage (up to ~100 ms, in which a worker prepares 100-200
 * small documents), instead of waiting idle for its next one. With 32 the workers ran dry during every
 * commit: Karlsruhe ingest with one worker 4.4-4.8 MB/s, with 256 6.0-6.6 MB/s (two workers: 5.7-5.9 and
 * 6.2-6.6). Only files' paths or small documents wait in a worker's queue; large ones are bounded by bytes.
 */
const MAX_QUEUED_PER_WORKER = 256
/**
 * Parser threads run at a lower priority than the main thread, from their first instruction: the main
 * thread, which lists the source, writes the index and answers searches, gets a core whenever it has work,
 * and parsing fills the rest. Without it three threads shared two cores evenly, the writer fell behind
 * (a backlog at the end of every run), and starting workers slowed the scan.
 */
const WORKER_NICE = 10
/**
 * A worker gets a further document only while the bytes it has been sent and not answered stay below this
 * (what waits for the main thread is bounded too: a document's prepared form is about its text's size).
 */
const MAX_QUEUED_BYTES_PER_WORKER = 16 * 1024 * 1024

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

type Job = { type: 'prepare'; input: PrepareInput } | { type: 'prepareFile'; input: PrepareFileInput }

interface Task {
  id: number
  job: Job
  /** bytes this task puts in a worker's queue (the document's bytes, or the file's listed size) */
  bytes: number
  resolve: (prepared: PreparedDocument | null) => void
  reject: (error: Error) => void
}

interface Slot {
  worker: Worker
  ready: boolean
  /** tasks sent and not yet answered, oldest first: the worker prepares them in this order */
  tasks: Task[]
  bytes: number
}

/**
 * Reads, parses, chunks and analyses documents on worker threads, so that the CPU-heavy half of ingest runs
 * on every core while the main thread writes the index, and so that a parser that runs out of memory on a
 * hostile file takes down one worker instead of the node.
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

  /** true when files can be handed over by path (prepareFile) instead of being read on the calling thread */
  get readsFiles(): boolean {
    return this.#init.threads > 0
  }

  /** Starts the worker threads ahead of the first document (they take about half a second to start). */
  warm(): void {
    if (this.#closed) return
    clearTimeout(this.#idleTimer)
    while (this.#slots.length < this.#init.threads) this.#spawn()
  }

  /** Parses, chunks and analyses one document; never rejects for a bad document (see prepareDocument). */
  async prepare(input: PrepareInput, signal: AbortSignal): Promise<PreparedDocument> {
    if (this.#init.threads <= 0) return prepareDocument(input, { limits: this.#init.limits, ocr: this.#init.ocr, signal })
    return (await this.#submit({ type: 'prepare', input }, input.data.byteLength, signal)) as PreparedDocument
  }

  /**
   * Reads a file on a worker and prepares it, or answers UNCHANGED when its content hashes to
   * `input.unchangedHash`; never rejects for a bad or unreadable file (see prepareFile).
   */
  async prepareFile(input: PrepareFileInput, signal: AbortSignal): Promise<PreparedDocument | typeof UNCHANGED> {
    if (this.#init.threads <= 0) return prepareFile(input, { limits: this.#init.limits, ocr: this.#init.ocr, signal })
    return (await this.#submit({ type: 'prepareFile', input }, input.size, signal)) ?? UNCHANGED
  }

  #submit(job: Job, bytes: number, signal: AbortSignal): Promise<PreparedDocument | null> {
    if (this.#closed || signal.aborted) return Promise.reject(new AbortError())
    clearTimeout(this.#idleTimer)
    return new Promise<PreparedDocument | null>((resolve, reject) => {
      const onAbort = (): void => this.#cancel(task)
      const settle = (): void => signal.removeEventListener('abort', onAbort)
      const task: Task = {
        id: this.#nextId++,
        job,
        bytes,
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
    for (const slot of slots) for (const task of slot.tasks.splice(0)) task.reject(new AbortError())
    // Node refs a worker while terminating it, yet one in about twenty closes of tsx-started workers let the
    // event loop run empty before 'exit' arrived, and the process ended in the middle of close(): a timer
    // keeps it alive until the workers are gone.
    const keepAlive = setInterval(() => {}, TERMINATE_KEEPALIVE_MS)
    try {
      await Promise.all(slots.map((slot) => slot.worker.terminate()))
    } finally {
      clearInterval(keepAlive)
    }
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const next = this.#queue[0] as Task
      const slot = this.#leastBusy(next)
      if (slot === undefined) {
        // start another worker while fewer than configured run, and none of them is free
        if (this.#slots.length < this.#init.threads && this.#slots.every((s) => !s.ready || s.tasks.length > 0)) this.#spawn()
        return // dispatched once a worker reports ready or answers
      }
      this.#queue.shift()
      slot.tasks.push(next)
      slot.bytes += next.bytes
      slot.worker.ref()
      slot.worker.postMessage({ ...next.job, id: next.id } satisfies ToWorker)
    }
    if (this.#slots.every((s) => s.tasks.length === 0)) this.#scheduleIdleStop()
  }

  /** The ready worker with the fewest documents waiting that can take `task` now, if any. */
  #leastBusy(task: Task): Slot | undefined {
    let best: Slot | undefined
    for (const slot of this.#slots) {
      if (!slot.ready) continue
      const fits = slot.tasks.length === 0 || (slot.tasks.length < MAX_QUEUED_PER_WORKER && slot.bytes + task.bytes <= MAX_QUEUED_BYTES_PER_WORKER)
      if (fits && (best === undefined || slot.tasks.length < best.tasks.length)) best = slot
    }
    // an idle worker that is not started yet would take it sooner than a busy one
    if (best !== undefined && best.tasks.length > 0 && this.#slots.length < this.#init.threads) return undefined
    return best
  }

  #spawn(): void {
    const data: PrepareWorkerData = { limits: this.#init.limits, ocr: this.#init.ocr }
    const worker = startTsWorker(this.#init.workerUrl ?? WORKER_URL, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
      nice: WORKER_NICE,
    })
    const slot: Slot = { worker, ready: false, tasks: [], bytes: 0 }
    this.#slots.push(slot)
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        slot.ready = true
        slot.worker.unref()
        this.#dispatch()
        return
      }
      const index = slot.tasks.findIndex((t) => t.id === message.id)
      if (index !== -1) {
        const [task] = slot.tasks.splice(index, 1) as [Task]
        slot.bytes -= task.bytes
        task.resolve(message.prepared)
      }
      if (slot.tasks.length === 0) slot.worker.unref() // an idle worker does not keep the process alive
      this.#dispatch()
    })
    worker.on('error', (error) => this.#lost(slot, error))
    worker.on('exit', (code) => this.#lost(slot, new Error(`prepare worker exited with code ${code}`)))
  }

  /**
   * A worker ended. The document it was working on (its oldest) is recorded as failed; the ones waiting behind
   * it go to another worker. A worker that never started fails the whole ingest.
   */
  #lost(slot: Slot, error: Error): void {
    const index = this.#slots.indexOf(slot)
    if (index === -1) return
    this.#slots.splice(index, 1)
    const [task, ...waiting] = slot.tasks.splice(0)
    if (!slot.ready) {
      log.error('prepare worker did not start', error)
      for (const queued of [...(task === undefined ? [] : [task]), ...waiting, ...this.#queue.splice(0)]) queued.reject(new PrepareWorkerError(error))
      return
    }
    this.#queue.unshift(...waiting)
    if (task !== undefined) {
      const { input } = task.job
      log.warn(`prepare worker ended while reading a document of source ${input.sourceId}`, error.name)
      const size = task.job.type === 'prepare' ? task.job.input.data.byteLength : task.job.input.size
      task.resolve(
        failedDocument(
          { ...input, size, hash: task.job.type === 'prepare' ? task.job.input.hash : null },
          { reason: 'corrupt', message: 'Das Lesen des Dokuments ist abgestürzt (zum Beispiel über der Speichergrenze); es wurde übersprungen.' },
        ),
      )
    }
    if (!this.#closed) this.#dispatch()
  }

  #cancel(task: Task): void {
    const queued = this.#queue.indexOf(task)
    if (queued !== -1) this.#queue.splice(queued, 1)
    for (const slot of this.#slots) {
      const index = slot.tasks.indexOf(task)
      if (index === -1) continue
      slot.tasks.splice(index, 1)
      slot.bytes -= task.bytes
      slot.worker.postMessage({ type: 'cancel', id: task.id } satisfies ToWorker)
    }
    task.reject(new AbortError())
  }

  #scheduleIdleStop(): void {
    clearTimeout(this.#idleTimer)
    this.#idleTimer = setTimeout(() => {
      if (this.#queue.length > 0 || this.#slots.some((s) => s.tasks.length > 0)) return
      const slots = this.#slots.splice(0)
      for (const slot of slots) void slot.worker.terminate()
    }, IDLE_STOP_MS)
    this.#idleTimer.unref()
  }
}
