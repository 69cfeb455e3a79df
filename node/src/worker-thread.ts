import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * Starts a worker thread on a TypeScript module. Worker threads do not inherit tsx's loader hooks, so the
 * worker is started through tsx's `tsImport` API. Resolved via require because test runners load this file as
 * CommonJS, where import.meta.resolve is missing; the ESM build of the API sits beside the CommonJS one that
 * `require.resolve` returns.
 */
export function startTsWorker(moduleUrl: string, options: Omit<WorkerOptions, 'eval'> & { nice?: number } = {}): Worker {
  const { nice, ...workerOptions } = options
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
  // `nice` lowers the thread's priority before it loads anything (on Linux, nice values are per thread); a
  // thread that may not change its priority runs at the normal one
  const lower = nice === undefined ? '' : `try { require('node:os').setPriority(${Math.trunc(nice)}) } catch {}\n`
  const source = `${lower}import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(moduleUrl)}, ${JSON.stringify(import.meta.url)}))`
  return new Worker(source, { ...workerOptions, eval: true })
}
