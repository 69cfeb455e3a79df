import { readFile } from 'node:fs/promises'
import { posix, resolve } from 'node:path'
import { logger } from '../../../log.ts'
import type { Connector, SourceItem } from '../../types.ts'
import { ParseError } from '../../types.ts'
import { WATCH_DEBOUNCE_MS } from './constants.ts'
import { DmsExportUnavailableError } from './errors.ts'
import { mergeReadings } from './fields.ts'
import { planDocuments, type PlannedDocument } from './scan.ts'
import { listFiles } from './walk.ts'
import { watchExport } from './watch.ts'

export { EXTRA_METADATA_ERROR, EXTRA_METADATA_SOURCE } from './constants.ts'
export { DmsExportUnavailableError } from './errors.ts'

const log = logger('node:ingest:dms')

export interface DmsConnectorInit {
  /** the export folder (a local path or a mounted share) */
  location: string
  /** changes within this window are reported as one batch; defaults to WATCH_DEBOUNCE_MS */
  watchDebounceMs?: number
}

/**
 * A DMS export: a folder of documents with metadata in JSON sidecars (`<file>.meta.json`, `<file>.json`) and/or a
 * CSV index (`metadata.csv`, `index.csv`, `export.csv`). Sidecars and indexes are not items themselves. Metadata
 * that cannot be read never stops the scan: the document is delivered and the reason is in
 * `metadata.extra.sidecarError` (EXTRA_METADATA_ERROR) for the pipeline to record.
 * Expired documents are delivered with their `retentionUntil`; leaving them out of the index is the pipeline's job.
 */
export function createDmsConnector(init: DmsConnectorInit): Connector {
  const root = resolve(init.location)
  return {
    async *scan(signal: AbortSignal): AsyncIterable<SourceItem> {
      let documents: PlannedDocument[]
      try {
        documents = await planDocuments(await listFiles(root, signal), signal)
      } catch (error) {
        if (signal.aborted || !isMissing(error)) throw error
        throw new DmsExportUnavailableError(init.location, error)
      }
      let withProblems = 0
      for (const document of documents) {
        const item = toItem(document)
        if (item.metadata?.extra?.sidecarError) withProblems++
        yield item
      }
      log.info('Export gelesen', `${documents.length} Dokumente`, `${withProblems} mit Metadatenfehlern`)
    },
    watch: (onChange) => watchExport(root, init.watchDebounceMs ?? WATCH_DEBOUNCE_MS, onChange),
  }
}

function toItem(document: PlannedDocument): SourceItem {
  const { file } = document
  const metadata = mergeReadings(document.readings, document.sources)
  return {
    path: file.path,
    fileName: posix.basename(file.path),
    size: file.size,
    mtimeMs: document.mtimeMs,
    ...(metadata ? { metadata } : {}),
    file: file.absolutePath,
    async read(signal?: AbortSignal): Promise<Uint8Array> {
      try {
        return await readFile(file.absolutePath, signal ? { signal } : {})
      } catch (error) {
        if (signal?.aborted) throw error
        throw new ParseError('read_failed', 'Die Datei konnte aus dem DMS-Export nicht gelesen werden.', error)
      }
    },
  }
}

function isMissing(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES'
}
