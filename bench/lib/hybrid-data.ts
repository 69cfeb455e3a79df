// The data directory of the hybrid benchmark: Karlsruhe documents written again and again as distinct
// documents through the node's own IndexWriter (documents, chunks, FTS5 entries analysed once per distinct
// chunk), an embeddings row per chunk with a clustered synthetic vector, and the HNSW graph the node loads at
// start. The graph is built in a worker thread while the main thread writes SQLite, because hnswlib inserts
// on one thread only and takes most of the time.
import { join } from 'node:path'
import { germanAnalyzer } from '../../node/src/index/analysis/index.ts'
import type { EncodedSpans } from '../../node/src/index/analysis/index.ts'
import { encodeDocumentChunks } from '../../node/src/index/lexical.ts'
import { HNSW_M, META_FORMAT_VERSION } from '../../node/src/index/vector/constants.ts'
import { encodeVector, modelSlug } from '../../node/src/index/vector/index.ts'
import { publishGraph } from '../../node/src/index/vector/meta.ts'
import type { Replacement } from '../../node/src/index/writer.ts'
import { type Chunk, chunkDocument } from '../../node/src/ingest/chunker.ts'
import { textToBlocks } from '../../node/src/ingest/parsers/sections.ts'
import { WissensnetzNode } from '../../node/src/node.ts'
import type { Principal } from '../../node/src/store/access.ts'
import { resolveDataDir } from '../../node/src/store/datadir.ts'
import { startTsWorker } from '../../node/src/worker-thread.ts'
import type { CorpusDoc } from './data.ts'
import type { GraphWorkerInit, GraphWorkerMessage, GraphWorkerRequest } from './hybrid-graph-worker.ts'
import { type ClusteredSource, createRng } from './vectors.ts'

/** The embedding model id the synthetic vectors are stored under (names the index files, like a real model id). */
export const SYNTHETIC_MODEL = 'bench-clustered-384'
/** Documents per write transaction, as the ingest pipeline's commit batches (MAX_BATCH_DOCUMENTS). */
const BATCH_DOCUMENTS = 200
/** Progress lines on stderr this often. */
const PROGRESS_EVERY_MS = 30_000

/**
 * Who may see what: most documents are open to the whole administration, one in ten only to the building
 * office and one in ten only to the personnel office. The searching user is in the first two groups: they see
 * about 90 % of the chunks, so that both retrievers must filter.
 */
export const GROUPS = { everyone: 'group:verwaltung', visible: 'group:bauamt', hidden: 'group:personalamt' } as const
export const SEARCHING_USER: Principal = { principals: [GROUPS.everyone, GROUPS.visible] }
const SHARE_TENTHS_HIDDEN = 1
const SHARE_TENTHS_VISIBLE = 1

function groupOf(copyIndex: number): (typeof GROUPS)[keyof typeof GROUPS] {
  // a multiplicative hash, so that neighbouring documents and the copies of one document differ
  const tenth = (Math.imul(copyIndex + 1, 2654435761) >>> 0) % 10
  if (tenth < SHARE_TENTHS_HIDDEN) return GROUPS.hidden
  if (tenth < SHARE_TENTHS_HIDDEN + SHARE_TENTHS_VISIBLE) return GROUPS.visible
  return GROUPS.everyone
}

/** The topic (vector cluster) of each corpus document; its chunks and every copy of them are drawn from it. */
export function documentClusters(count: number, clusters: number, seed: number): Int32Array {
  const rng = createRng(seed + 7)
  return Int32Array.from({ length: count }, () => Math.floor(rng() * clusters))
}

/** One corpus document as the ingest pipeline would prepare it: text, chunks, analysed lexical entries. */
export interface Template {
  id: string
  title: string
  text: string
  chunks: Chunk[]
  lexical: EncodedSpans | undefined
  cluster: number
}

export function prepareTemplates(docs: CorpusDoc[], clusters: Int32Array): Template[] {
  const analyzer = germanAnalyzer()
  return docs.map((doc, i) => {
    const { text, chunks } = chunkDocument(textToBlocks(doc.text))
    const lexical = encodeDocumentChunks(analyzer, doc.title, text, chunks)
    return { id: doc.id, title: doc.title, text, chunks: chunks.map((c) => ({ ...c, text: '' })), lexical, cluster: clusters[i] as number }
  })
}

/** The copies to write, in order: whole rounds over the corpus until `target` chunks are reached. */
export function copyPlan(templates: Template[], target: number): Array<{ round: number; template: number }> {
  const plan: Array<{ round: number; template: number }> = []
  let chunks = 0
  for (let round = 0; chunks < target; round++) {
    for (let t = 0; t < templates.length && chunks < target; t++) {
      const n = (templates[t] as Template).chunks.length
      if (n === 0) continue
      plan.push({ round, template: t })
      chunks += n
    }
    if (chunks === 0) throw new Error('the corpus has no text to chunk')
  }
  return plan
}

export async function openBenchNode(root: string): Promise<WissensnetzNode> {
  return WissensnetzNode.open({
    dataDir: resolveDataDir(root),
    exclusive: true,
    models: false,
    configOverrides: (c) => ({ ...c, ingest: { ...c.ingest, watch: false, rescanIntervalMinutes: 0, ocr: false } }),
  })
}

export interface BuildReport {
  documents: number
  chunks: number
  /** SQLite rows (documents, chunks, FTS5, embeddings) written on the main thread */
  writeSeconds: number
  /** waiting for the graph worker after the writes, then publishing the graph */
  graphTailSeconds: number
  /** time the worker spent inserting into the graph */
  graphInsertSeconds: number
  seconds: number
}

export interface BuildInit {
  root: string
  templates: Template[]
  target: number
  source: ClusteredSource
  efConstruction: number
}

const WORKER_URL = new URL('./hybrid-graph-worker.ts', import.meta.url).href

export async function buildDataDir(init: BuildInit): Promise<BuildReport> {
  const { templates, source } = init
  const d = source.spec.dimensions
  const plan = copyPlan(templates, init.target)
  const total = plan.reduce((n, p) => n + (templates[p.template] as Template).chunks.length, 0)
  const started = performance.now()
  const node = await openBenchNode(init.root)
  const graphInit: GraphWorkerInit = { dimensions: d, m: HNSW_M, efConstruction: init.efConstruction, capacity: total }
  const worker = startTsWorker(WORKER_URL, { workerData: graphInit })
  let graphAdded = 0
  const graphDone = new Promise<Extract<GraphWorkerMessage, { type: 'done' }>>((resolve, reject) => {
    worker.on('message', (m: GraphWorkerMessage) => {
      if (m.type === 'progress') graphAdded = m.added
      else if (m.type === 'done') resolve(m)
      else reject(new Error(`graph worker: ${m.message}`))
    })
    worker.on('error', reject)
    worker.on('exit', (code) => reject(new Error(`graph worker exited with code ${code}`)))
  })
  graphDone.catch(() => {}) // observed below; a failure must not go unhandled while the writes run
  const send = (request: GraphWorkerRequest, transfer: ArrayBuffer[] = []): void => worker.postMessage(request, transfer)
  try {
    const db = node.db
    const sourceId = node.sources.add({ name: 'karlsruhe', kind: 'folder', location: '/bench/karlsruhe' }).id
    const accessSet = new Map(Object.values(GROUPS).map((g) => [g, node.accessSets.intern([g])]))
    const insertEmbedding = db.prepare('INSERT INTO embeddings (model, chunk_id, vector) VALUES (?, ?, ?)')
    const chunkIdsOf = db.prepare('SELECT id FROM chunks WHERE document_id BETWEEN ? AND ? ORDER BY document_id, ord').pluck()
    let written = 0
    let lastReport = performance.now()
    for (let start = 0; start < plan.length; start += BATCH_DOCUMENTS) {
      const batch = plan.slice(start, start + BATCH_DOCUMENTS)
      const replacements: Replacement[] = batch.map(({ round, template }, i) => {
        const t = templates[template] as Template
        return {
          replaceId: null,
          prepared: {
            doc: {
              sourceId,
              path: `${round}/${t.id}.txt`,
              fileName: `${t.id}.txt`,
              title: t.title,
              mime: 'text/plain',
              size: Buffer.byteLength(t.text),
              mtimeMs: 0,
              contentHash: null,
              metadata: {},
              accessSetId: accessSet.get(groupOf(start + i)) as number,
              text: t.text,
              ocrPages: 0,
            },
            chunks: t.chunks,
            lexical: t.lexical,
            children: [],
          },
        }
      })
      const { ids, vectors } = db.transaction(() => {
        const docIds = node.writer.replaceMany(replacements)
        const chunkIds = chunkIdsOf.all(docIds[0], docIds.at(-1)) as number[]
        const vectors = new Float32Array(chunkIds.length * d)
        let p = 0
        for (const { template } of batch) {
          const t = templates[template] as Template
          for (let c = 0; c < t.chunks.length; c++) source.draw(t.cluster, vectors, p++)
        }
        if (p !== chunkIds.length) throw new Error(`expected ${p} chunk rows, found ${chunkIds.length}`)
        chunkIds.forEach((id, i) => {
          insertEmbedding.run(SYNTHETIC_MODEL, id, encodeVector(vectors.subarray(i * d, (i + 1) * d)))
        })
        return { ids: Int32Array.from(chunkIds), vectors }
      })()
      written += ids.length
      // transferred, not copied: ids and vectors are empty here afterwards
      send({ type: 'add', ids, vectors }, [ids.buffer as ArrayBuffer, vectors.buffer as ArrayBuffer])
      if (performance.now() - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = performance.now()
        progress(`written ${written}/${total} chunks, graph ${graphAdded}`, started)
      }
      // lets the worker's progress messages in
      await new Promise((resolve) => setImmediate(resolve))
    }
    const writeSeconds = (performance.now() - started) / 1000
    progress(`SQLite rows written (${written} chunks); waiting for the graph (${graphAdded} inserted)`, started)
    const vectors = node.dataDir.vectorsDir
    const file = join(vectors, `${modelSlug(SYNTHETIC_MODEL)}.hnsw`)
    const temp = `${file}.build-${process.pid}`
    const tailStarted = performance.now()
    const monitor = setInterval(() => progress(`graph ${graphAdded}/${total}`, started), PROGRESS_EVERY_MS)
    send({ type: 'finish', outFile: temp })
    const graph = await graphDone.finally(() => clearInterval(monitor))
    if (graph.count !== total) throw new Error(`graph holds ${graph.count} vectors, SQLite ${total}`)
    // the meta file a VectorIndex writes when it saves, so that a node's start() accepts the graph
    publishGraph(temp, file, join(vectors, `${modelSlug(SYNTHETIC_MODEL)}.meta.json`), {
      version: META_FORMAT_VERSION,
      model: SYNTHETIC_MODEL,
      dimensions: d,
      space: 'cosine',
      m: HNSW_M,
      efConstruction: init.efConstruction,
      count: graph.count,
      deletedIds: [],
      maxChunkId: graph.maxChunkId,
    })
    db.pragma('wal_checkpoint(TRUNCATE)')
    return {
      documents: plan.length,
      chunks: total,
      writeSeconds,
      graphTailSeconds: (performance.now() - tailStarted) / 1000,
      graphInsertSeconds: graph.insertSeconds,
      seconds: (performance.now() - started) / 1000,
    }
  } finally {
    await worker.terminate()
    await node.close()
  }
}

function progress(message: string, since: number): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} +${Math.round((performance.now() - since) / 1000)} s ${message}\n`)
}
