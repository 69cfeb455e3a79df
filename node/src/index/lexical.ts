import type { Statement } from 'better-sqlite3'
import { ValidationError } from '../errors.ts'
import { logger } from '../log.ts'
import type { Db } from '../store/db.ts'
import { type EncodedSpans, germanAnalyzer, type QueryFields, type TextAnalyzer, type TextSpan } from './analysis/index.ts'
import type { TermStatsSnapshot } from './term-stats.ts'

const log = logger('node:index:lexical')

/**
 * BM25 column weights (a match counts this many times a body match), tuned on bench/search.ts. Titles are
 * short and specific. Compound parts are weaker evidence than whole words. A word in the exact form of the
 * query counts again on top of its stem, which ranks the passage that uses the query's very words first
 * (known-item search: Karlsruhe MRR@10 +0.002 to +0.004, XQuAD unchanged).
 */
export const TITLE_WEIGHT = 2
export const BODY_WEIGHT = 1
export const PARTS_WEIGHT = 0.5
export const EXACT_WEIGHT = 1
/**
 * Neighbouring query words found within this many terms of each other score again (FTS5 NEAR), a cheap form
 * of term-dependence ranking that lifts passages containing the query's phrases (Karlsruhe MRR@10 +0.013,
 * XQuAD +0.002). 0 switches it off.
 */
export const PROXIMITY_WINDOW_TERMS = 3
/** At most this many neighbouring word pairs of a query are checked for proximity. */
export const MAX_PROXIMITY_PAIRS = 12
/**
 * Common-terms cut-off (after Lucene's CommonTermsQuery): on an index of at least COMMON_TERMS_MIN_CHUNKS
 * chunks, a query term found in more than this fraction of all chunks is dropped when the query has rarer
 * terms. Such terms carry little weight (BM25 idf near zero) but make FTS5 score a large part of the index.
 */
export const COMMON_TERM_DF_FRACTION = 0.1
export const COMMON_TERMS_MIN_CHUNKS = 100_000
/**
 * Work bound per query: terms are taken rarest first until their document frequencies add up to this many
 * postings. FTS5 scores every chunk that matches any term (1–2 µs each with our phrases), so this caps a
 * query's cost at any index size. Measured (bench/search.ts --scale): at a million chunks p95 about 40 ms
 * instead of 3 s unbounded; on Karlsruhe (30,000 chunks) MRR@10 moves by less than ±0.001 between 15,000
 * postings and no bound.
 */
export const MAX_QUERY_POSTINGS = 15_000
/** A pasted paragraph is not a query: at most this many of its terms (the rarest) are looked up. */
export const MAX_QUERY_TERMS = 48
/** Upper bound on a search's result count; callers ask for candidates, not for everything. */
export const MAX_SEARCH_LIMIT = 10_000
/** Document frequencies and the chunk count are re-read after this long (they drift slowly). */
const STATS_TTL_MS = 60_000
/** Prepared search statements kept, one per distinct filter SQL. */
const STATEMENT_CACHE_ENTRIES = 64
/** Document frequencies kept in memory. */
const DF_CACHE_ENTRIES = 50_000

export interface LexicalIndexInit {
  /** the German analyser by default; benchmarks pass a plain one for their baseline */
  analyzer?: TextAnalyzer
  titleWeight?: number
  bodyWeight?: number
  partsWeight?: number
  exactWeight?: number
  /** see PROXIMITY_WINDOW_TERMS; 0 = off */
  proximityWindow?: number
  /** fraction of chunks above which a query term counts as common; 1 = never */
  commonTermFraction?: number
  /** the cut-off applies only to indexes with at least this many chunks */
  commonTermsMinChunks?: number
  /** see MAX_QUERY_POSTINGS */
  maxQueryPostings?: number
  /** the number of chunks, kept current by the caller (the node's chunk catalogue); absent: counted in SQL */
  chunkCount?: () => number
}

export interface LexicalSearchOptions {
  limit: number
  /** boolean SQL over the aliases c (chunks) and d (documents), ANDed into the search: access sets, filters */
  where?: { sql: string; params: unknown[] }
}

export interface LexicalHit {
  chunkId: number
  /** higher is better (negated FTS5 bm25) */
  score: number
}

/** The analysed columns of one chunk, as FTS5 stores them (space-separated terms). */
export interface LexicalEntry {
  title: string
  body: string
  parts: string
  exact: string
}

/**
 * Analyses one chunk for the index. Pure and synchronous: the CPU-heavy half of indexing, which an ingest
 * pipeline may run ahead of its write transaction or in a worker thread; addAnalyzed() does the write.
 */
export function analyzeChunk(analyzer: TextAnalyzer, title: string, body: string): LexicalEntry {
  return analyzeBody(analyzer, analyzer.analyzeForIndex(title).join(' '), body)
}

/** analyzeChunk for all chunks of one document: its title is analysed once, not once per chunk. */
export function analyzeChunks(analyzer: TextAnalyzer, title: string, bodies: readonly string[]): LexicalEntry[] {
  const titleTerms = analyzer.analyzeForIndex(title).join(' ')
  return bodies.map((body) => analyzeBody(analyzer, titleTerms, body))
}

/**
 * The lexical entries of a document's chunks, given as spans of its text, in the form the ingest hands them
 * to the index: UTF-8 bytes in one buffer (see EncodedSpans; prefix = the title's terms), which a worker
 * thread can transfer to the writer without copying, and which FTS5 reads as the same text. The text is
 * analysed once, so the overlap between neighbouring chunks (a fifth of all chunk text) is analysed once too.
 * Undefined for analysers that cannot encode (the writer then analyses the chunks itself).
 */
export function encodeDocumentChunks(analyzer: TextAnalyzer, title: string, text: string, spans: readonly TextSpan[]): EncodedSpans | undefined {
  return analyzer.encodeSpans?.(text, spans, analyzer.analyzeForIndex(title).join(' '))
}

/** The number of chunks an encoded document holds (see EncodedSpans). */
export function encodedChunkCount(encoded: EncodedSpans): number {
  return (encoded.offsets.length - 2) / 6
}

function analyzeBody(analyzer: TextAnalyzer, titleTerms: string, body: string): LexicalEntry {
  const fields = analyzer.analyzeFields?.(body)
  if (fields === undefined) return { title: titleTerms, body: analyzer.analyzeForIndex(body).join(' '), parts: '', exact: '' }
  return { title: titleTerms, body: fields.words.join(' '), parts: fields.parts.join(' '), exact: fields.exact.join(' ') }
}

interface Cached<T> {
  value: T
  at: number
}

/**
 * The lexical (BM25) index: SQLite FTS5 over German-analysed terms (see analysis/). FTS5 keeps the index
 * transactional with the rest of the store, so a crash never leaves a chunk half indexed. Writes join the
 * caller's transaction; the table is contentless and receives only terms, never the text itself.
 */
export class LexicalIndex {
  readonly #db: Db
  readonly #analyzer: TextAnalyzer
  readonly #weights: string
  readonly #proximityWindow: number
  readonly #commonFraction: number
  readonly #commonMinChunks: number
  readonly #maxPostings: number
  readonly #liveChunkCount: (() => number) | undefined
  readonly #insert: Statement
  readonly #delete: Statement
  readonly #documentFrequency: Statement
  readonly #chunkCount: Statement
  readonly #searches = new Map<string, Statement>()
  readonly #dfCache = new Map<string, Cached<number>>()
  #chunks: Cached<number> | undefined
  /** frequent terms' document frequencies from a background scan (see useTermStats) */
  #stats: { frequencies: Map<string, number> } | undefined

  /** true when entries analysed elsewhere with germanAnalyzer() (see analyzeChunk) fit this index */
  readonly usesDefaultAnalyzer: boolean

  constructor(db: Db, init: LexicalIndexInit = {}) {
    this.#db = db
    this.usesDefaultAnalyzer = init.analyzer === undefined
    this.#analyzer = init.analyzer ?? germanAnalyzer()
    // inlined into SQL: validated numbers only
    this.#weights = [
      weight(init.titleWeight ?? TITLE_WEIGHT, 'titleWeight'),
      weight(init.bodyWeight ?? BODY_WEIGHT, 'bodyWeight'),
      weight(init.partsWeight ?? PARTS_WEIGHT, 'partsWeight'),
      weight(init.exactWeight ?? EXACT_WEIGHT, 'exactWeight'),
    ].join(', ')
    this.#proximityWindow = Math.max(0, Math.floor(init.proximityWindow ?? PROXIMITY_WINDOW_TERMS))
    this.#commonFraction = init.commonTermFraction ?? COMMON_TERM_DF_FRACTION
    this.#commonMinChunks = init.commonTermsMinChunks ?? COMMON_TERMS_MIN_CHUNKS
    this.#maxPostings = init.maxQueryPostings ?? MAX_QUERY_POSTINGS
    this.#liveChunkCount = init.chunkCount
    this.#insert = db.prepare('INSERT OR REPLACE INTO chunk_fts (rowid, title, body, parts, exact) VALUES (?, ?, ?, ?, ?)')
    this.#delete = db.prepare('DELETE FROM chunk_fts WHERE rowid = ?')
    this.#documentFrequency = db.prepare('SELECT doc FROM chunk_fts_vocab WHERE term = ?').pluck()
    this.#chunkCount = db.prepare('SELECT count(*) FROM chunks').pluck()
  }

  /** Indexes (or re-indexes) one chunk. Runs inside the caller's transaction when there is one. */
  add(chunkId: number, title: string, body: string): void {
    this.addAnalyzed(chunkId, analyzeChunk(this.#analyzer, title, body))
  }

  /** The analysed columns of a chunk, with this index's analyser (see analyzeChunk). */
  analyze(title: string, body: string): LexicalEntry {
    return analyzeChunk(this.#analyzer, title, body)
  }

  /** Indexes a chunk analysed beforehand with analyzeChunk (outside the transaction, or in a worker). */
  addAnalyzed(chunkId: number, entry: LexicalEntry): void {
    this.#insert.run(chunkId, entry.title, entry.body, entry.parts, entry.exact)
  }

  /**
   * Indexes chunk `index` of a document encoded with encodeDocumentChunks (with germanAnalyzer()). The
   * columns are bound as UTF-8 blobs, which FTS5 tokenises as text: the same index entries as addAnalyzed,
   * without building strings on this thread.
   */
  addEncoded(chunkId: number, encoded: EncodedSpans, index: number): void {
    const { bytes, offsets } = encoded
    const at = 2 + 6 * index
    const field = (i: number): Uint8Array => bytes.subarray(offsets[i] as number, offsets[i + 1] as number)
    this.#insert.run(chunkId, field(0), field(at), field(at + 2), field(at + 4))
  }

  remove(chunkIds: Iterable<number>): void {
    for (const id of chunkIds) this.#delete.run(id)
  }

  /**
   * The analysed query after the common-terms cut-off and the postings budget (also for explanations and
   * tests). Terms are considered rarest first; exact forms compete with stems for the same budget.
   */
  queryFields(query: string): QueryFields {
    const fields = this.#analyzer.analyzeQueryFields?.(query) ?? { terms: this.#analyzer.analyzeQuery(query), exact: [], sequence: [] }
    if (fields.terms.length === 0) return fields
    const chunks = this.#liveChunkCount?.() ?? this.#cachedChunkCount()
    const cutOff = chunks >= this.#commonMinChunks && this.#commonFraction < 1
    const total = fields.terms.length + fields.exact.length
    // small indexes and short queries: every term, without looking up frequencies
    if (!cutOff && total <= MAX_QUERY_TERMS && chunks * total <= this.#maxPostings) return fields
    const maxDf = cutOff ? this.#commonFraction * chunks : Number.POSITIVE_INFINITY
    const candidates = [
      ...fields.terms.map((term) => ({ term, exact: false, df: this.#df(term) })),
      ...fields.exact.map((term) => ({ term, exact: true, df: this.#df(term) })),
    ].filter((c) => c.df > 0)
    candidates.sort((a, b) => a.df - b.df)
    const terms: string[] = []
    const exact: string[] = []
    let postings = 0
    for (const c of candidates) {
      const first = terms.length === 0 && !c.exact
      // a query of common terms only still searches with its rarest stem
      if (!first && (c.df > maxDf || postings + c.df > this.#maxPostings || terms.length + exact.length >= MAX_QUERY_TERMS)) continue
      postings += c.df
      if (c.exact) exact.push(c.term)
      else terms.push(c.term)
    }
    return { terms, exact, sequence: fields.sequence }
  }

  search(query: string, options: LexicalSearchOptions): LexicalHit[] {
    const limit = Math.floor(options.limit)
    if (!(limit > 0)) return []
    if (limit > MAX_SEARCH_LIMIT) throw new ValidationError(`limit über ${MAX_SEARCH_LIMIT}`)
    const match = this.#matchExpression(this.queryFields(query))
    if (match === '') return []
    const statement = this.#statement(options.where?.sql.trim() ?? '')
    const rows = statement.all(match, ...(options.where?.params ?? []), limit) as Array<[number, number]>
    log.trace('lexical search', { hits: rows.length })
    return rows.map(([chunkId, score]) => ({ chunkId, score }))
  }

  /**
   * FTS5 query: stems and parts in the title, body and parts columns, exact words in the exact column, and a
   * NEAR group per neighbouring word pair, all ORed. Terms hold only letters, digits and '_', so quoting
   * makes each a plain token for FTS5, never an operator.
   */
  #matchExpression(fields: QueryFields): string {
    if (fields.terms.length === 0) return ''
    const quoted = (terms: readonly string[]): string => terms.map((t) => `"${t}"`).join(' OR ')
    if (this.#analyzer.analyzeFields === undefined) return quoted(fields.terms)
    const clauses = [`{title body parts} : (${quoted(fields.terms)})`]
    if (fields.exact.length > 0) clauses.push(`exact : (${quoted(fields.exact)})`)
    if (this.#proximityWindow > 0) {
      const kept = new Set(fields.terms)
      const pairs = new Set<string>()
      for (let i = 1; i < fields.sequence.length && pairs.size < MAX_PROXIMITY_PAIRS; i++) {
        const a = fields.sequence[i - 1] as string
        const b = fields.sequence[i] as string
        if (a !== b && kept.has(a) && kept.has(b)) pairs.add(`{title body} : NEAR("${a}" "${b}", ${this.#proximityWindow})`)
      }
      clauses.push(...pairs)
    }
    return clauses.join(' OR ')
  }

  /**
   * The search statement for one filter. FTS5 orders its matches by rank (bm25 with our weights) itself, and
   * SQLite joins chunks and documents in that order until `limit` rows pass the filter, so only those rows
   * and the ones filtered out before them are looked up (at a million chunks that halves the time compared
   * with joining every match before sorting).
   */
  #statement(whereSql: string): Statement {
    let statement = this.#searches.get(whereSql)
    if (statement !== undefined) {
      // keep recently used statements last in Map order, so that eviction drops the least recently used
      this.#searches.delete(whereSql)
      this.#searches.set(whereSql, statement)
      return statement
    }
    const documents = /\bd\./.test(whereSql) ? 'JOIN documents d ON d.id = c.document_id' : ''
    statement = this.#db
      .prepare(
        `SELECT f.rowid, -f.rank FROM chunk_fts f
        JOIN chunks c ON c.id = f.rowid ${documents}
        WHERE chunk_fts MATCH ? AND rank MATCH 'bm25(${this.#weights})'${whereSql === '' ? '' : ` AND (${whereSql})`}
        ORDER BY f.rank
        LIMIT ?`,
      )
      .raw()
    if (this.#searches.size >= STATEMENT_CACHE_ENTRIES) {
      const oldest = this.#searches.keys().next().value
      if (oldest !== undefined) this.#searches.delete(oldest)
    }
    this.#searches.set(whereSql, statement)
    return statement
  }

  /**
   * Takes document frequencies of the frequent terms from a background scan (readTermStats). Until then, and
   * for indexes without one, each query term's frequency is looked up when needed; fts5vocab counts the term's
   * whole posting list for that (about 60 ms for a term in half of a million chunks), which made the first
   * queries after a quiet minute slow. The snapshot ages with the index; the node renews it after ingest runs.
   */
  useTermStats(snapshot: TermStatsSnapshot): void {
    const frequencies = new Map<string, number>()
    for (let i = 0; i < snapshot.terms.length; i++) frequencies.set(snapshot.terms[i] as string, snapshot.frequencies[i] as number)
    this.#stats = { frequencies }
  }

  /**
   * A term's document frequency: frequent terms from the snapshot; the others are looked up, which is cheap
   * for them (their posting lists are short: below the snapshot's floor).
   */
  #df(term: string): number {
    return this.#stats?.frequencies.get(term) ?? this.#cachedDf(term)
  }

  #cachedChunkCount(): number {
    const now = Date.now()
    if (this.#chunks === undefined || now - this.#chunks.at > STATS_TTL_MS) {
      this.#chunks = { value: this.#chunkCount.get() as number, at: now }
    }
    return this.#chunks.value
  }

  #cachedDf(term: string): number {
    const now = Date.now()
    const cached = this.#dfCache.get(term)
    if (cached !== undefined && now - cached.at <= STATS_TTL_MS) return cached.value
    if (this.#dfCache.size >= DF_CACHE_ENTRIES) this.#dfCache.clear()
    const value = (this.#documentFrequency.get(term) as number | undefined) ?? 0
    this.#dfCache.set(term, { value, at: now })
    return value
  }
}

function weight(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new ValidationError(`${name} muss eine positive Zahl sein`)
  return value
}
