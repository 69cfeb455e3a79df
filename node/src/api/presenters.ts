import type { DocumentRow } from '../store/documents.ts'
import type { IngestRunRow } from '../store/ingest-runs.ts'
import type { SourceRow } from '../store/sources.ts'

/** Rows never reach the wire directly: presenters choose what a client sees. */
export function presentSource(source: SourceRow, counts?: { indexed: number; failed: number }, lastRun?: IngestRunRow) {
  return {
    id: source.id,
    name: source.name,
    kind: source.kind,
    location: source.location,
    groups: source.principals,
    options: redactOptions(source.options),
    createdAt: source.createdAt,
    lastScanAt: source.lastScanAt,
    documents: counts ?? { indexed: 0, failed: 0 },
    lastRun:
      lastRun === undefined
        ? null
        : { state: lastRun.state, startedAt: lastRun.startedAt, finishedAt: lastRun.finishedAt, error: lastRun.stats.error ?? null, files: lastRun.stats.filesTotal ?? 0 },
  }
}

/** Secrets in connector options (IMAP passwords) never leave the node. */
function redactOptions(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, /password|secret|token/i.test(k) ? '***' : v]))
}

export function presentFailure(doc: DocumentRow) {
  return {
    documentId: doc.id,
    sourceId: doc.sourceId,
    path: doc.path,
    reason: doc.errorCode,
    message: doc.errorMessage,
    size: doc.size,
    at: doc.indexedAt,
  }
}

export function presentDocument(doc: DocumentRow & { text: string }, source: SourceRow) {
  return {
    id: doc.id,
    title: doc.title,
    path: doc.path,
    fileName: doc.fileName,
    mime: doc.mime,
    size: doc.size,
    source: { id: source.id, name: source.name, kind: source.kind },
    parentId: doc.parentId,
    metadata: doc.metadata,
    status: doc.status,
    ocrPages: doc.ocrPages,
    indexedAt: doc.indexedAt,
    text: doc.text,
  }
}
