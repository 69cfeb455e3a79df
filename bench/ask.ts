// npm run bench:ask — two figures at the size of the Karlsruhe council corpus (6,041 documents, 32 M characters):
//
// 1. Our overhead per question: time from AnswerService.ask() to the first streamed token, minus the model's
//    own time to its first token (chat template, tokenization, prompt evaluation, first sample; measured around
//    node-llama-cpp's call). Baseline in the same run: the same prompts through a plain LlamaChatSession on the
//    same model, time to first token. Goal: overhead p50/p95 ≤ 50 ms.
// 2. Embedding throughput of the ingest pipeline's EmbeddingStage (batches, parallel contexts, SQLite, HNSW)
//    against a plain loop of getEmbeddingFor over the same texts in the same run. Goal: ≥ 1.0×.
//
// The corpus is ingested once through the real pipeline (lexical) into a data directory under the OS temp
// folder and reused by later runs. Usage:
//   npm run bench:ask -- [--questions 30] [--threads 1] [--model ../shared/models/stories260K.gguf]
//                        [--embed-docs 10] [--embed-threads 2] [--skip-embed]
import '../node/src/polyfill.ts'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { AnswerService, PassageRetriever } from '../node/src/answers/index.ts'
import { addSource } from '../node/src/ingest/add-source.ts'
import type { ChatGenerator, GenerateRequest } from '../node/src/llm/chat.ts'
import { closeRuntime, getRuntime } from '../node/src/llm/runtime.ts'
import { setQuiet } from '../node/src/log.ts'
import { WissensnetzNode } from '../node/src/node.ts'
import { LOCAL_OPERATOR } from '../node/src/store/access.ts'
import { ConversationRepository } from '../node/src/store/conversations.ts'
import { resolveDataDir } from '../node/src/store/datadir.ts'
import { type CorpusDoc, dataFile, missingFiles, type Query, readJsonl } from './lib/data.ts'
import { summarize } from './lib/vectors.ts'
import { plainEmbeddingRate } from './lib/embed-baseline.ts'

setQuiet(true)
const { values } = parseArgs({
  options: {
    questions: { type: 'string', default: '30' },
    threads: { type: 'string', default: '1' },
    model: { type: 'string', default: '../shared/models/stories260K.gguf' },
    'answer-tokens': { type: 'string', default: '8' },
    'embed-docs': { type: 'string', default: '10' },
    'embed-threads': { type: 'string', default: '2' },
    'skip-embed': { type: 'boolean', default: false },
  },
})
/** Bumped when the cached corpus must be rebuilt (chunker or schema changes). */
const CACHE_VERSION = 1
const WARMUP_QUESTIONS = 2
const GOAL_OVERHEAD_MS = 50
const GOAL_EMBED_RATIO = 1.0

const corpusFile = dataFile('karlsruhe-oparl', 'corpus.jsonl')
const queriesFile = dataFile('karlsruhe-oparl', 'queries_title.jsonl')
const modelPath = resolve(values.model)
const missing = missingFiles(corpusFile, queriesFile, modelPath)
if (missing.length > 0) {
  console.log(`SKIP bench:ask: ${missing.join(', ')} not found (../shared is not part of a user's clone)`)
  process.exit(0)
}
const threads = Number(values.threads)
const ms = (x: number): string => `${x.toFixed(1)} ms`

// ---------- corpus (cached) ----------
const docs = readJsonl<CorpusDoc>(corpusFile)
const cache = join(tmpdir(), 'wn-bench-ask-karlsruhe')
const marker = join(cache, 'ready.json')
const ready =
  existsSync(marker) && (JSON.parse(readFileSync(marker, 'utf8')) as { version: number; docs: number }).version === CACHE_VERSION
if (!ready) {
  rmSync(cache, { recursive: true, force: true })
  const folder = join(cache, 'corpus')
  mkdirSync(folder, { recursive: true })
  for (const d of docs) writeFileSync(join(folder, `${d.id}.txt`), `${d.title}\n\n${d.text}`)
  const t0 = performance.now()
  const node = await WissensnetzNode.open({
    dataDir: resolveDataDir(join(cache, 'data')),
    exclusive: true,
    models: false,
    configOverrides: (c) => ({ ...c, ingest: { ...c.ingest, watch: false, rescanIntervalMinutes: 0, ocr: false } }),
  })
  const source = addSource(node.sources, { kind: 'folder', location: folder, name: 'karlsruhe' })
  await node.pipeline.ingestSource(source, { signal: new AbortController().signal })
  await node.close()
  writeFileSync(marker, JSON.stringify({ version: CACHE_VERSION, docs: docs.length }))
  console.log(`corpus ingested once into ${cache} in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
}

// ---------- 1. overhead to the first token ----------
const node = await WissensnetzNode.open({
  dataDir: resolveDataDir(join(cache, 'data')),
  exclusive: true,
  models: true,
  chat: true,
  configOverrides: (c) => ({
    ...c,
    ingest: { ...c.ingest, watch: false, rescanIntervalMinutes: 0 },
    models: {
      ...c.models,
      embedding: null,
      chat: modelPath,
      threads,
      chatSlots: 1,
      chatContextSize: 4096,
      maxAnswerTokens: Number(values['answer-tokens']),
    },
  }),
})
const chat = node.chat
if (chat === null) throw new Error('chat model did not load')
const counts = node.documents.counts()
console.log(
  `ask benchmark: ${counts.indexed} documents, ${counts.chunks} chunks (lexical search); model ${modelPath} ` +
    `(${chat.contextSize} tokens per slot, ${threads} thread(s)); node ${process.version}`,
)

// Records each prompt so that the baseline can send exactly the same one.
const prompts: GenerateRequest[] = []
const recorder: ChatGenerator = {
  modelId: chat.modelId,
  get contextSize() {
    return chat.contextSize
  },
  countTokens: (text) => chat.countTokens(text),
  generate: (request) => {
    prompts.push(request)
    return chat.generate(request)
  },
}
const answers = new AnswerService({
  retriever: new PassageRetriever(node.search, node.db),
  conversations: new ConversationRepository(node.db),
  chat: () => recorder,
  maxAnswerTokens: Number(values['answer-tokens']),
})

const allQueries = readJsonl<Query>(queriesFile)
const step = Math.max(1, Math.floor(allQueries.length / (Number(values.questions) + WARMUP_QUESTIONS)))
const questions = allQueries.filter((_, i) => i % step === 0).slice(0, Number(values.questions) + WARMUP_QUESTIONS)

// Baseline: the same prompt through a plain LlamaChatSession on its own context of the same model and size,
// right after each question, so that both see the same load on a shared machine.
const { LlamaChatSession } = await import('node-llama-cpp')
const runtime = await getRuntime({ threads })
const model = await runtime.loadModel(modelPath)
const context = await model.createContext({ contextSize: chat.contextSize, threads })
const sequence = context.getSequence()
async function plainFirstTokenMs(request: GenerateRequest): Promise<number> {
  const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: request.system, autoDisposeSequence: false })
  session.setChatHistory([{ type: 'system', text: request.system }])
  const started = performance.now()
  let firstAt = 0
  await session.promptWithMeta(request.messages.at(-1)?.content ?? '', {
    maxTokens: request.maxTokens ?? 8,
    temperature: request.temperature ?? 0.2,
    onTextChunk: () => (firstAt ||= performance.now()),
  })
  session.dispose({ disposeSequence: false })
  return (firstAt || performance.now()) - started
}

interface Sample {
  firstTokenMs: number
  modelFirstTokenMs: number
  overheadMs: number
  retrievalMs: number
  plainMs: number
  promptTokens: number
  passages: number
}
const samples: Sample[] = []
for (const [i, q] of questions.entries()) {
  const started = performance.now()
  let firstAt = 0
  const result = await answers.ask(LOCAL_OPERATOR, { question: q.query }, { onToken: () => (firstAt ||= performance.now()) })
  const firstTokenMs = firstAt - started
  const request = prompts.at(-1)
  if (i < WARMUP_QUESTIONS || result.stats.passages === 0 || request === undefined) continue
  const model = result.stats.modelFirstTokenMs ?? 0
  samples.push({
    firstTokenMs,
    modelFirstTokenMs: model,
    overheadMs: firstTokenMs - model,
    retrievalMs: result.stats.retrievalMs,
    plainMs: await plainFirstTokenMs(request),
    promptTokens: result.stats.promptTokens,
    passages: result.stats.passages,
  })
}
// the conversations of this run are not needed again
node.db.prepare('DELETE FROM conversations').run()
await context.dispose()
await runtime.releaseModel(modelPath)

const overhead = summarize(samples.map((s) => s.overheadMs))
const ours = summarize(samples.map((s) => s.firstTokenMs))
const modelOwn = summarize(samples.map((s) => s.modelFirstTokenMs))
const baseline = summarize(samples.map((s) => s.plainMs))
const retrieval = summarize(samples.map((s) => s.retrievalMs))
const pipeline = summarize(samples.map((s) => s.overheadMs - s.retrievalMs))
const versusPlain = summarize(samples.map((s) => s.firstTokenMs - s.plainMs))
const meanTokens = samples.reduce((n, s) => n + s.promptTokens, 0) / Math.max(1, samples.length)
const meanPassages = samples.reduce((n, s) => n + s.passages, 0) / Math.max(1, samples.length)
console.log(
  `\n${samples.length} questions (Karlsruhe titles), ${meanPassages.toFixed(1)} passages and ` +
    `${meanTokens.toFixed(0)} evaluated prompt tokens on average`,
)
console.log(`  time to first token, ours (ask() to first streamed text)     p50 ${ms(ours.p50Ms)}  p95 ${ms(ours.p95Ms)}`)
console.log(`  model's own time to first token (inside the same ask)       p50 ${ms(modelOwn.p50Ms)}  p95 ${ms(modelOwn.p95Ms)}`)
console.log(`  baseline: plain LlamaChatSession, same prompts, first token  p50 ${ms(baseline.p50Ms)}  p95 ${ms(baseline.p95Ms)}`)
console.log(`  of ours: retrieval (lexical search + passage text)          p50 ${ms(retrieval.p50Ms)}  p95 ${ms(retrieval.p95Ms)}`)
console.log(`  of ours: the rest (conversation, prompt, slot, session)     p50 ${ms(pipeline.p50Ms)}  p95 ${ms(pipeline.p95Ms)}`)
console.log(
  `  OVERHEAD (ours minus the model's own)                        p50 ${ms(overhead.p50Ms)}  p95 ${ms(overhead.p95Ms)}  ` +
    `goal ≤ ${GOAL_OVERHEAD_MS} ms: ${overhead.p95Ms <= GOAL_OVERHEAD_MS ? 'met' : 'NOT met'}`,
)
console.log(`  cross-check: ours minus baseline, per question              p50 ${ms(versusPlain.p50Ms)}  p95 ${ms(versusPlain.p95Ms)}`)
await node.close()

// ---------- 2. embedding throughput ----------
let embedding: { ours: number; plain: number; texts: number } | null = null
if (!values['skip-embed']) {
  const embedThreads = Number(values['embed-threads'])
  const subset = docs.slice(0, Number(values['embed-docs']))
  const work = join(tmpdir(), `wn-bench-ask-embed-${process.pid}`)
  const folder = join(work, 'corpus')
  mkdirSync(folder, { recursive: true })
  for (const d of subset) writeFileSync(join(folder, `${d.id}.txt`), `${d.title}\n\n${d.text}`)
  const embedNode = await WissensnetzNode.open({
    dataDir: resolveDataDir(join(work, 'data')),
    exclusive: true,
    models: true,
    configOverrides: (c) => ({
      ...c,
      ingest: { ...c.ingest, watch: false, rescanIntervalMinutes: 0, ocr: false },
      models: { ...c.models, embedding: modelPath, threads: embedThreads },
    }),
  })
  const source = addSource(embedNode.sources, { kind: 'folder', location: folder, name: 'karlsruhe' })
  await embedNode.pipeline.ingestSource(source, { signal: new AbortController().signal })
  const stage = embedNode.embedding
  if (stage === null) throw new Error('embedding model did not load')
  // the exact texts the stage embeds (title and passage), read before it runs
  const texts = (
    embedNode.db
      .prepare(`SELECT d.title || char(10) || substr(d.text, c.start_offset + 1, c.end_offset - c.start_offset) AS text
        FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY c.id`)
      .all() as Array<{ text: string }>
  ).map((r) => r.text)
  const t0 = performance.now()
  const embedded = await stage.drain()
  const oursRate = embedded / ((performance.now() - t0) / 1000)
  await embedNode.close()
  rmSync(work, { recursive: true, force: true })
  const plainRate = await plainEmbeddingRate(modelPath, texts, embedThreads)
  embedding = { ours: oursRate, plain: plainRate, texts: texts.length }
  console.log(`\nembedding throughput: ${texts.length} chunks of ${subset.length} Karlsruhe documents, thread budget ${embedThreads}`)
  console.log(`  ingest pipeline (EmbeddingStage: batches, contexts, SQLite, HNSW)  ${oursRate.toFixed(1)} texts/s`)
  console.log(`  baseline: plain getEmbeddingFor loop, 1 context x ${embedThreads} thread(s)  ${plainRate.toFixed(1)} texts/s`)
  console.log(
    `  RATIO ${(oursRate / plainRate).toFixed(2)}x  goal ≥ ${GOAL_EMBED_RATIO.toFixed(1)}x: ` +
      `${oursRate / plainRate >= GOAL_EMBED_RATIO ? 'met' : 'NOT met'}`,
  )
}
await closeRuntime()
console.log(
  `\nRESULT ${JSON.stringify({ questions: samples.length, overhead, ours, modelOwn, baseline, retrieval, pipeline, versusPlain, meanTokens, embedding })}`,
)
