/**
 * Retrieval quality and speed of the lexical index (npm run bench:search).
 *
 * Datasets (read from ../shared/data, see its README): XQuAD-de (German questions, and the same questions in
 * English) and Karlsruhe council papers (subject line → the paper's PDFs). Each is indexed through
 * LexicalIndex in a temporary SQLite database twice: with the German analyser (ours) and with plain lower-case
 * tokens (baseline: same FTS5 engine and column weights, no folding, stopwords, stemming or compounds). Two
 * more rows show what the work bounds for large indexes cost in quality: ours without any bound, and ours with
 * the common-terms cut-off forced on (it normally starts at COMMON_TERMS_MIN_CHUNKS chunks).
 *
 * Usage: node --import tsx bench/search.ts [--dataset xquad|karlsruhe] [--title-weight N] [--scale CHUNKS]
 * --scale additionally measures query latency on the Karlsruhe chunks written again and again up to CHUNKS
 * (e.g. 1000000; takes minutes and about 1 GB of temporary disk per million chunks).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { GermanAnalyzer, type TextAnalyzer } from '../node/src/index/analysis/index.ts'
import { germanLexicon } from '../node/src/index/analysis/lexicon.ts'
import {
  COMMON_TERM_DF_FRACTION,
  LexicalIndex,
  type LexicalIndexInit,
  MAX_QUERY_POSTINGS,
  TITLE_WEIGHT,
} from '../node/src/index/lexical.ts'
import { setQuiet } from '../node/src/log.ts'
import { type Db, openDatabase } from '../node/src/store/db.ts'
import { paragraphChunks } from './lib/chunks.ts'
import { type CorpusDoc, dataFile, missingFiles, type Query, readJsonl } from './lib/data.ts'
import { lexicalScale } from './lib/lexical-scale.ts'
import { mean, ndcgAt, percentile, reciprocalRankAt } from './lib/metrics.ts'
import { PlainAnalyzer } from './lib/plain-analyzer.ts'

const CUTOFF_K = 10
/** Chunks fetched per Karlsruhe query before they are folded into documents (max score per document). */
const KARLSRUHE_CHUNK_CANDIDATES = 100
const KARLSRUHE_CHUNK_CHARS = 1500
const KARLSRUHE_OVERLAP_CHARS = 200
const BYTES_PER_MB = 1_000_000
/** Karlsruhe title queries timed at --scale (each twice: unfiltered and with an access filter). */
const SCALE_QUERIES = 100

interface Dataset {
  name: string
  corpus: string
  querySets: Array<{ label: string; file: string }>
  /** split a document into chunk texts; undefined = one chunk per document */
  chunk?: (text: string) => string[]
  candidates: number
}

interface Row {
  dataset: string
  engine: string
  queries: number
  mrr: number
  ndcg: number
  indexMBs: number | null
  /** the same per CPU second of this process: steadier than wall time on a shared machine */
  indexCpuMBs: number | null
  /** size of the SQLite file (whole store: FTS index plus the minimal document and chunk rows) */
  diskMB: number | null
  p50: number
  p95: number
}

interface BuiltIndex {
  db: Db
  dir: string
  /** corpus document id of each chunk id */
  docOfChunk: Map<number, string>
  seconds: number
  cpuSeconds: number
  bytes: number
  diskBytes: number
}

const args = parseArgs(process.argv.slice(2))
setQuiet(true)

const DATASETS: Dataset[] = [
  {
    name: 'XQuAD-de',
    corpus: dataFile('xquad-de', 'corpus.jsonl'),
    querySets: [
      { label: 'de', file: dataFile('xquad-de', 'queries.jsonl') },
      { label: 'en→de', file: dataFile('xquad-de', 'queries_en.jsonl') },
    ],
    candidates: CUTOFF_K,
  },
  {
    name: 'Karlsruhe',
    corpus: dataFile('karlsruhe-oparl', 'corpus.jsonl'),
    querySets: [{ label: 'title', file: dataFile('karlsruhe-oparl', 'queries_title.jsonl') }],
    chunk: (text) => paragraphChunks(text, KARLSRUHE_CHUNK_CHARS, KARLSRUHE_OVERLAP_CHARS),
    candidates: KARLSRUHE_CHUNK_CANDIDATES,
  },
]

function main(): void {
  const rows: Row[] = []
  const notes: string[] = []
  /** runs after the table is printed (the scale test takes minutes) */
  const later: Array<() => void> = []
  // loaded once per process; timed apart so that indexing figures are not dominated by it on small corpora
  const started = performance.now()
  const lexicon = germanLexicon()
  notes.push(`German word list loaded once per process: ${lexicon.size} compound parts in ${Math.round(performance.now() - started)} ms`)
  for (const dataset of DATASETS) {
    if (args.dataset !== undefined && !dataset.name.toLowerCase().startsWith(args.dataset)) continue
    const missing = missingFiles(dataset.corpus, ...dataset.querySets.map((q) => q.file))
    if (missing.length > 0) {
      notes.push(`${dataset.name} skipped: missing ${missing.join(', ')}`)
      continue
    }
    const docs = readJsonl<CorpusDoc>(dataset.corpus)
    const querySets = dataset.querySets.map((q) => ({ label: q.label, queries: readJsonl<Query>(q.file) }))
    const weights: LexicalIndexInit = { titleWeight: args.titleWeight ?? TITLE_WEIGHT }

    const engines: Array<{ name: string; analyzer: TextAnalyzer; variants: Array<{ name: string; init: LexicalIndexInit }> }> = [
      {
        name: 'ours (German analysis)',
        analyzer: new GermanAnalyzer(),
        variants: [
          { name: 'ours (German analysis)', init: weights },
          {
            name: 'ours without work bounds',
            init: { ...weights, maxQueryPostings: Number.POSITIVE_INFINITY, commonTermFraction: 1 },
          },
          {
            name: `ours + common-terms cut-off ${COMMON_TERM_DF_FRACTION * 100}%`,
            init: { ...weights, commonTermFraction: COMMON_TERM_DF_FRACTION, commonTermsMinChunks: 0 },
          },
          // --postings N: the same with another work bound, to see what a tighter bound costs in quality
          ...(args.postings === undefined ? [] : [{ name: `ours, work bound ${args.postings} postings`, init: { ...weights, maxQueryPostings: args.postings } }]),
        ],
      },
      { name: 'baseline (plain BM25)', analyzer: new PlainAnalyzer(), variants: [{ name: 'baseline (plain BM25)', init: weights }] },
    ]
    for (const engine of engines) {
      const built = buildIndex(docs, engine.analyzer, dataset.chunk)
      try {
        for (const [v, variant] of engine.variants.entries()) {
          const index = new LexicalIndex(built.db, { ...variant.init, analyzer: engine.analyzer })
          for (const { label, queries } of querySets) {
            const result = evaluate(index, built, queries, dataset.candidates)
            rows.push({
              dataset: `${dataset.name} ${label}`,
              engine: variant.name,
              queries: queries.length,
              ...result,
              indexMBs: v === 0 ? built.bytes / BYTES_PER_MB / built.seconds : null,
              indexCpuMBs: v === 0 ? built.bytes / BYTES_PER_MB / built.cpuSeconds : null,
              diskMB: v === 0 ? built.diskBytes / BYTES_PER_MB : null,
            })
          }
        }
      } finally {
        built.db.close()
        rmSync(built.dir, { recursive: true, force: true })
      }
    }
    if (dataset.name === 'Karlsruhe') notes.push(analyserThroughput(docs))
    if (dataset.name === 'Karlsruhe' && args.scale !== undefined) {
      const queries = querySets[0]?.queries.slice(0, SCALE_QUERIES) ?? []
      const scale = args.scale
      later.push(() =>
        lexicalScale(docs, queries, scale, {
          'ours (default bounds)': weights,
          'ours without work bounds': { ...weights, maxQueryPostings: Number.POSITIVE_INFINITY, commonTermFraction: 1 },
        }),
      )
    }
  }
  printTable(rows)
  const cutOff = COMMON_TERM_DF_FRACTION * 100
  console.log(`ours: work bound ${MAX_QUERY_POSTINGS} postings per query; cut-off: terms in over ${cutOff}% of chunks`)
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
  console.log(`load average at the end: ${load} (timings are comparable only within one run)`)
  for (const note of notes) console.log(note)
  for (const run of later) run()
}

function buildIndex(docs: CorpusDoc[], analyzer: TextAnalyzer, chunk: ((text: string) => string[]) | undefined): BuiltIndex {
  const dir = mkdtempSync(join(tmpdir(), 'wissensnetz-bench-search-'))
  const db = openDatabase(join(dir, 'bench.db'))
  db.exec(`INSERT INTO sources (id, name, kind, location) VALUES (1, 'bench', 'folder', '/bench');
    INSERT INTO access_sets (id, principals) VALUES (1, '["*"]');`)
  const index = new LexicalIndex(db, { analyzer })
  const insertDoc = db.prepare(`INSERT INTO documents (id, source_id, path, file_name, title, status, access_set_id)
    VALUES (?, 1, ?, ?, ?, 'indexed', 1)`)
  const insertChunk = db.prepare(`INSERT INTO chunks (id, document_id, ord, start_offset, end_offset, access_set_id)
    VALUES (?, ?, ?, 0, 0, 1)`)
  const docOfChunk = new Map<number, string>()
  let bytes = 0
  let chunkId = 0
  const started = performance.now()
  const cpu = process.cpuUsage()
  db.transaction(() => {
    docs.forEach((doc, i) => {
      const docId = i + 1
      bytes += Buffer.byteLength(doc.title) + Buffer.byteLength(doc.text)
      insertDoc.run(docId, doc.id, doc.id, doc.title)
      const texts = chunk === undefined ? [doc.text] : chunk(doc.text)
      texts.forEach((text, ord) => {
        chunkId++
        insertChunk.run(chunkId, docId, ord)
        index.add(chunkId, doc.title, text)
        docOfChunk.set(chunkId, doc.id)
      })
    })
  })()
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const cpuSeconds = (used.user + used.system) / 1e6
  db.pragma('wal_checkpoint(TRUNCATE)')
  return { db, dir, docOfChunk, seconds, cpuSeconds, bytes, diskBytes: statSync(join(dir, 'bench.db')).size }
}

type Quality = Pick<Row, 'mrr' | 'ndcg' | 'p50' | 'p95'>

function evaluate(index: LexicalIndex, built: BuiltIndex, queries: Query[], candidates: number): Quality {
  const rr: number[] = []
  const ndcg: number[] = []
  const ms: number[] = []
  for (const q of queries) {
    const started = performance.now()
    const hits = index.search(q.query, { limit: candidates })
    ms.push(performance.now() - started)
    // several chunks of one document: the document ranks by its best chunk (hits are sorted by score)
    const ranked: string[] = []
    const seen = new Set<string>()
    for (const hit of hits) {
      const doc = built.docOfChunk.get(hit.chunkId) as string
      if (!seen.has(doc)) {
        seen.add(doc)
        ranked.push(doc)
      }
    }
    const relevant = new Set(q.relevant)
    rr.push(reciprocalRankAt(CUTOFF_K, ranked, relevant))
    ndcg.push(ndcgAt(CUTOFF_K, ranked, relevant))
  }
  return { mrr: mean(rr), ndcg: mean(ndcg), p50: percentile(ms, 50), p95: percentile(ms, 95) }
}

/** The analyser alone on the Karlsruhe texts: first pass (cold cache, word list loaded) and a repeat. */
function analyserThroughput(docs: CorpusDoc[]): string {
  const analyzer = new GermanAnalyzer()
  const bytes = docs.reduce((sum, d) => sum + Buffer.byteLength(d.text), 0)
  const pass = (): number => {
    const started = performance.now()
    for (const doc of docs) analyzer.analyzeForIndex(doc.text)
    return bytes / BYTES_PER_MB / ((performance.now() - started) / 1000)
  }
  const cold = pass()
  const warm = pass()
  const mb = (bytes / BYTES_PER_MB).toFixed(1)
  return `German analyser alone on Karlsruhe (${mb} MB): ${cold.toFixed(1)} MB/s first pass, ${warm.toFixed(1)} MB/s repeated`
}

function printTable(rows: Row[]): void {
  const header = ['dataset', 'engine', 'queries', 'MRR@10', 'nDCG@10', 'index MB/s', 'MB/CPU-s', 'disk MB', 'p50 ms', 'p95 ms']
  const body = rows.map((r) => [
    r.dataset,
    r.engine,
    String(r.queries),
    r.mrr.toFixed(3),
    r.ndcg.toFixed(3),
    r.indexMBs === null ? '(same)' : r.indexMBs.toFixed(2),
    r.indexCpuMBs === null ? '(same)' : r.indexCpuMBs.toFixed(2),
    r.diskMB === null ? '(same)' : r.diskMB.toFixed(1),
    r.p50.toFixed(2),
    r.p95.toFixed(2),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)))
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`
  console.log(line(header))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const b of body) console.log(line(b))
}

function parseArgs(argv: string[]): { dataset?: string; titleWeight?: number; scale?: number; postings?: number } {
  const out: { dataset?: string; titleWeight?: number; scale?: number; postings?: number } = {}
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dataset') out.dataset = argv[++i]?.toLowerCase()
    else if (argv[i] === '--title-weight') out.titleWeight = Number(argv[++i])
    else if (argv[i] === '--scale') out.scale = Number(argv[++i])
    else if (argv[i] === '--postings') out.postings = Number(argv[++i])
  }
  return out
}

main()
