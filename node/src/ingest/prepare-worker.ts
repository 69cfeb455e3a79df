// Worker thread of the PreparePool: reads, parses, chunks and analyses documents sent by the main thread, one
// at a time in the order they arrive (the pool relies on that order to know which document a crash belongs to).
import { parentPort, workerData } from 'node:worker_threads'
import type { PreparedDocument } from '../index/writer.ts'
import { type PrepareFileInput, type PrepareInput, prepareDocument, prepareFile, UNCHANGED } from './prepare.ts'
import type { ParseLimits } from './types.ts'

export type ToWorker =
  | { type: 'prepare'; id: number; input: PrepareInput }
  | { type: 'prepareFile'; id: number; input: PrepareFileInput }
  | { type: 'cancel'; id: number }
/** `prepared` is null for a file whose content is unchanged (see prepareFile) */
export type FromWorker = { type: 'ready' } | { type: 'prepared'; id: number; prepared: PreparedDocument | null }
export interface PrepareWorkerData {
  limits: ParseLimits
  ocr: boolean
}

type Job = Exclude<ToWorker, { type: 'cancel' }>

const port = parentPort
if (port === null) throw new Error('prepare-worker.ts runs as a worker thread only')
const { limits, ocr } = workerData as PrepareWorkerData
const queue: Job[] = []
let current: { id: number; controller: AbortController } | undefined
let working = false

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    if (current?.id === message.id) current.controller.abort()
    const queued = queue.findIndex((job) => job.id === message.id)
    if (queued !== -1) queue.splice(queued, 1)
    return
  }
  queue.push(message)
  if (!working) void work()
})
port.postMessage({ type: 'ready' } satisfies FromWorker)

async function work(): Promise<void> {
  working = true
  try {
    await workOffQueue()
  } finally {
    working = false
  }
}

async function workOffQueue(): Promise<void> {
  while (queue.length > 0) {
    // between documents, let messages in: a queue of plain-text documents is otherwise worked off in
    // microtasks alone, and a cancellation would wait for the whole queue
    await new Promise((resolve) => setImmediate(resolve))
    const job = queue.shift()
    if (job === undefined) break
    const controller = new AbortController()
    current = { id: job.id, controller }
    const options = { limits, ocr, signal: controller.signal }
    const result = job.type === 'prepare' ? await prepareDocument(job.input, options) : await prepareFile(job.input, options)
    current = undefined
    // the pool ignores the answer for a document cancelled while it ran
    const prepared = result === UNCHANGED ? null : result
    port?.postMessage({ type: 'prepared', id: job.id, prepared } satisfies FromWorker, prepared === null ? [] : transferables(prepared))
  }
}

/** The encoded lexical entries move to the main thread without a copy (nothing here uses them afterwards). */
function transferables(prepared: PreparedDocument, out: ArrayBuffer[] = []): ArrayBuffer[] {
  if (prepared.lexical !== undefined) out.push(prepared.lexical.bytes.buffer as ArrayBuffer, prepared.lexical.offsets.buffer as ArrayBuffer)
  for (const child of prepared.children) transferables(child, out)
  return out
}
