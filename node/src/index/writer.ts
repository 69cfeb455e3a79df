import type { Chunk } from '../ingest/chunker.ts'
import type { Db } from '../store/db.ts'
import type { DocumentRepository, NewDocument } from '../store/documents.ts'
import type { ChunkCatalog } from './catalog.ts'
import type { EncodedSpans } from './analysis/index.ts'
import { encodedChunkCount, type LexicalIndex } from './lexical.ts'

/** A document with its chunks, ready to be written; children are attachments or archive entries. */
export interface PreparedDocument {
  doc: Omit<NewDocument, 'parentId'>
  /** the chunks' offsets into doc.text; their `text` may be empty when `lexical` is given */
  chunks: Chunk[]
  /**
   * The chunks analysed for the lexical index with the default German analyser (encodeDocumentChunks),
   * computed ahead of the write, usually in a worker thread; absent: the writer analyses them itself.
   */
  lexical?: EncodedSpans
  children: PreparedDocument[]
}

/** One document tree to write, and the id of the tree it replaces (null for a new document). */
export interface Replacement {
  replaceId: number | null
  prepared: PreparedDocument
}

/**
 * The one place that changes what is searchable. Every change to a document tree (rows, chunks, lexical
 * entries, vector tombstones) happens in one SQLite transaction, so a crash leaves a document either fully
 * indexed in its old version or fully in its new one, never half.
 */
export class IndexWriter {
  private readonly listeners: Array<(removedChunkIds: number[]) => void> = []

  constructor(
    private readonly db: Db,
    private readonly documents: DocumentRepository,
    private readonly lexical: LexicalIndex,
    private readonly catalog: ChunkCatalog,
  ) {}

  /** Called after a commit that removed chunks (the vector indexes mark them deleted). */
  onChunksRemoved(listener: (removedChunkIds: number[]) => void): void {
    this.listeners.push(listener)
  }

  /** Replaces the document tree at `replaceId` (if any) with `prepared`; returns the new top-level id. */
  replace(replaceId: number | null, prepared: PreparedDocument): number {
    return this.replaceMany([{ replaceId, prepared }])[0] as number
  }

  /**
   * Several replacements in one transaction: each document is still all or nothing, and the batch shares one
   * commit, which is what makes bulk ingest fast (FTS5 writes one index segment per commit, not per document).
   */
  replaceMany(replacements: readonly Replacement[]): number[] {
    const removed: number[] = []
    const ids = this.db.transaction(() =>
      replacements.map(({ replaceId, prepared }) => {
        if (replaceId !== null) removed.push(...this.removeTree(replaceId))
        return this.insertTree(prepared, null)
      }),
    )()
    this.notify(removed)
    return ids
  }

  remove(documentIds: number[]): void {
    if (documentIds.length === 0) return
    const removed: number[] = []
    this.db.transaction(() => {
      for (const id of documentIds) removed.push(...this.removeTree(id))
    })()
    this.notify(removed)
  }

  private insertTree(prepared: PreparedDocument, parentId: number | null): number {
    const id = this.documents.insert({ ...prepared.doc, parentId })
    const ids = this.documents.insertChunks(id, prepared.doc.accessSetId, prepared.chunks)
    const title = prepared.doc.title
    const encoded = prepared.lexical
    const analysed = encoded !== undefined && this.lexical.usesDefaultAnalyzer && encodedChunkCount(encoded) === prepared.chunks.length ? encoded : undefined
    prepared.chunks.forEach((chunk, i) => {
      const chunkId = ids[i] as number
      if (analysed !== undefined) this.lexical.addEncoded(chunkId, analysed, i)
      else this.lexical.add(chunkId, title, chunk.text || prepared.doc.text.slice(chunk.start, chunk.end))
      this.catalog.set(chunkId, id, prepared.doc.accessSetId)
    })
    for (const child of prepared.children) this.insertTree(child, id)
    return id
  }

  private removeTree(documentId: number): number[] {
    const chunkIds = this.documents.chunkIdsOfTree(documentId)
    if (chunkIds.length > 0) {
      this.lexical.remove(chunkIds)
      const tombstone = this.db.prepare('INSERT OR IGNORE INTO vector_tombstones (model, chunk_id) SELECT model, chunk_id FROM embeddings WHERE chunk_id = ?')
      for (const chunkId of chunkIds) tombstone.run(chunkId)
    }
    this.documents.deleteRow(documentId)
    return chunkIds
  }

  private notify(removed: number[]): void {
    if (removed.length === 0) return
    for (const chunkId of removed) this.catalog.delete(chunkId)
    for (const listener of this.listeners) listener(removed)
  }
}
