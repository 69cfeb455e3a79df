import { setMaxListeners } from 'node:events'
import type { IndexWriter, PreparedDocument } from '../index/writer.ts'
import { AbortError, WissensnetzError } from '../errors.ts'
import { logger } from '../log.ts'
import type { AccessSets } from '../store/access.ts'
import type { DocumentRepository } from '../store/documents.ts'
import type { SourceRow } from '../store/sources.ts'
import type { IngestProgress } from '@wissensnetz/protocol'
import { CommitBatch } from './commit-batch.ts'
import { ByteBudget } from './byte-budget.ts'
import { ScanQueue } from './scan-queue.ts'
import { failedDocument, type PrepareInput, readFailed, sha256, tooLarge, UNCHANGED } from './prepare.ts'
import { PreparePool } from './prepare-pool.ts'
import { type Connector, type ParseLimits, ParseError, type SourceItem } from './types.ts'

const log = logger('node:ingest')

/** Progress emitted at most this often while a source is ingested. */
const PROGRESS_INTERVAL_MS = 250

export type { IngestProgress }

export interface IngestOptions {
  signal: AbortSignal
  onProgress?: (progress: IngestProgress) => void
}

export interface PipelineInit {
  documents: DocumentRepository
  accessSets: AccessSets
  writer: IndexWriter
  connectorFor: (source: SourceRow) => Connector
  limits: ParseLimits
  ocr: boolean
  /** documents parsed at once, each on its own worker thread (0: on the main thread, one at a time) */
  concurrency: number
  /** today's date as YYYY-MM-DD; injectable for retention tests */
  today?: () => string
}

/**
 * Documents in progress per parser thread: enough that each thread always has the next documents waiting
 * while the main thread writes a batch (see MAX_QUEUED_PER_WORKER in prepare-pool.ts). For a folder source
 * a document in progress costs its path until a worker has read it.
 */
const DOCUMENTS_AHEAD_PER_THREAD = 256
/** Abort listeners one document in progress may add at once (a read, a parser thread task, the byte budget). */
const LISTENERS_PER_DOCUMENT = 3
/** Bytes read on the main thread (sources without plain files: mail, IMAP) and not yet written, at most. */
const MAX_BYTES_IN_PROGRESS = 64 * 1024 * 1024

/**
 * Discover, read, hash, skip unchanged, parse + chunk + analyse (worker threads), write (main thread, a batch
 * of whole documents per transaction). Resumable by construction: a restart rescans and skips every document
 * whose version is already committed.
 */
export class IngestPipeline {
  readonly #pool: PreparePool

  constructor(private readonly init: PipelineInit) {
    this.#pool = new PreparePool({ threads: init.concurrency, limits: init.limits, ocr: init.ocr })
  }

  async ingestSource(source: SourceRow, options: IngestOptions): Promise<IngestProgress> {
    const loops = Math.max(1, this.init.concurrency * DOCUMENTS_AHEAD_PER_THREAD)
    // every document in progress listens for an abort (reads, parser threads): more listeners than Node's
    // default warning threshold, on a signal of our own
    const signal = AbortSignal.any([options.signal])
    setMaxListeners(loops * LISTENERS_PER_DOCUMENT, signal)
    const progress: IngestProgress = {
      sourceId: source.id,
      sourceName: source.name,
      phase: 'scanning',
      filesTotal: 0,
      filesDone: 0,
      filesChanged: 0,
      filesSkipped: 0,
      filesRemoved: 0,
      errors: 0,
      bytesTotal: 0,
      bytesDone: 0,
      startedAt: Date.now(),
      elapsedMs: 0,
      filesPerSecond: 0,
      megabytesPerSecond: 0,
      etaMs: null,
    }
    let lastEmit = 0
    const emit = (force = false): void => {
      const now = Date.now()
      if (!force && now - lastEmit < PROGRESS_INTERVAL_MS) return
      lastEmit = now
      progress.elapsedMs = now - progress.startedAt
      const seconds = Math.max(progress.elapsedMs / 1000, 0.001)
      progress.filesPerSecond = progress.filesDone / seconds
      progress.megabytesPerSecond = progress.bytesDone / 1e6 / seconds
      const bytesLeft = progress.bytesTotal - progress.bytesDone
      progress.etaMs = progress.bytesDone > 0 && progress.phase === 'ingesting' ? Math.round((bytesLeft / progress.bytesDone) * progress.elapsedMs) : null
      options.onProgress?.({ ...progress })
    }

    let connector: Connector | undefined
    try {
      connector = this.init.connectorFor(source)
      emit(true)
      const known = this.init.documents.topLevelVersions(source.id)
      const seen = new Set<string>()
      const queue = new ScanQueue<SourceItem>()
      // documents are ingested while the scan goes on; its failure is rethrown once the loops have stopped
      const scanning = this.scan(connector, queue, known, seen, progress, emit, signal)
      scanning.catch(() => {})
      const batch = new CommitBatch(this.init.writer)
      const budget = new ByteBudget(MAX_BYTES_IN_PROGRESS)
      const worker = async (): Promise<void> => {
        while (!signal.aborted) {
          const item = await queue.take()
          if (item === undefined) return
          const outcome = await this.ingestItem(source, item, known.get(item.path), batch, budget, signal)
          if (outcome === 'skipped') progress.filesSkipped++
          else if (outcome === 'failed') {
            progress.errors++
            progress.filesChanged++
          } else if (outcome === 'indexed') progress.filesChanged++
          progress.filesDone++
          progress.bytesDone += item.size
          emit()
        }
      }
      try {
        await Promise.all(Array.from({ length: loops }, worker))
      } finally {
        batch.flush() // documents prepared before an abort or an error are complete: keep them
      }
      await scanning
      if (signal.aborted) return this.finish(progress, 'aborted', emit)

      // Only a complete scan may conclude that something was deleted.
      progress.phase = 'cleaning'
      const gone = [...known.entries()].filter(([path]) => !seen.has(path)).map(([, v]) => v.id)
      this.init.writer.remove(gone)
      progress.filesRemoved = gone.length
      progress.filesRemoved += this.removeExpired()
      return this.finish(progress, 'done', emit)
    } catch (err) {
      // Typed errors carry German messages meant for the admin (no secrets); anything else stays in the log.
      progress.error = err instanceof WissensnetzError ? err.message : 'Unerwarteter Fehler (siehe Protokoll des Knotens)'
      this.finish(progress, 'failed', emit)
      throw err
    } finally {
      await connector?.close?.()
    }
  }

  /**
   * Lists the source into `queue` (and `seen`), counting totals for the progress; the phase turns from
   * scanning to ingesting when the list is complete. The parser threads are started at the first item that
   * needs parsing, so that they start while the scan goes on (they take a moment to start).
   */
  private async scan(
    connector: Connector,
    queue: ScanQueue<SourceItem>,
    known: Map<string, { size: number; mtimeMs: number }>,
    seen: Set<string>,
    progress: IngestProgress,
    emit: () => void,
    signal: AbortSignal,
  ): Promise<void> {
    let warmed = false
    try {
      for await (const item of connector.scan(signal)) {
        seen.add(item.path)
        progress.filesTotal++
        progress.bytesTotal += item.size
        if (!warmed && !isUnchanged(item, known.get(item.path))) {
          this.#pool.warm()
          warmed = true
        }
        queue.push(item)
        emit()
      }
      if (!signal.aborted) progress.phase = 'ingesting'
    } finally {
      queue.end()
    }
  }

  /** Removes documents past their retention date from every index; returns how many. */
  removeExpired(): number {
    const today = this.init.today?.() ?? new Date().toISOString().slice(0, 10)
    const expired = this.init.documents.expired(today)
    this.init.writer.remove(expired)
    if (expired.length > 0) log.info('documents past retention removed', expired.length)
    return expired.length
  }

  private finish(progress: IngestProgress, phase: IngestProgress['phase'], emit: (force: boolean) => void): IngestProgress {
    progress.phase = phase
    emit(true)
    log.info(
      `source ${progress.sourceId} ${phase}: ${progress.filesDone}/${progress.filesTotal} files, ${progress.filesChanged} changed, ` +
        `${progress.filesSkipped} unchanged, ${progress.filesRemoved} removed, ${progress.errors} errors, ${progress.elapsedMs} ms`,
    )
    return { ...progress }
  }

  /** Stops the parser threads (the node is closing). */
  async close(): Promise<void> {
    await this.#pool.close()
  }

  private async ingestItem(
    source: SourceRow,
    item: SourceItem,
    existing: { id: number; size: number; mtimeMs: number; hash: string | null } | undefined,
    batch: CommitBatch,
    budget: ByteBudget,
    signal: AbortSignal,
  ): Promise<'skipped' | 'indexed' | 'failed'> {
    if (isUnchanged(item, existing)) return 'skipped'
    const principals = item.principals ?? source.principals
    const accessSetId = this.init.accessSets.intern(principals)
    const replaceId = existing?.id ?? null
    const described = {
      sourceId: source.id,
      path: item.path,
      fileName: item.fileName,
      mtimeMs: item.mtimeMs,
      ...(item.metadata === undefined ? {} : { metadata: item.metadata }),
      accessSetId,
      depth: 0,
    }
    if (item.size > this.init.limits.maxFileBytes) {
      // not even read: a file of many gigabytes on a share must not fill the node's memory
      batch.add({ replaceId, prepared: failedDocument({ ...described, size: item.size, hash: null }, tooLarge(item.size, this.init.limits.maxFileBytes)) })
      return 'failed'
    }
    let prepared: PreparedDocument | typeof UNCHANGED
    try {
      if (item.file !== undefined && this.#pool.readsFiles) {
        // a plain file: the parser thread reads and hashes it, the main thread only writes
        prepared = await this.#pool.prepareFile({ ...described, file: item.file, size: item.size, unchangedHash: existing?.hash ?? null }, signal)
      } else {
        await budget.take(item.size, signal)
        try {
          prepared = await this.readAndPrepare(item, described, existing?.hash ?? null, signal)
        } finally {
          budget.give(item.size)
        }
      }
    } catch (err) {
      if (signal.aborted || err instanceof AbortError) return 'skipped'
      throw err
    }
    if (signal.aborted) return 'skipped'
    if (prepared === UNCHANGED) {
      if (existing !== undefined) this.init.documents.touch(existing.id, Math.round(item.mtimeMs))
      return 'skipped'
    }
    batch.add({ replaceId, prepared })
    return prepared.doc.failure === undefined ? 'indexed' : 'failed'
  }

  /** Reads an item on the main thread (mail, IMAP: no plain file to hand over) and prepares it. */
  private async readAndPrepare(
    item: SourceItem,
    described: Omit<PrepareInput, 'data' | 'hash'>,
    unchangedHash: string | null,
    signal: AbortSignal,
  ): Promise<PreparedDocument | typeof UNCHANGED> {
    let data: Uint8Array
    try {
      data = await item.read(signal)
    } catch (err) {
      if (signal.aborted) throw new AbortError()
      return failedDocument({ ...described, size: item.size, hash: null }, err instanceof ParseError ? err : readFailed(err))
    }
    const hash = sha256(data)
    if (hash === unchangedHash) return UNCHANGED
    return this.#pool.prepare({ ...described, data, hash }, signal)
  }
}

/** Same size and time stamp as the indexed version: not read again. */
function isUnchanged(item: SourceItem, existing: { size: number; mtimeMs: number } | undefined): boolean {
  return existing !== undefined && existing.size === item.size && existing.mtimeMs === Math.round(item.mtimeMs)
}
