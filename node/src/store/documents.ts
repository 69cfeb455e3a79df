import type { Chunk } from '../ingest/chunker.ts'
import type { DocumentMetadata, ParseFailureCode } from '../ingest/types.ts'
import { NotFoundError } from '../errors.ts'
import type { Db } from './db.ts'

export interface DocumentRow {
  id: number
  sourceId: number
  parentId: number | null
  path: string
  fileName: string
  title: string
  mime: string | null
  size: number
  mtimeMs: number
  contentHash: string | null
  status: 'indexed' | 'failed'
  errorCode: ParseFailureCode | null
  errorMessage: string | null
  metadata: DocumentMetadata
  docDate: string | null
  aktenzeichen: string | null
  retentionUntil: string | null
  accessSetId: number
  ocrPages: number
  indexedAt: string
}

interface RawDocument {
  id: number
  source_id: number
  parent_id: number | null
  path: string
  file_name: string
  title: string
  mime: string | null
  size: number
  mtime_ms: number
  content_hash: string | null
  status: 'indexed' | 'failed'
  error_code: ParseFailureCode | null
  error_message: string | null
  metadata: string
  doc_date: string | null
  aktenzeichen: string | null
  retention_until: string | null
  access_set_id: number
  ocr_pages: number
  indexed_at: string
}

const COLUMNS = `id, source_id, parent_id, path, file_name, title, mime, size, mtime_ms, content_hash, status, error_code,
  error_message, metadata, doc_date, aktenzeichen, retention_until, access_set_id, ocr_pages, indexed_at`

export const toDocumentRow = (r: RawDocument): DocumentRow => ({
  id: r.id,
  sourceId: r.source_id,
  parentId: r.parent_id,
  path: r.path,
  fileName: r.file_name,
  title: r.title,
  mime: r.mime,
  size: r.size,
  mtimeMs: r.mtime_ms,
  contentHash: r.content_hash,
  status: r.status,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  metadata: JSON.parse(r.metadata) as DocumentMetadata,
  docDate: r.doc_date,
  aktenzeichen: r.aktenzeichen,
  retentionUntil: r.retention_until,
  accessSetId: r.access_set_id,
  ocrPages: r.ocr_pages,
  indexedAt: r.indexed_at,
})

export interface NewDocument {
  sourceId: number
  parentId: number | null
  path: string
  fileName: string
  title: string
  mime: string | null
  size: number
  mtimeMs: number
  contentHash: string | null
  metadata: DocumentMetadata
  accessSetId: number
  text: string
  ocrPages: number
  failure?: { code: ParseFailureCode; message: string }
}

/** Plain row access for documents and chunks. Index maintenance (FTS, vectors) is the caller's job. */
export class DocumentRepository {
  private readonly insertDoc
  private readonly insertChunk
  private readonly byPath
  private readonly treeChunkIds

  constructor(private readonly db: Db) {
    this.insertDoc = db.prepare(`INSERT INTO documents (source_id, parent_id, path, file_name, title, mime, size, mtime_ms,
      content_hash, status, error_code, error_message, metadata, doc_date, aktenzeichen, retention_until, access_set_id, text, ocr_pages)
      VALUES (@sourceId, @parentId, @path, @fileName, @title, @mime, @size, @mtimeMs, @contentHash, @status, @errorCode,
      @errorMessage, @metadata, @docDate, @aktenzeichen, @retentionUntil, @accessSetId, @text, @ocrPages)`)
    this.insertChunk = db.prepare(`INSERT INTO chunks (document_id, ord, start_offset, end_offset, page, section, access_set_id)
      VALUES (?, ?, ?, ?, ?, ?, ?)`)
    this.byPath = db.prepare(`SELECT ${COLUMNS} FROM documents WHERE source_id = ? AND path = ? AND parent_id IS NULL`)
    this.treeChunkIds = db.prepare(`WITH RECURSIVE tree(id) AS (SELECT ? UNION ALL SELECT d.id FROM documents d JOIN tree ON d.parent_id = tree.id)
      SELECT c.id FROM chunks c JOIN tree ON c.document_id = tree.id`)
  }

  findTopLevel(sourceId: number, path: string): DocumentRow | null {
    const raw = this.byPath.get(sourceId, path) as RawDocument | undefined
    return raw === undefined ? null : toDocumentRow(raw)
  }

  get(id: number): DocumentRow & { text: string } {
    const raw = this.db.prepare(`SELECT ${COLUMNS}, text FROM documents WHERE id = ?`).get(id) as (RawDocument & { text: string }) | undefined
    if (raw === undefined) throw new NotFoundError(`Dokument ${id}`)
    return { ...toDocumentRow(raw), text: raw.text }
  }

  /** Top-level paths and their version tags for one source (to skip unchanged items and find deletions). */
  topLevelVersions(sourceId: number): Map<string, { id: number; size: number; mtimeMs: number; hash: string | null }> {
    const rows = this.db
      .prepare('SELECT id, path, size, mtime_ms, content_hash FROM documents WHERE source_id = ? AND parent_id IS NULL')
      .all(sourceId) as Array<{ id: number; path: string; size: number; mtime_ms: number; content_hash: string | null }>
    return new Map(rows.map((r) => [r.path, { id: r.id, size: r.size, mtimeMs: r.mtime_ms, hash: r.content_hash }]))
  }

  touch(id: number, mtimeMs: number): void {
    this.db.prepare('UPDATE documents SET mtime_ms = ? WHERE id = ?').run(mtimeMs, id)
  }

  insert(doc: NewDocument): number {
    const m = doc.metadata
    const info = this.insertDoc.run({
      sourceId: doc.sourceId,
      parentId: doc.parentId,
      path: doc.path,
      fileName: doc.fileName,
      title: doc.title,
      mime: doc.mime,
      size: doc.size,
      mtimeMs: Math.round(doc.mtimeMs),
      contentHash: doc.contentHash,
      status: doc.failure === undefined ? 'indexed' : 'failed',
      errorCode: doc.failure?.code ?? null,
      errorMessage: doc.failure?.message ?? null,
      metadata: JSON.stringify(m),
      docDate: m.date ?? null,
      aktenzeichen: m.aktenzeichen ?? null,
      retentionUntil: m.retentionUntil ?? null,
      accessSetId: doc.accessSetId,
      text: doc.text,
      ocrPages: doc.ocrPages,
    })
    return Number(info.lastInsertRowid)
  }

  insertChunks(documentId: number, accessSetId: number, chunks: Chunk[]): number[] {
    return chunks.map((c) =>
      Number(this.insertChunk.run(documentId, c.ord, c.start, c.end, c.page, c.section, accessSetId).lastInsertRowid),
    )
  }

  /** Chunk ids of a document and all its descendants (attachments, zip entries). */
  chunkIdsOfTree(documentId: number): number[] {
    return (this.treeChunkIds.all(documentId) as Array<{ id: number }>).map((r) => r.id)
  }

  deleteRow(id: number): void {
    this.db.prepare('DELETE FROM documents WHERE id = ?').run(id)
  }

  /** Top-level documents whose retention date has passed (DMS Aufbewahrungsfrist). */
  expired(today: string): number[] {
    return (
      this.db
        .prepare('SELECT id FROM documents WHERE retention_until IS NOT NULL AND retention_until < ? AND parent_id IS NULL')
        .all(today) as Array<{ id: number }>
    ).map((r) => r.id)
  }

  topLevelIdsOfSource(sourceId: number): number[] {
    return (this.db.prepare('SELECT id FROM documents WHERE source_id = ? AND parent_id IS NULL').all(sourceId) as Array<{ id: number }>).map(
      (r) => r.id,
    )
  }

  failures(limit: number, sourceId?: number): DocumentRow[] {
    const rows = (
      sourceId === undefined
        ? this.db.prepare(`SELECT ${COLUMNS} FROM documents WHERE status = 'failed' ORDER BY indexed_at DESC LIMIT ?`).all(limit)
        : this.db
            .prepare(`SELECT ${COLUMNS} FROM documents WHERE status = 'failed' AND source_id = ? ORDER BY indexed_at DESC LIMIT ?`)
            .all(sourceId, limit)
    ) as RawDocument[]
    return rows.map(toDocumentRow)
  }

  /** Indexed documents whose metadata could not be read completely (broken DMS sidecar or CSV row). */
  metadataWarnings(limit: number): Array<{ id: number; sourceId: number; path: string; warning: string }> {
    return this.db
      .prepare(`SELECT id, source_id AS sourceId, path, json_extract(metadata, '$.extra.sidecarError') AS warning FROM documents
        WHERE json_extract(metadata, '$.extra.sidecarError') IS NOT NULL ORDER BY id LIMIT ?`)
      .all(limit) as Array<{ id: number; sourceId: number; path: string; warning: string }>
  }

  counts(): { indexed: number; failed: number; chunks: number; bytes: number } {
    const docs = this.db
      .prepare("SELECT SUM(status = 'indexed') AS indexed, SUM(status = 'failed') AS failed, SUM(size) AS bytes FROM documents")
      .get() as { indexed: number | null; failed: number | null; bytes: number | null }
    const chunks = (this.db.prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number }).n
    return { indexed: docs.indexed ?? 0, failed: docs.failed ?? 0, chunks, bytes: docs.bytes ?? 0 }
  }

  countsBySource(): Map<number, { indexed: number; failed: number }> {
    const rows = this.db
      .prepare("SELECT source_id, SUM(status = 'indexed') AS indexed, SUM(status = 'failed') AS failed FROM documents GROUP BY source_id")
      .all() as Array<{ source_id: number; indexed: number; failed: number }>
    return new Map(rows.map((r) => [r.source_id, { indexed: r.indexed, failed: r.failed }]))
  }
}
