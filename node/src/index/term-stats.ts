import { WissensnetzError } from '../errors.ts'
import { startTsWorker } from '../worker-thread.ts'

const WORKER_URL = new URL('./term-stats-worker.ts', import.meta.url).href

/**
 * Terms in at least this fraction of the chunks are listed with their document frequency; rarer ones are known
 * only to be rarer. 1/2,000: at 40,000 chunks the ~20,000 terms found in 20 chunks or more, at a million chunks
 * those in 500 or more. The postings budget of a query only needs to know the frequent terms exactly.
 */
export const TERM_STATS_FLOOR_FRACTION = 1 / 2000

export interface TermStatsRequest {
  dbFile: string
  floorFraction: number
}

/** Document frequencies of the frequent terms, read in one snapshot. */
export interface TermStatsSnapshot {
  chunks: number
  /** every term with df ≥ floor is in `terms`; any other term has df < floor (or is not indexed) */
  floor: number
  terms: string[]
  frequencies: number[]
}

export class TermStatsError extends WissensnetzError {
  constructor(cause: unknown) {
    super('term_stats_failed', 'Die Begriffsstatistik des Suchindex konnte nicht gelesen werden.', { cause })
  }
}

/**
 * Reads the frequent terms' document frequencies on a worker thread with its own read-only connection: the
 * scan of the FTS5 vocabulary reads the whole lexical index, which must not block searches.
 */
export function readTermStats(dbFile: string, floorFraction = TERM_STATS_FLOOR_FRACTION): Promise<TermStatsSnapshot> {
  return new Promise((resolve, reject) => {
    const worker = startTsWorker(WORKER_URL, { workerData: { dbFile, floorFraction } satisfies TermStatsRequest })
    let settled = false
    worker.once('message', (snapshot: TermStatsSnapshot) => {
      settled = true
      resolve(snapshot)
    })
    worker.once('error', (err) => {
      settled = true
      reject(new TermStatsError(err))
    })
    worker.once('exit', (code) => {
      if (!settled) reject(new TermStatsError(new Error(`term stats worker exited with code ${code}`)))
    })
  })
}

/** Renewals at most this often: the scan reads the whole lexical index, and frequencies drift slowly. */
const MIN_REFRESH_INTERVAL_MS = 10 * 60_000
/** Below this many chunks a query looks up its few terms directly; no scan is needed. */
const MIN_CHUNKS = 5_000

/**
 * Keeps a LexicalIndex supplied with term statistics: one scan when the node starts serving, and one after
 * ingest runs, at most every ten minutes. Failures are logged and leave the per-term lookups in place.
 */
export class TermStatsRefresher {
  #running: Promise<void> | null = null
  #last = 0
  #stopped = false

  constructor(
    private readonly init: {
      dbFile: string
      chunkCount: () => number
      apply: (snapshot: TermStatsSnapshot) => void
      onError: (error: Error) => void
    },
  ) {}

  /** Starts a scan unless one runs, one ran recently (unless forced) or the index is small. */
  refresh(options: { force?: boolean } = {}): Promise<void> {
    if (this.#stopped) return Promise.resolve()
    if (this.#running !== null) return this.#running
    if (options.force !== true && Date.now() - this.#last < MIN_REFRESH_INTERVAL_MS) return Promise.resolve()
    if (this.init.chunkCount() < MIN_CHUNKS) return Promise.resolve()
    this.#last = Date.now()
    this.#running = readTermStats(this.init.dbFile)
      .then((snapshot) => {
        if (!this.#stopped) this.init.apply(snapshot)
      })
      .catch((err: Error) => this.init.onError(err))
      .finally(() => {
        this.#running = null
      })
    return this.#running
  }

  /** Waits for a running scan (the node is closing; its database must stay open until then). */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#running
  }
}
