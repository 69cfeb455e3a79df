import { basename } from 'node:path'
import type { ChatHistoryItem, LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp'
import { AbortError, WissensnetzError } from '../errors.ts'
import { logger } from '../log.ts'
import type { Startable } from '../startable.ts'
import type { LlmRuntime } from './runtime.ts'
import { getRuntime } from './runtime.ts'
import { SlotPool } from './slots.ts'

export { LlmBusyError } from './slots.ts'

const log = logger('node:llm:chat')

const DEFAULT_SLOTS = 2
const DEFAULT_MAX_QUEUED = 16
const DEFAULT_CONTEXT_TOKENS = 4096
const DEFAULT_MAX_ANSWER_TOKENS = 512
const DEFAULT_TEMPERATURE = 0.2

export interface ChatMessage {
  role: 'user' | 'assistant'
  content: string
}

export interface GenerateRequest {
  system: string
  /** the conversation so far; the last message is the user's prompt to answer */
  messages: ChatMessage[]
  temperature?: number
  maxTokens?: number
  signal?: AbortSignal
  /** called with each piece of streamed text */
  onToken?: (text: string) => void
  /** called once the request holds a slot or a place in the queue (it was not refused as busy) */
  onAdmitted?: () => void
}

export interface GenerationStats {
  /** prompt tokens the model evaluated (a prefix cached from the slot's previous request is not counted) */
  promptTokens: number
  outputTokens: number
  /** waited for a free slot */
  queuedMs: number
  /**
   * The model's own time to the first streamed text: chat template, tokenization, prompt evaluation and the
   * first sampled token, measured around node-llama-cpp's call. Everything before it is ours.
   */
  modelFirstTokenMs: number
  /** the model's time from the call to the last token */
  modelTotalMs: number
}

export interface GenerateResult {
  text: string
  stopReason: 'eos' | 'maxTokens' | 'other'
  stats: GenerationStats
}

/** What the answer service needs from a chat model; tests substitute stubs. */
export interface ChatGenerator {
  readonly modelId: string
  /** tokens one request may use: prompt and answer together */
  readonly contextSize: number
  countTokens(text: string): number
  generate(request: GenerateRequest): Promise<GenerateResult>
}

export interface ChatModelInit {
  modelPath: string
  /** llama.cpp threads for this model's context. Default: the runtime's (physical cores). Tests pass 1. */
  threads?: number
  /** requests generated at the same time, one context sequence each */
  slots?: number
  /** requests that may wait for a slot; more are refused with LlmBusyError */
  maxQueued?: number
  /** tokens per slot; capped at the model's training context */
  contextSize?: number
  gpu?: false | 'auto'
}

export class ChatModelStoppedError extends WissensnetzError {
  constructor() {
    super('llm_stopped', 'Das Sprachmodell ist nicht geladen.', { status: 503, expose: true })
  }
}

export class GenerationFailedError extends WissensnetzError {
  constructor(cause: unknown) {
    super('llm_generation_failed', 'Das Sprachmodell konnte keine Antwort erzeugen.', { status: 500, expose: false, cause })
  }
}

interface Loaded {
  runtime: LlmRuntime
  model: LlamaModel
  context: LlamaContext
  pool: SlotPool<LlamaContextSequence>
  Session: typeof import('node-llama-cpp').LlamaChatSession
}

/**
 * The chat model: one GGUF file loaded once into the shared runtime, one llama.cpp context with a sequence per
 * slot, and a bounded queue in front of the slots. A request whose signal aborts (the client went away)
 * stops generating at the next token and gives its sequence to the next request.
 */
export class ChatModel implements ChatGenerator, Startable {
  readonly modelId: string
  private loaded: Loaded | null = null
  /** generations holding a slot: stop() aborts them and waits until they have let go of their sequence */
  private readonly running = new Map<AbortController, Promise<unknown>>()

  constructor(private readonly init: ChatModelInit) {
    this.modelId = basename(init.modelPath)
  }

  get contextSize(): number {
    return this.require().context.contextSize
  }

  get slots(): number {
    return this.require().context.totalSequences
  }

  /** Requests waiting for a slot, and slots free right now. */
  load(): { queued: number; freeSlots: number } {
    const pool = this.require().pool
    return { queued: pool.queued, freeSlots: pool.available }
  }

  async start(): Promise<void> {
    if (this.loaded !== null) return
    const init = this.init
    const runtime = await getRuntime({ threads: init.threads, gpu: init.gpu })
    const model = await runtime.loadModel(init.modelPath)
    try {
      const { LlamaChatSession } = await import('node-llama-cpp')
      const slots = init.slots ?? DEFAULT_SLOTS
      const trained = model.trainContextSize > 0 ? model.trainContextSize : DEFAULT_CONTEXT_TOKENS
      const contextSize = Math.min(init.contextSize ?? DEFAULT_CONTEXT_TOKENS, trained)
      const context = await model.createContext({ sequences: slots, contextSize, threads: init.threads ?? runtime.threads })
      const sequences = Array.from({ length: slots }, () => context.getSequence())
      this.loaded = {
        runtime,
        model,
        context,
        pool: new SlotPool(sequences, init.maxQueued ?? DEFAULT_MAX_QUEUED),
        Session: LlamaChatSession,
      }
      log.info(
        `chat model ${this.modelId}: ${slots} slot(s) x ${context.contextSize} tokens, ` +
          `${context.currentThreads || runtime.threads} thread(s)`,
      )
    } catch (err) {
      await runtime.releaseModel(init.modelPath)
      throw new WissensnetzError('chat_context_failed', 'Der Kontext des Sprachmodells konnte nicht angelegt werden.', { cause: err })
    }
  }

  async stop(): Promise<void> {
    const loaded = this.loaded
    if (loaded === null) return
    this.loaded = null
    loaded.pool.rejectAll(new ChatModelStoppedError())
    for (const controller of this.running.keys()) controller.abort()
    await Promise.allSettled(this.running.values())
    await loaded.context.dispose()
    await loaded.runtime.releaseModel(this.init.modelPath)
  }

  countTokens(text: string): number {
    return this.require().model.tokenize(text).length
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const loaded = this.require()
    const last = request.messages.at(-1)
    if (last === undefined || last.role !== 'user')
      throw new WissensnetzError('llm_bad_request', 'Die letzte Nachricht muss eine Frage sein.')
    const queuedAt = performance.now()
    // Throws LlmBusyError before anything waits, so that the caller can answer 503 right away.
    const acquired = loaded.pool.acquire(request.signal)
    request.onAdmitted?.()
    const sequence = await acquired
    if (this.loaded !== loaded) {
      // stopped while this request waited for its slot
      loaded.pool.release(sequence)
      throw new ChatModelStoppedError()
    }
    const controller = new AbortController()
    const run = this.run(loaded, sequence, request, last.content, controller, queuedAt)
    this.running.set(controller, run)
    try {
      return await run
    } finally {
      this.running.delete(controller)
      loaded.pool.release(sequence)
    }
  }

  private async run(
    loaded: Loaded,
    sequence: LlamaContextSequence,
    request: GenerateRequest,
    prompt: string,
    controller: AbortController,
    queuedAt: number,
  ): Promise<GenerateResult> {
    const signal = request.signal === undefined ? controller.signal : AbortSignal.any([request.signal, controller.signal])
    const session = new loaded.Session({ contextSequence: sequence, systemPrompt: request.system, autoDisposeSequence: false })
    try {
      session.setChatHistory(toHistory(request.system, request.messages.slice(0, -1)))
      const inputBefore = sequence.tokenMeter.usedInputTokens
      const outputBefore = sequence.tokenMeter.usedOutputTokens
      const started = performance.now()
      let firstAt = 0
      const result = await session.promptWithMeta(prompt, {
        temperature: request.temperature ?? DEFAULT_TEMPERATURE,
        maxTokens: request.maxTokens ?? DEFAULT_MAX_ANSWER_TOKENS,
        signal,
        stopOnAbortSignal: false,
        onTextChunk: (text) => {
          if (firstAt === 0) firstAt = performance.now()
          request.onToken?.(text)
        },
      })
      const ended = performance.now()
      const stats: GenerationStats = {
        promptTokens: sequence.tokenMeter.usedInputTokens - inputBefore,
        outputTokens: sequence.tokenMeter.usedOutputTokens - outputBefore,
        queuedMs: started - queuedAt,
        modelFirstTokenMs: (firstAt || ended) - started,
        modelTotalMs: ended - started,
      }
      log.trace('generated', { model: this.modelId, ...stats, stopReason: result.stopReason })
      return { text: result.responseText, stopReason: stopReasonOf(result.stopReason), stats }
    } catch (err) {
      if (signal.aborted) throw new AbortError('Die Antwort wurde abgebrochen.')
      throw new GenerationFailedError(err)
    } finally {
      session.dispose({ disposeSequence: false })
    }
  }

  private require(): Loaded {
    if (this.loaded === null) throw new ChatModelStoppedError()
    return this.loaded
  }
}

function toHistory(system: string, messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [{ type: 'system', text: system }]
  for (const m of messages) {
    history.push(m.role === 'user' ? { type: 'user', text: m.content } : { type: 'model', response: [m.content] })
  }
  return history
}

function stopReasonOf(reason: string): GenerateResult['stopReason'] {
  if (reason === 'eogToken' || reason === 'stopGenerationTrigger') return 'eos'
  if (reason === 'maxTokens') return 'maxTokens'
  return 'other'
}

export const CHAT_DEFAULTS = {
  slots: DEFAULT_SLOTS,
  maxQueued: DEFAULT_MAX_QUEUED,
  contextTokens: DEFAULT_CONTEXT_TOKENS,
  maxAnswerTokens: DEFAULT_MAX_ANSWER_TOKENS,
  temperature: DEFAULT_TEMPERATURE,
}
