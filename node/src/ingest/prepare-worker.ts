// Worker thread of the PreparePool: parses, chunks and analyses documents sent by the main thread.
import { parentPort, workerData } from 'node:worker_threads'
import type { PreparedDocument } from '../index/writer.ts'
import { prepareDocument, type PrepareInput } from './prepare.ts'
import type { ParseLimits } from './types.ts'

export type ToWorker = { type: 'prepare'; id: number; input: PrepareInput } | { type: 'cancel'; id: number }
export type FromWorker = { type: 'ready' } | { type: 'prepared'; id: number; prepared: PreparedDocument }
export interface PrepareWorkerData {
  limits: ParseLimits
  ocr: boolean
}

const port = parentPort
if (port === null) throw new Error('prepare-worker.ts runs as a worker thread only')
const { limits, ocr } = workerData as PrepareWorkerData
const running = new Map<number, AbortController>()

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    running.get(message.id)?.abort()
    return
  }
  const controller = new AbortController()
  running.set(message.id, controller)
  void prepareDocument(message.input, { limits, ocr, signal: controller.signal }).then((prepared) => {
    running.delete(message.id)
    port.postMessage({ type: 'prepared', id: message.id, prepared } satisfies FromWorker)
  })
})
port.postMessage({ type: 'ready' } satisfies FromWorker)
