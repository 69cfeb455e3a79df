import { createHash } from 'node:crypto'
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp'
import { AbortError, WissensnetzError } from '../errors.ts'
import { logger } from '../log.ts'
import type { LlmRuntime } from './runtime.ts'
import { getRuntime } from './runtime.ts'

const log = logger('node:llm')

/** Upper bound for the default context: chunks are a few hundred tokens, and every context holds its own KV cache. */
const DEFAULT_MAX_CONTEXT_TOKENS = 1024
/**
 * More contexts than this cost memory (one KV cache each) without more throughput: each context already gets
 * threads of its own, and a single llama.cpp context cannot return several pooled embeddings per batch through
 * node-llama-cpp 3.21 (its embedding context reads sequence 0 only).
 */
const MAX_PARALLEL_CONTEXTS = 4
/** Bytes read from each end of the model file for its id: the GGUF header (metadata) and the last tensor bytes. */
const MODEL_ID_SAMPLE_BYTES = 1024 * 1024
const MODEL_ID_HASH_CHARS = 8
const MODEL_ID_MAX_NAME_CHARS = 48

/** Turns passages and queries into unit-length vectors (cosine similarity = dot product). */
export interface Embedder {
  /** Stable per model file; names the vector index, so a different model gets a new one. */
  readonly modelId: string
  readonly dimensions: number
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>
  close(): Promise<void>
}

export interface LlamaEmbedderInit {
  modelPath: string
  /** llama.cpp threads for embedding, all contexts together. Default: the runtime's (physical cores). */
  threads?: number
  /** tokens per input; longer inputs are truncated. Default: the model's training context, at most 1024 */
  contextSize?: number
  /** tokens per llama.cpp batch. Default: the context size (encoder models must see an input in one batch) */
  batchSize?: number
  /** contexts embedding in parallel. Default: one per thread, at most 4 */
  contexts?: number
  gpu?: false | 'auto'
}

export interface EmbedderStats {
  texts: number
  tokens: number
  /** inputs cut to the context size */
  truncated: number
  /** inputs without a single token; they get the zero vector */
  empty: number
}

export class EmbedderClosedError extends WissensnetzError {
  constructor() {
    super('embedder_closed', 'Das Embedding-Modell ist bereits geschlossen.')
  }
}

/**
 * Embeds with a GGUF model through node-llama-cpp. A batch is spread over several embedding contexts that
 * run in parallel (each takes texts from a shared queue). node-llama-cpp's embedding context evaluates one
 * sequence at a time, so parallel contexts are how a batch uses more than one core; measured with the test
 * model on 2 cores: 2 contexts x 1 thread embed about 1.9 times as many texts per second as one context.
 */
export class LlamaEmbedder implements Embedder {
  private closed = false
  private readonly counters: EmbedderStats = { texts: 0, tokens: 0, truncated: 0, empty: 0 }

  private constructor(
    readonly modelId: string,
    readonly dimensions: number,
    readonly contextSize: number,
    private readonly model: LlamaModel,
    private readonly contexts: LlamaEmbeddingContext[],
    private readonly release: () => Promise<void>,
  ) {}

  static async create(init: LlamaEmbedderInit): Promise<LlamaEmbedder> {
    const runtime = await getRuntime({ threads: init.threads, gpu: init.gpu })
    // Loading first: it reports a missing or broken file with a typed error.
    const model = await runtime.loadModel(init.modelPath)
    try {
      return await LlamaEmbedder.withModel(runtime, model, await modelIdFor(init.modelPath), init)
    } catch (err) {
      await runtime.releaseModel(init.modelPath)
      throw err
    }
  }

  private static async withModel(runtime: LlmRuntime, model: LlamaModel, modelId: string, init: LlamaEmbedderInit): Promise<LlamaEmbedder> {
    const threads = init.threads ?? runtime.threads
    const count = init.contexts ?? Math.min(threads, MAX_PARALLEL_CONTEXTS)
    const threadsPerContext = Math.max(1, Math.floor(threads / count))
    const trained = model.trainContextSize > 0 ? model.trainContextSize : DEFAULT_MAX_CONTEXT_TOKENS
    const contextSize = init.contextSize ?? Math.min(trained, DEFAULT_MAX_CONTEXT_TOKENS)
    const contexts: LlamaEmbeddingContext[] = []
    try {
      for (let i = 0; i < count; i++) {
        contexts.push(await model.createEmbeddingContext({ contextSize, batchSize: init.batchSize ?? contextSize, threads: threadsPerContext }))
      }
    } catch (err) {
      for (const context of contexts) await context.dispose()
      throw new WissensnetzError('embedding_context_failed', 'Der Embedding-Kontext konnte nicht angelegt werden.', { cause: err })
    }
    const dimensions = model.embeddingVectorSize
    log.info(`embedder ${modelId}: ${dimensions} dimensions, ${count} context(s) x ${threadsPerContext} thread(s), ${contextSize} tokens`)
    return new LlamaEmbedder(modelId, dimensions, contextSize, model, contexts, () => runtime.releaseModel(init.modelPath))
  }

  stats(): EmbedderStats {
    return { ...this.counters }
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (this.closed) throw new EmbedderClosedError()
    if (texts.length === 0) return []
    const out = new Array<Float32Array>(texts.length)
    let next = 0
    let failed = false
    const worker = async (context: LlamaEmbeddingContext): Promise<void> => {
      while (!failed && next < texts.length) {
        if (signal?.aborted) throw new AbortError()
        if (this.closed) throw new EmbedderClosedError()
        const i = next++
        out[i] = await this.embedOne(context, texts[i] ?? '')
      }
    }
    const runs = this.contexts.slice(0, texts.length).map((context) =>
      worker(context).catch((err: unknown) => {
        failed = true
        throw err
      }),
    )
    // allSettled first: a failing context must not leave another one running after embed() has returned.
    const settled = await Promise.allSettled(runs)
    const rejected = settled.find((s) => s.status === 'rejected')
    if (rejected !== undefined) throw rejected.reason
    return out
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const context of this.contexts) await context.dispose()
    await this.release()
  }

  private async embedOne(context: LlamaEmbeddingContext, text: string): Promise<Float32Array> {
    this.counters.texts += 1
    let tokens: Token[] = this.model.tokenize(text)
    if (tokens.length === 0) {
      this.counters.empty += 1
      return new Float32Array(this.dimensions)
    }
    // calculateInputLength adds the model's begin/end tokens; llama.cpp refuses inputs that fill the context.
    const length = context.calculateInputLength(tokens)
    if (length >= this.contextSize) {
      tokens = tokens.slice(0, Math.max(1, tokens.length - (length - this.contextSize + 1)))
      this.counters.truncated += 1
      log.trace('input truncated to the context size', { tokens: length, contextSize: this.contextSize })
    }
    this.counters.tokens += tokens.length
    const embedding = await context.getEmbeddingFor(tokens)
    if (embedding.vector.length !== this.dimensions) {
      throw new WissensnetzError('embedding_invalid', `Embedding mit ${embedding.vector.length} statt ${this.dimensions} Dimensionen.`)
    }
    return normalize(Float32Array.from(embedding.vector))
  }
}

export function createLlamaEmbedder(init: LlamaEmbedderInit): Promise<LlamaEmbedder> {
  return LlamaEmbedder.create(init)
}

/** Scales a vector to unit length in place; the zero vector stays zero. */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0
  for (let i = 0; i < vector.length; i++) sum += (vector[i] as number) * (vector[i] as number)
  if (sum === 0) return vector
  const scale = 1 / Math.sqrt(sum)
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) * scale
  return vector
}

/**
 * `<file name>-<hash>`: the hash covers the file size and its first and last megabyte (GGUF metadata and the
 * last tensors), so a renamed copy keeps its id while a different model or quantisation gets a new one.
 */
export async function modelIdFor(path: string): Promise<string> {
  const size = statSync(path).size
  const hash = createHash('sha256').update(`${size}:`)
  const sample = Math.min(size, MODEL_ID_SAMPLE_BYTES)
  const fd = openSync(path, 'r')
  try {
    const buffer = Buffer.alloc(sample)
    readSync(fd, buffer, 0, sample, 0)
    hash.update(buffer)
    readSync(fd, buffer, 0, sample, size - sample)
    hash.update(buffer)
  } finally {
    closeSync(fd)
  }
  const name =
    basename(path)
      .replace(/\.gguf$/i, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, MODEL_ID_MAX_NAME_CHARS) || 'model'
  return `${name}-${hash.digest('hex').slice(0, MODEL_ID_HASH_CHARS)}`
}
