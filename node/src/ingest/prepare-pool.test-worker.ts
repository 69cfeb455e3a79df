// A misbehaving stand-in for prepare-worker.ts (tests of PreparePool only). Like the real worker it answers for
// its documents one at a time, in the order they came: "crash.txt" ends the thread with an uncaught error,
// "slow.txt" never answers (so nothing behind it is answered either), anything else comes back as an empty
// prepared document.
import { parentPort } from 'node:worker_threads'
import type { FromWorker, ToWorker } from './prepare-worker.ts'

const port = parentPort
if (port === null) throw new Error('worker only')
const queue: Array<Extract<ToWorker, { type: 'prepare' }>> = []
let stuck = false

port.on('message', (message: ToWorker) => {
  if (message.type !== 'prepare') return
  queue.push(message)
  setTimeout(work, 0)
})
port.postMessage({ type: 'ready' } satisfies FromWorker)

function work(): void {
  while (!stuck && queue.length > 0) {
    const { id, input } = queue.shift() as Extract<ToWorker, { type: 'prepare' }>
    if (input.fileName === 'crash.txt') throw new Error('simulated parser crash')
    if (input.fileName === 'slow.txt') {
      stuck = true
      return
    }
    const prepared = {
      doc: { sourceId: input.sourceId, path: input.path, fileName: input.fileName, title: input.fileName, mime: 'text/plain', size: input.data.byteLength, mtimeMs: input.mtimeMs, contentHash: input.hash, metadata: {}, accessSetId: input.accessSetId, text: 'x', ocrPages: 0 },
      chunks: [],
      children: [],
    }
    port?.postMessage({ type: 'prepared', id, prepared } satisfies FromWorker)
  }
}
