import type { Db } from '../store/db.ts'

const INITIAL_CAPACITY = 1024

/**
 * In-memory map from chunk id to its document and access set, so that the vector search can filter candidates
 * (access rights, document filters) inside hnswlib's search without a database round trip per candidate.
 * 8 bytes per chunk id: 8 MB at a million chunks.
 */
export class ChunkCatalog {
  private documentOf = new Int32Array(INITIAL_CAPACITY)
  private accessOf = new Int32Array(INITIAL_CAPACITY)
  #size = 0

  /** chunks known (kept as chunks come and go: no database count needed) */
  get size(): number {
    return this.#size
  }

  static load(db: Db): ChunkCatalog {
    const catalog = new ChunkCatalog()
    for (const row of db.prepare('SELECT id, document_id, access_set_id FROM chunks').raw().iterate() as Iterable<[number, number, number]>) {
      catalog.set(row[0], row[1], row[2])
    }
    return catalog
  }

  set(chunkId: number, documentId: number, accessSetId: number): void {
    this.ensure(chunkId)
    if (this.documentOf[chunkId] === 0 && documentId !== 0) this.#size++
    this.documentOf[chunkId] = documentId
    this.accessOf[chunkId] = accessSetId
  }

  delete(chunkId: number): void {
    if (chunkId < this.documentOf.length) {
      if (this.documentOf[chunkId] !== 0) this.#size--
      this.documentOf[chunkId] = 0
      this.accessOf[chunkId] = 0
    }
  }

  /** 0 when unknown or deleted */
  documentId(chunkId: number): number {
    return this.documentOf[chunkId] ?? 0
  }

  accessSetId(chunkId: number): number {
    return this.accessOf[chunkId] ?? 0
  }

  private ensure(chunkId: number): void {
    if (chunkId < this.documentOf.length) return
    let size = this.documentOf.length
    while (size <= chunkId) size *= 2
    const documents = new Int32Array(size)
    documents.set(this.documentOf)
    const access = new Int32Array(size)
    access.set(this.accessOf)
    this.documentOf = documents
    this.accessOf = access
  }
}
