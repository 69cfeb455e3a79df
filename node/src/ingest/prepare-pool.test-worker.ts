// A misbehaving stand-in for prepare-worker.ts (tests of PreparePool only): "crash.txt" ends the thread with an
// uncaught error, "slow.txt" never answers, anything else comes back as an empty prepared document.
import { parentPort } from 'node:worker_threads'
import type { FromWorker, ToWorker } from './prepare-worker.ts'

const port = parentPort
if (port === null) throw new Error('worker only')
port.on('message', (message: ToWorker) => {
  if (message.type !== 'prepare') return
  const { input } = message
  if (input.fileName === 'crash.txt') {
    setTimeout(() => {
      throw new Error('simulated parser crash')
    }, 0)
    return
  }
  if (input.fileName === 'slow.txt') return
  const prepared = {
    doc: { sourceId: input.sourceId, path: input.path, fileName: input.fileName, title: input.fileName, mime: 'text/plain', size: input.data.byteLength, mtimeMs: input.mtimeMs, contentHash: input.hash, metadata: {}, accessSetId: input.accessSetId, text: 'x', ocrPages: 0 },
    chunks: [],
    children: [],
  }
  port.postMessage({ type: 'prepared', id: message.id, prepared } satisfies FromWorker)
})
port.postMessage({ type: 'ready' } satisfies FromWorker)
