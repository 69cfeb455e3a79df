import type { IndexWriter, Replacement } from '../index/writer.ts'
import { logger } from '../log.ts'

const log = logger('node:ingest')

/** A batch is written when it holds this many documents … */
const MAX_BATCH_DOCUMENTS = 200
/** … or this much document text … */
const MAX_BATCH_CHARS = 8_000_000
/** … or its oldest document has waited this long (new documents become searchable within about this time). */
const MAX_BATCH_AGE_MS = 1_000

/**
 * Collects prepared documents and writes them several at a time, one transaction per batch. Each document is
 * still all or nothing; a crash loses at most the uncommitted batch, whose files the next run finds unchanged
 * in the source but missing in the store, and indexes again. Bulk ingest gets much faster this way: SQLite
 * commits and FTS5 writes an index segment once per batch instead of once per document.
 */
export class CommitBatch {
  #pending: Replacement[] = []
  #chars = 0
  #since = 0
  /** writes the batch when its oldest document has waited MAX_BATCH_AGE_MS and no further one came */
  #timer: NodeJS.Timeout | undefined
  /** a write the timer made that failed: the next add() or flush() throws it to the ingest */
  #failure: unknown

  constructor(private readonly writer: IndexWriter) {}

  add(replacement: Replacement): void {
    this.#throwFailure()
    if (this.#pending.length === 0) {
      this.#since = Date.now()
      // a slow source (OCR, a hanging share) must not keep a parsed document unsearchable until the next one
      this.#timer = setTimeout(() => this.#flushOnTimer(), MAX_BATCH_AGE_MS)
      this.#timer.unref()
    }
    this.#pending.push(replacement)
    this.#chars += textLength(replacement.prepared)
    if (this.#pending.length >= MAX_BATCH_DOCUMENTS || this.#chars >= MAX_BATCH_CHARS || Date.now() - this.#since >= MAX_BATCH_AGE_MS) {
      this.flush()
    }
  }

  /** Writes what is pending. If the batch fails as a whole, each document is tried alone, so one bad row costs one document. */
  flush(): void {
    clearTimeout(this.#timer)
    this.#throwFailure()
    const batch = this.#pending
    this.#pending = []
    this.#chars = 0
    if (batch.length === 0) return
    try {
      this.writer.replaceMany(batch)
    } catch (err) {
      if (batch.length === 1) throw err
      log.warn(`batch of ${batch.length} documents failed; writing them one by one`, err as Error)
      for (const replacement of batch) this.writer.replaceMany([replacement])
    }
  }

  #flushOnTimer(): void {
    try {
      this.flush()
    } catch (err) {
      this.#failure = err
    }
  }

  #throwFailure(): void {
    if (this.#failure === undefined) return
    const failure = this.#failure
    this.#failure = undefined
    throw failure
  }
}

function textLength(prepared: Replacement['prepared']): number {
  let chars = prepared.doc.text.length
  for (const child of prepared.children) chars += textLength(child)
  return chars
}
