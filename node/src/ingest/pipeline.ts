import { createHash } from 'node:crypto'
import { basename, extname } from 'node:path'
import type { IndexWriter, PreparedDocument } from '../index/writer.ts'
import { WissensnetzError } from '../errors.ts'
import { logger } from '../log.ts'
import type { AccessSets } from '../store/access.ts'
import type { DocumentRepository } from '../store/documents.ts'
import type { SourceRow } from '../store/sources.ts'
import type { IngestProgress } from '@wissensnetz/protocol'
import { chunkDocument } from './chunker.ts'
import { parseDocument } from './parsers/index.ts'
import { type Connector, type ParseLimits, ParseError, type ParseFailureCode, type SourceItem } from './types.ts'

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
  concurrency: number
  /** today's date as YYYY-MM-DD; injectable for retention tests */
  today?: () => string
}

/**
 * Discover, read, hash, skip unchanged, parse, chunk, index, commit — one document per transaction.
 * Resumable by construction: a restart rescans and skips every document whose version is already committed.
 */
export class IngestPipeline {
  constructor(private readonly init: PipelineInit) {}

  async ingestSource(source: SourceRow, options: IngestOptions): Promise<IngestProgress> {
    const { signal } = options
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
      const items: SourceItem[] = []
      for await (const item of connector.scan(signal)) {
        items.push(item)
        progress.filesTotal++
        progress.bytesTotal += item.size
        emit()
      }
      if (signal.aborted) return this.finish(progress, 'aborted', emit)

      progress.phase = 'ingesting'
      const known = this.init.documents.topLevelVersions(source.id)
      const seen = new Set<string>()
      let next = 0
      const worker = async (): Promise<void> => {
        while (!signal.aborted) {
          const item = items[next++]
          if (item === undefined) return
          seen.add(item.path)
          const outcome = await this.ingestItem(source, item, known.get(item.path), signal)
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
      await Promise.all(Array.from({ length: Math.max(1, this.init.concurrency) }, worker))
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

  private async ingestItem(
    source: SourceRow,
    item: SourceItem,
    existing: { id: number; size: number; mtimeMs: number; hash: string | null } | undefined,
    signal: AbortSignal,
  ): Promise<'skipped' | 'indexed' | 'failed'> {
    if (existing !== undefined && existing.size === item.size && existing.mtimeMs === Math.round(item.mtimeMs)) return 'skipped'
    let data: Uint8Array
    try {
      data = await item.read(signal)
    } catch (err) {
      if (signal.aborted) return 'skipped'
      const failure = new ParseError('read_failed', `Datei konnte nicht gelesen werden (${(err as NodeJS.ErrnoException).code ?? 'Fehler'})`)
      this.commit(existing, this.failedDocument(source, item, null, failure))
      return 'failed'
    }
    const hash = sha256(data)
    if (existing !== undefined && existing.hash === hash) {
      this.init.documents.touch(existing.id, Math.round(item.mtimeMs))
      return 'skipped'
    }
    const principals = item.principals ?? source.principals
    const accessSetId = this.init.accessSets.intern(principals)
    const prepared = await this.prepare(source, item.path, item.fileName, data, hash, item, accessSetId, 0, signal)
    if (signal.aborted) return 'skipped'
    this.commit(existing, prepared)
    return prepared.doc.failure === undefined ? 'indexed' : 'failed'
  }

  private commit(existing: { id: number } | undefined, prepared: PreparedDocument): void {
    this.init.writer.replace(existing?.id ?? null, prepared)
  }

  /** Parses a document and, recursively, its attachments or archive entries. */
  private async prepare(
    source: SourceRow,
    path: string,
    fileName: string,
    data: Uint8Array,
    hash: string,
    item: Pick<SourceItem, 'mtimeMs' | 'metadata'>,
    accessSetId: number,
    depth: number,
    signal: AbortSignal,
  ): Promise<PreparedDocument> {
    try {
      const parsed = await parseDocument(data, fileName, { limits: this.init.limits, depth, ocr: this.init.ocr, signal })
      // Container metadata (DMS sidecar, mail envelope) wins field by field; `extra` is merged, not replaced.
      const extra = { ...parsed.metadata.extra, ...item.metadata?.extra }
      const metadata = { ...parsed.metadata, ...definedOnly(item.metadata ?? {}), ...(Object.keys(extra).length > 0 ? { extra } : {}) }
      const { text, chunks } = chunkDocument(parsed.blocks)
      if (chunks.length === 0) throw new ParseError('no_text', 'Das Dokument enthält keinen Text.')
      const firstHeading = parsed.blocks.find((b) => b.kind === 'heading')?.text
      const title = clean(metadata.title) ?? clean(metadata.betreff) ?? clean(firstHeading) ?? stripExtension(fileName)
      const children: PreparedDocument[] = []
      const usedNames = new Set<string>()
      for (const child of parsed.children) {
        let name = child.name || 'anhang'
        for (let n = 2; usedNames.has(name); n++) name = `${child.name} (${n})`
        usedNames.add(name)
        children.push(
          await this.prepare(source, `${path}/${name}`, basename(name), child.data, sha256(child.data), { mtimeMs: item.mtimeMs }, accessSetId, depth + 1, signal),
        )
      }
      return {
        doc: {
          sourceId: source.id,
          path,
          fileName,
          title,
          mime: parsed.mime,
          size: data.byteLength,
          mtimeMs: item.mtimeMs,
          contentHash: hash,
          metadata,
          accessSetId,
          text,
          ocrPages: parsed.ocrPages ?? 0,
        },
        chunks,
        children,
      }
    } catch (err) {
      const failure =
        err instanceof ParseError ? err : new ParseError('corrupt', 'Unerwarteter Fehler beim Lesen des Formats.', err)
      if (!(err instanceof ParseError)) log.warn(`unexpected parser error for a document of source ${source.id}`, err as Error)
      return this.failedDocument(source, { path, fileName, size: data.byteLength, mtimeMs: item.mtimeMs }, hash, failure, accessSetId)
    }
  }

  private failedDocument(
    source: SourceRow,
    item: Pick<SourceItem, 'path' | 'fileName' | 'size' | 'mtimeMs'>,
    hash: string | null,
    failure: ParseError,
    accessSetId = this.init.accessSets.intern(source.principals),
  ): PreparedDocument {
    return {
      doc: {
        sourceId: source.id,
        path: item.path,
        fileName: item.fileName,
        title: stripExtension(item.fileName),
        mime: null,
        size: item.size,
        mtimeMs: item.mtimeMs,
        contentHash: hash,
        metadata: {},
        accessSetId,
        text: '',
        ocrPages: 0,
        failure: { code: failure.reason as ParseFailureCode, message: failure.message },
      },
      chunks: [],
      children: [],
    }
  }
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

function stripExtension(fileName: string): string {
  const ext = extname(fileName)
  return ext.length > 0 ? fileName.slice(0, -ext.length) : fileName
}

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.replace(/\s+/g, ' ').trim()
  return trimmed === undefined || trimmed.length === 0 ? undefined : trimmed.slice(0, 300)
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
