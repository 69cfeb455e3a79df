import type { Statement } from 'better-sqlite3'
import type { Db } from '../../store/db.ts'
import { MAX_CHUNK_ID } from './constants.ts'

export interface VectorItem {
  chunkId: number
  vector: Float32Array
}

/** float32 little endian, the `embeddings.vector` format. */
export function encodeVector(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)
}

/** Copies a BLOB into an aligned Float32Array; null when its length does not fit the dimensions. */
export function decodeVector(blob: Uint8Array, dimensions: number): Float32Array | null {
  if (blob.byteLength !== dimensions * Float32Array.BYTES_PER_ELEMENT) return null
  const vector = new Float32Array(dimensions)
  new Uint8Array(vector.buffer).set(blob)
  return vector
}

export interface IdFingerprint {
  count: number
  sum: number
  mix: number
}

const FINGERPRINT_MULTIPLIER = 40503
const FINGERPRINT_MODULUS = 65536

/** The fingerprint of a set of ids, as fingerprint() computes it in SQL (exact below 2^53 / 65536 ids). */
export function fingerprintOf(ids: Iterable<number>): IdFingerprint {
  let count = 0
  let sum = 0
  let mix = 0
  for (const id of ids) {
    count += 1
    sum += id
    mix += (id * FINGERPRINT_MULTIPLIER) % FINGERPRINT_MODULUS
  }
  return { count, sum, mix }
}

export function isChunkId(id: number): boolean {
  return Number.isInteger(id) && id >= 0 && id <= MAX_CHUNK_ID
}

/**
 * Reads one model's rows of `embeddings` and `vector_tombstones`, the source of truth the HNSW graph is derived
 * from. Rows that cannot go into the graph (wrong length, id beyond uint32) are skipped and counted.
 */
export class EmbeddingRows {
  /** rows skipped because they cannot go into the graph */
  skipped = 0
  private readonly statements = new Map<string, Statement>()

  constructor(
    private readonly db: Db,
    readonly model: string,
    readonly dimensions: number,
  ) {}

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM embeddings WHERE model = ?').get(this.model) as { n: number }).n
  }

  /** Whether there are at least n rows; reads n rows at most, unlike count(). */
  hasAtLeast(n: number): boolean {
    if (n <= 0) return true
    return this.db.prepare('SELECT 1 FROM embeddings WHERE model = ? LIMIT 1 OFFSET ?').get(this.model, n - 1) !== undefined
  }

  /** Count and two id sums: cheap to compare, and unlike a count they notice a lost add offset by a lost delete. */
  fingerprint(): IdFingerprint {
    const row = this.db
      .prepare(`SELECT count(*) AS count, coalesce(sum(chunk_id), 0) AS sum, coalesce(sum((chunk_id * ${FINGERPRINT_MULTIPLIER}) % ${FINGERPRINT_MODULUS}), 0) AS mix
        FROM embeddings WHERE model = ?`)
      .get(this.model) as IdFingerprint
    return row
  }

  /** Rows with chunk_id > afterChunkId in id order, at most `limit`. */
  page(afterChunkId: number, limit: number): { items: VectorItem[]; lastChunkId: number | null } {
    const rows = this.prepare('SELECT chunk_id, vector FROM embeddings WHERE model = ? AND chunk_id > ? ORDER BY chunk_id LIMIT ?')
      .raw()
      .all(this.model, afterChunkId, limit) as Array<[number, Buffer]>
    return { items: this.decode(rows), lastChunkId: rows.at(-1)?.[0] ?? null }
  }

  /** Every row in id order, without holding them all (used by the build worker on its own connection). */
  *all(): Generator<VectorItem> {
    const statement = this.db.prepare('SELECT chunk_id, vector FROM embeddings WHERE model = ? ORDER BY chunk_id').raw()
    for (const row of statement.iterate(this.model) as Iterable<[number, Buffer]>) {
      const [item] = this.decode([row])
      if (item !== undefined) yield item
    }
  }

  get(chunkIds: Iterable<number>): VectorItem[] {
    const statement = this.prepare('SELECT chunk_id, vector FROM embeddings WHERE model = ? AND chunk_id = ?').raw()
    const rows: Array<[number, Buffer]> = []
    for (const id of chunkIds) {
      const row = statement.get(this.model, id) as [number, Buffer] | undefined
      if (row !== undefined) rows.push(row)
    }
    return this.decode(rows)
  }

  ids(): number[] {
    return this.db.prepare('SELECT chunk_id FROM embeddings WHERE model = ?').pluck().all(this.model) as number[]
  }

  tombstones(): number[] {
    return this.db.prepare('SELECT chunk_id FROM vector_tombstones WHERE model = ?').pluck().all(this.model) as number[]
  }

  /** Deletes exactly these tombstones (ones written meanwhile stay). */
  clearTombstones(chunkIds: number[]): void {
    if (chunkIds.length === 0) return
    const statement = this.db.prepare('DELETE FROM vector_tombstones WHERE model = ? AND chunk_id = ?')
    this.db.transaction(() => {
      for (const id of chunkIds) statement.run(this.model, id)
    })()
  }

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql)
    if (statement === undefined) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  private decode(rows: Array<[number, Buffer]>): VectorItem[] {
    const items: VectorItem[] = []
    for (const [chunkId, blob] of rows) {
      const vector = isChunkId(chunkId) ? decodeVector(blob, this.dimensions) : null
      if (vector === null) this.skipped += 1
      else items.push({ chunkId, vector })
    }
    return items
  }
}
