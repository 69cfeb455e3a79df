// Embedding throughput: LlamaEmbedder.embed() against the plain baseline, a sequential loop of
// getEmbeddingFor over the same texts, measured in the same run with the test model (or --model <gguf>).
// Usage: node --import tsx bench/embed-throughput.ts [--model path] [--texts 400] [--threads 2] [--rounds 3]
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { createLlamaEmbedder } from '../node/src/llm/embedder.ts'
import { closeRuntime, getRuntime } from '../node/src/llm/runtime.ts'
import { setQuiet } from '../node/src/log.ts'

setQuiet(true)
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: '../shared/models/stories260K.gguf' },
    texts: { type: 'string', default: '400' },
    threads: { type: 'string', default: '2' },
    context: { type: 'string', default: '512' },
    rounds: { type: 'string', default: '3' },
  },
})
const modelPath = values.model
const threads = Number(values.threads)
const contextSize = Number(values.context)
if (!existsSync(modelPath)) {
  console.log(`SKIP: model not found at ${modelPath}`)
  process.exit(0)
}

// 20 to 99 words each: the spread of chunk lengths matters more than their content for throughput.
const WORDS = 'die stadt regelt in der satzung the cat sat on a mat and looked at the little girl who was playing'.split(' ')
const texts = Array.from({ length: Number(values.texts) }, (_, i) =>
  Array.from({ length: 20 + (i % 80) }, (_, j) => WORDS[(i * 7 + j) % WORDS.length]).join(' '),
)

const runtime = await getRuntime({ threads })
const model = await runtime.loadModel(modelPath)

async function baseline(contextThreads: number): Promise<number> {
  const context = await model.createEmbeddingContext({ contextSize, threads: contextThreads })
  await context.getEmbeddingFor(texts[0] as string)
  const t0 = performance.now()
  for (const text of texts) await context.getEmbeddingFor(text)
  const seconds = (performance.now() - t0) / 1000
  await context.dispose()
  return texts.length / seconds
}

async function ours(contexts: number): Promise<number> {
  const embedder = await createLlamaEmbedder({ modelPath, threads, contexts, contextSize })
  await embedder.embed(texts.slice(0, 1))
  const t0 = performance.now()
  await embedder.embed(texts)
  const seconds = (performance.now() - t0) / 1000
  await embedder.close()
  return texts.length / seconds
}

// The machine is shared: run the variants interleaved, several rounds, and report the median of each.
const variants: Array<[string, () => Promise<number>]> = [
  ['baseline: sequential getEmbeddingFor, 1 context x 1 thread', () => baseline(1)],
  [`baseline: sequential getEmbeddingFor, 1 context x ${threads} threads`, () => baseline(threads)],
  [`embed(): 1 context x ${threads} threads`, () => ours(1)],
  [`embed(): ${threads} contexts x 1 thread`, () => ours(threads)],
]
const rates = variants.map(() => [] as number[])
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [i, [, run]] of variants.entries()) rates[i]?.push(await run())
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
console.log(`model ${modelPath}, ${texts.length} texts, thread budget ${threads}, context ${contextSize} tokens, ${values.rounds} rounds`)
for (const [i, [name]] of variants.entries()) {
  const xs = rates[i] ?? []
  console.log(`${name.padEnd(62)} median ${median(xs).toFixed(1).padStart(7)} texts/s  (${xs.map((x) => x.toFixed(1)).join(', ')})`)
}
await runtime.releaseModel(modelPath)
await closeRuntime()
