import type { Token } from 'node-llama-cpp'
import { getRuntime } from '../../node/src/llm/runtime.ts'

/** The embedder's default context: the model's training context, at most this many tokens. */
const MAX_CONTEXT_TOKENS = 1024

/**
 * The plain baseline for embedding throughput: one embedding context, a sequential loop of getEmbeddingFor
 * over the texts, inputs cut to the context the same way the node's embedder cuts them. Texts per second.
 */
export async function plainEmbeddingRate(modelPath: string, texts: string[], threads: number): Promise<number> {
  const runtime = await getRuntime({ threads })
  const model = await runtime.loadModel(modelPath)
  const contextSize = Math.min(model.trainContextSize > 0 ? model.trainContextSize : MAX_CONTEXT_TOKENS, MAX_CONTEXT_TOKENS)
  const context = await model.createEmbeddingContext({ contextSize, batchSize: contextSize, threads })
  const embed = async (text: string): Promise<void> => {
    let tokens: Token[] = model.tokenize(text)
    if (tokens.length === 0) return
    const length = context.calculateInputLength(tokens)
    if (length >= contextSize) tokens = tokens.slice(0, Math.max(1, tokens.length - (length - contextSize + 1)))
    await context.getEmbeddingFor(tokens)
  }
  await embed(texts[0] ?? 'warm-up')
  const started = performance.now()
  for (const text of texts) await embed(text)
  const rate = texts.length / ((performance.now() - started) / 1000)
  await context.dispose()
  await runtime.releaseModel(modelPath)
  return rate
}
