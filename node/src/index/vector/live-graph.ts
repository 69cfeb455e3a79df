import type { Change } from './changes.ts'
import type { HnswGraph } from './hnsw.ts'
import type { VectorItem } from './rows.ts'

export interface VectorHit {
  chunkId: number
  /** cosine similarity, higher is closer */
  score: number
}

/**
 * A graph with what hnswlib does not track for us: which labels are marked deleted, the highest chunk id ever
 * added, whether anything changed since the last save, and (while a new graph is built elsewhere) a journal of
 * the changes, to replay onto that graph.
 */
export class LiveGraph {
  dirty = false
  /** changes applied while a worker builds a replacement graph */
  journal: Change[] | null = null

  constructor(
    readonly graph: HnswGraph,
    readonly deleted: Set<number> = new Set(),
    public maxChunkId = 0,
  ) {}

  /** live vectors */
  size(): number {
    return this.graph.count() - this.deleted.size
  }

  /** Live labels: every label in the graph except the deleted ones. */
  liveLabels(): number[] {
    return this.graph.labels().filter((label) => !this.deleted.has(label))
  }

  add(items: VectorItem[]): void {
    if (items.length === 0) return
    this.graph.reserve(items.length)
    for (const { chunkId, vector } of items) {
      this.graph.add(chunkId, vector)
      this.deleted.delete(chunkId)
      if (chunkId > this.maxChunkId) this.maxChunkId = chunkId
    }
    this.journal?.push({ kind: 'add', items })
    this.dirty = true
  }

  /** Returns how many were live and are now deleted. */
  remove(ids: number[]): number {
    if (ids.length === 0) return 0
    let removed = 0
    for (const id of ids) {
      if (this.deleted.has(id) || !this.graph.markDeleted(id)) continue
      this.deleted.add(id)
      removed += 1
    }
    this.journal?.push({ kind: 'remove', ids })
    if (removed > 0) this.dirty = true
    return removed
  }

  search(vector: Float32Array, k: number, efSearch: number, filter?: (chunkId: number) => boolean): VectorHit[] {
    const live = this.size()
    if (live <= 0 || !(k >= 1)) return []
    const limit = Math.min(Math.floor(k), live)
    const ef = Math.max(efSearch, limit)
    let filterError: unknown = null
    // An exception thrown inside hnswlib's native filter callback would surface unpredictably: catch it here.
    const guarded =
      filter === undefined
        ? undefined
        : (label: number): boolean => {
            try {
              return filter(label)
            } catch (err) {
              filterError ??= err
              return false
            }
          }
    const hits = this.graph.search(vector, limit, ef, guarded)
    if (filterError !== null) throw filterError
    return hits.labels.map((chunkId, i) => ({ chunkId, score: 1 - (hits.distances[i] ?? 1) }))
  }
}
