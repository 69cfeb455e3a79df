import type { Statement } from 'better-sqlite3'
import { ValidationError } from '../errors.ts'
import { logger } from '../log.ts'
import type { Db } from '../store/db.ts'
import { germanAnalyzer, type TextAnalyzer } from './analysis/index.ts'

const log = logger('node:index:lexical')

/**
 * BM25 column weights: a match in the title counts this many times a match in the body. Tuned on the
 * benchmarks in bench/search.ts (Karlsruhe titles are generic, "Beschlussvorlage"; XQuAD titles are English
 * article names), where values between 1 and 4 differ by less than 0.005 MRR.
 */
export const TITLE_WEIGHT = 2
export const BODY_WEIGHT = 1
export const PARTS_WEIGHT = 0.5
/**
 * Lucene-style common-terms handling: on an index of at least COMMON_TERMS_MIN_CHUNKS chunks, a query term
 * found in more than this fraction of all chunks is dropped when the query has rarer terms. Such terms add
 * little to the ranking (BM25 idf near zero) but make FTS5 score hundreds of thousands of rows.
 */
export const COMMON_TERM_DF_FRACTION = 0.05
export const COMMON_TERMS_MIN_CHUNKS = 50_000
/** A pasted paragraph is not a query: only this many of its terms (the rarest) are looked up. */
export const MAX_QUERY_TERMS = 48
/** Neighbouring query words found within this many terms of each other score again (0 = off). */
export const PROXIMITY_WINDOW_TERMS = 0
/** At most this many word pairs of a query get a proximity boost. */
const MAX_PROXIMITY_PAIRS = 12
/** Document frequencies and the chunk count are re-read after this long (they drift slowly). */
const STATS_TTL_MS = 60_000
/** Prepared search statements kept, one per distinct filter SQL. */
const STATEMENT_CACHE_ENTRIES = 64
/** Document frequencies kept in memory. */
const DF_CACHE_ENTRIES = 50_000
/** Upper bound on a search's result count; callers ask for candidates, not for everything. */
export const MAX_SEARCH_LIMIT = 10_000

export interface LexicalIndexInit {
  /** the German analyser by default; benchmarks pass a plain one for their baseline */
  analyzer?: TextAnalyzer
  titleWeight?: number
  bodyWeight?: number
  partsWeight?: number
  /** fraction of chunks above which a query term counts as common; 1 switches the cut-off off */
  commonTermFraction?: number
  /** the cut-off applies only to indexes with at least this many chunks */
  commonTermsMinChunks?: number
  /** boost chunks where neighbouring query words occur within this many terms of each other; 0 = off */
  proximityWindow?: number
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
  readonly #titleWeight: number
  readonly #bodyWeight: number
  readonly #partsWeight: number
  readonly #commonFraction: number
  readonly #commonMinChunks: number
  readonly #proximityWindow: number
  readonly #insert: Statement
  readonly #delete: Statement
  readonly #documentFrequency: Statement
  readonly #chunkCount: Statement
  readonly #searches = new Map<string, Statement>()
  readonly #dfCache = new Map<string, Cached<number>>()
  #chunks: Cached<number> | undefined

  constructor(db: Db, init: LexicalIndexInit = {}) {
    this.#db = db
    this.#analyzer = init.analyzer ?? germanAnalyzer()
    this.#titleWeight = positive(init.titleWeight ?? TITLE_WEIGHT, 'titleWeight')
    this.#bodyWeight = positive(init.bodyWeight ?? BODY_WEIGHT, 'bodyWeight')
    this.#partsWeight = positive(init.partsWeight ?? PARTS_WEIGHT, 'partsWeight')
    this.#commonFraction = init.commonTermFraction ?? COMMON_TERM_DF_FRACTION
    this.#commonMinChunks = init.commonTermsMinChunks ?? COMMON_TERMS_MIN_CHUNKS
    this.#proximityWindow = init.proximityWindow ?? PROXIMITY_WINDOW_TERMS
    this.#insert = db.prepare('INSERT OR REPLACE INTO chunk_fts (rowid, title, body, parts) VALUES (?, ?, ?, ?)')
    this.#delete = db.prepare('DELETE FROM chunk_fts WHERE rowid = ?')
    this.#documentFrequency = db.prepare('SELECT doc FROM chunk_fts_vocab WHERE term = ?').pluck()
    // the averages record of FTS5 would be O(1) but is internal; counting chunks is cheap and cached
    this.#chunkCount = db.prepare('SELECT count(*) FROM chunks').pluck()
  }

  /** Indexes (or re-indexes) one chunk. Runs inside the caller's transaction when there is one. */
  add(chunkId: number, title: string, body: string): void {
    const titleTerms = this.#analyzer.analyzeForIndex(title).join(' ')
    if (this.#analyzer.analyzeFields === undefined) {
      this.#insert.run(chunkId, titleTerms, this.#analyzer.analyzeForIndex(body).join(' '), '')
      return
    }
    const { words, parts } = this.#analyzer.analyzeFields(body)
    this.#insert.run(chunkId, titleTerms, words.join(' '), parts.join(' '))
  }

  remove(chunkIds: Iterable<number>): void {
    for (const id of chunkIds) this.#delete.run(id)
  }

  /** The terms a query is searched with, after analysis and the common-terms cut-off (also for explanations). */
  queryTerms(query: string): string[] {
    const terms = this.#analyzer.analyzeQuery(query)
    if (terms.length === 0) return terms
    const chunks = this.#cachedChunkCount()
    const cutOff = chunks >= this.#commonMinChunks && this.#commonFraction < 1
    if (!cutOff && terms.length <= MAX_QUERY_TERMS) return terms
    const withDf = terms.map((term) => ({ term, df: this.#cachedDf(term) })).filter((t) => t.df > 0)
    withDf.sort((a, b) => a.df - b.df)
    let kept = withDf
    if (cutOff) {
      const limit = this.#commonFraction * chunks
      const rare = withDf.filter((t) => t.df <= limit)
      // only common terms: keep the rarest of them rather than nothing
      kept = rare.length > 0 ? rare : withDf.slice(0, 1)
    }
    return kept.slice(0, MAX_QUERY_TERMS).map((t) => t.term)
  }

  search(query: string, options: LexicalSearchOptions): LexicalHit[] {
    const limit = Math.floor(options.limit)
    if (!(limit > 0)) return []
    if (limit > MAX_SEARCH_LIMIT) throw new ValidationError(`limit über ${MAX_SEARCH_LIMIT}`)
    const terms = this.queryTerms(query)
    if (terms.length === 0) return []
    // terms hold only letters, digits and '_': quoting makes each a plain token for FTS5, never an operator
    const clauses = terms.map((term) => `"${term}"`)
    if (this.#proximityWindow > 0) clauses.push(...this.#proximityClauses(query, new Set(terms)))
    const match = clauses.join(' OR ')
    const where = options.where
    const statement = this.#searchStatement(where?.sql.trim() ?? '')
    const rows = statement.all(match, ...(where?.params ?? []), limit) as Array<[number, number]>
    log.trace('lexical search', { terms: terms.length, hits: rows.length })
    return rows.map(([chunkId, score]) => ({ chunkId, score }))
  }

  /** NEAR groups for neighbouring query words: a passage that has them close together scores their idf again. */
  #proximityClauses(query: string, kept: Set<string>): string[] {
    const sequence = this.#analyzer.querySequence?.(query) ?? []
    const pairs = new Set<string>()
    for (let i = 1; i < sequence.length && pairs.size < MAX_PROXIMITY_PAIRS; i++) {
      const a = sequence[i - 1] as string
      const b = sequence[i] as string
      if (a !== b && kept.has(a) && kept.has(b)) pairs.add(`NEAR("${a}" "${b}", ${this.#proximityWindow})`)
    }
    return [...pairs]
  }

  #searchStatement(whereSql: string): Statement {
    let statement = this.#searches.get(whereSql)
    if (statement !== undefined) {
      // keep recently used statements at the end (Map order) so that eviction drops the oldest
      this.#searches.delete(whereSql)
      this.#searches.set(whereSql, statement)
      return statement
    }
    const joinDocuments = /\bd\./.test(whereSql)
    statement = this.#db
      .prepare(
        `SELECT chunk_fts.rowid, -bm25(chunk_fts, ${this.#titleWeight}, ${this.#bodyWeight}, ${this.#partsWeight}) AS score
        FROM chunk_fts
        JOIN chunks c ON c.id = chunk_fts.rowid
        ${joinDocuments ? 'JOIN documents d ON d.id = c.document_id' : ''}
        WHERE chunk_fts MATCH ?${whereSql === '' ? '' : ` AND (${whereSql})`}
        ORDER BY score DESC
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

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new ValidationError(`${name} muss eine positive Zahl sein`)
  return value
}
