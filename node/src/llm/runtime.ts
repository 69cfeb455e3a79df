import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { Llama, LlamaModel } from 'node-llama-cpp'
import { ValidationError, WissensnetzError } from '../errors.ts'
import { logger } from '../log.ts'

const log = logger('node:llm')

/** Every GGUF file starts with these four bytes. */
const GGUF_MAGIC = 'GGUF'

export interface RuntimeOptions {
  /**
   * Threads llama.cpp may use in this process, all contexts together (node-llama-cpp splits them between
   * contexts that evaluate at the same time). Default: the machine's physical cores. Tests pass 1.
   */
  threads?: number
  /** false: CPU only; 'auto': use a GPU when node-llama-cpp finds a working one. Default false. */
  gpu?: false | 'auto'
}

export class ModelNotFoundError extends WissensnetzError {
  constructor(path: string) {
    super('model_not_found', `Modelldatei nicht gefunden: ${path}`, { status: 500, expose: false, details: { path } })
  }
}

export class ModelInvalidError extends WissensnetzError {
  constructor(path: string, reason: string, cause?: unknown) {
    super('model_invalid', `Modelldatei ${basename(path)} ist kein gültiges GGUF-Modell (${reason}).`, {
      status: 500,
      expose: false,
      details: { path },
      cause,
    })
  }
}

export class LlmRuntimeError extends WissensnetzError {
  constructor(cause: unknown) {
    super('llm_runtime_unavailable', 'Die Modell-Laufzeit (llama.cpp) konnte nicht gestartet werden.', { status: 500, expose: false, cause })
  }
}

/**
 * The process's one node-llama-cpp `Llama` instance and the models loaded into it. Models are cached per path
 * and counted per user, so that an embedder and a chat session sharing a file load it once.
 */
export class LlmRuntime {
  private readonly models = new Map<string, { model: Promise<LlamaModel>; users: number }>()

  constructor(readonly llama: Llama) {}

  /** The thread budget shared by all contexts of this process. */
  get threads(): number {
    return this.llama.maxThreads
  }

  /** Loads a GGUF model (or returns the cached one); pair every call with `releaseModel`. */
  loadModel(path: string): Promise<LlamaModel> {
    const key = resolve(path)
    const cached = this.models.get(key)
    if (cached !== undefined) {
      cached.users += 1
      return cached.model
    }
    const model = this.load(key)
    const entry = { model, users: 1 }
    this.models.set(key, entry)
    // A failed load must not stay cached: the operator may fix the file and try again.
    model.catch(() => {
      if (this.models.get(key) === entry) this.models.delete(key)
    })
    return model
  }

  /** Drops one user of a model; the last one unloads it. */
  async releaseModel(path: string): Promise<void> {
    const key = resolve(path)
    const entry = this.models.get(key)
    if (entry === undefined) return
    entry.users -= 1
    if (entry.users > 0) return
    this.models.delete(key)
    const model = await entry.model.catch(() => null)
    await model?.dispose()
  }

  async close(): Promise<void> {
    const entries = [...this.models.values()]
    this.models.clear()
    for (const entry of entries) {
      const model = await entry.model.catch(() => null)
      await model?.dispose()
    }
    await this.llama.dispose()
  }

  private async load(path: string): Promise<LlamaModel> {
    checkModelFile(path)
    const started = performance.now()
    try {
      const model = await this.llama.loadModel({ modelPath: path })
      log.info(`model loaded: ${basename(path)} in ${Math.round(performance.now() - started)} ms`)
      return model
    } catch (err) {
      throw new ModelInvalidError(path, 'llama.cpp konnte die Datei nicht laden', err)
    }
  }
}

/** Cheap checks before handing a file to llama.cpp, so that a wrong path or a truncated download says so. */
function checkModelFile(path: string): void {
  let size: number
  try {
    const stat = statSync(path)
    if (!stat.isFile()) throw new ModelNotFoundError(path)
    size = stat.size
  } catch (err) {
    if (err instanceof ModelNotFoundError) throw err
    throw new ModelNotFoundError(path)
  }
  if (size < GGUF_MAGIC.length) throw new ModelInvalidError(path, 'Datei ist zu kurz')
  const head = Buffer.alloc(GGUF_MAGIC.length)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, head, 0, head.length, 0)
  } finally {
    closeSync(fd)
  }
  if (head.toString('latin1') !== GGUF_MAGIC) throw new ModelInvalidError(path, 'keine GGUF-Kennung am Dateianfang')
}

let shared: { runtime: Promise<LlmRuntime>; gpu: false | 'auto' } | null = null

/**
 * The shared runtime. The first call creates it; later calls reuse it and may change the thread budget
 * (the GPU choice is fixed once llama.cpp is loaded).
 */
export function getRuntime(options: RuntimeOptions = {}): Promise<LlmRuntime> {
  const gpu = options.gpu ?? false
  if (shared === null) {
    const runtime = createRuntime(gpu, options.threads)
    const entry = { runtime, gpu }
    shared = entry
    runtime.catch(() => {
      if (shared === entry) shared = null
    })
    return runtime
  }
  if (gpu !== shared.gpu) log.warn(`llama.cpp already runs with gpu=${String(shared.gpu)}; gpu=${String(gpu)} ignored`)
  const threads = options.threads
  if (threads === undefined) return shared.runtime
  return shared.runtime.then((runtime) => {
    if (runtime.llama.maxThreads !== threads) runtime.llama.maxThreads = checkThreads(threads)
    return runtime
  })
}

/** Disposes the shared runtime and every model in it (shutdown and tests). */
export async function closeRuntime(): Promise<void> {
  const current = shared
  shared = null
  if (current === null) return
  const runtime = await current.runtime.catch(() => null)
  await runtime?.close()
}

async function createRuntime(gpu: false | 'auto', threads: number | undefined): Promise<LlmRuntime> {
  let llama: Llama
  try {
    // Imported on first use: a node without models never loads llama.cpp, and node-llama-cpp (ESM with
    // top-level await) cannot be required by CommonJS test runners at module load.
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp')
    llama = await getLlama({
      gpu,
      // Never compile llama.cpp at run time: nodes are often offline, and the prebuilt binaries work.
      build: 'never',
      logLevel: LlamaLogLevel.error,
      logger: (level, message) => log.warn(`llama.cpp ${level}: ${message.trim()}`),
    })
  } catch (err) {
    throw new LlmRuntimeError(err)
  }
  // node-llama-cpp defaults to at least 4 threads; on a 2-core machine their spinning threads starve each
  // other (a 64-token completion took 152 s instead of well under one), so default to the physical cores.
  llama.maxThreads = checkThreads(threads ?? Math.max(1, llama.cpuMathCores))
  log.info(`llama.cpp ready (gpu: ${String(llama.gpu)}, threads: ${llama.maxThreads})`)
  return new LlmRuntime(llama)
}

function checkThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1) throw new ValidationError(`Threads müssen eine positive ganze Zahl sein (erhalten: ${threads})`)
  return threads
}
