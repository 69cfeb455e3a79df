import hnswlib from 'hnswlib-node'
import type { HierarchicalNSW } from 'hnswlib-node'
import { CAPACITY_GROWTH_FACTOR, HNSW_EF_CONSTRUCTION, HNSW_M, INITIAL_CAPACITY_VECTORS } from './constants.ts'

export interface GraphParams {
  dimensions: number
  m?: number
  efConstruction?: number
}

export interface GraphHits {
  labels: number[]
  /** cosine distance, 1 - cosine similarity */
  distances: number[]
}

/**
 * The only place that talks to hnswlib-node: a cosine HNSW graph keyed by uint32 labels (chunk ids). Wraps the
 * library's quirks: it takes plain number arrays, not typed arrays; it does not grow by itself; and markDelete
 * throws for unknown or already deleted labels.
 */
export class HnswGraph {
  private ef = 0

  private constructor(
    private readonly index: HierarchicalNSW,
    readonly dimensions: number,
  ) {}

  static create(params: GraphParams, capacity = INITIAL_CAPACITY_VECTORS): HnswGraph {
    const index = new hnswlib.HierarchicalNSW('cosine', params.dimensions)
    index.initIndex({
      maxElements: Math.max(1, capacity),
      m: params.m ?? HNSW_M,
      efConstruction: params.efConstruction ?? HNSW_EF_CONSTRUCTION,
    })
    return new HnswGraph(index, params.dimensions)
  }

  /** Reads a saved graph on a libuv thread (the event loop stays free). */
  static async load(file: string, dimensions: number): Promise<HnswGraph> {
    const index = new hnswlib.HierarchicalNSW('cosine', dimensions)
    await index.readIndex(file)
    return new HnswGraph(index, dimensions)
  }

  /** Entries in the graph, deleted ones included (hnswlib never lowers this count). */
  count(): number {
    return this.index.getCurrentCount()
  }

  capacity(): number {
    return this.index.getMaxElements()
  }

  /** Makes room for `extra` more entries, growing geometrically so that resizes stay rare. */
  reserve(extra: number): void {
    const needed = this.count() + extra
    const capacity = this.capacity()
    if (needed <= capacity) return
    this.index.resizeIndex(Math.max(needed, Math.ceil(capacity * CAPACITY_GROWTH_FACTOR)))
  }

  /** Inserts, or replaces the vector of (and undeletes) an existing label. Call reserve() first. */
  add(label: number, vector: Float32Array): void {
    this.index.addPoint(Array.from(vector), label)
  }

  /** false when the label is unknown or already deleted */
  markDeleted(label: number): boolean {
    try {
      this.index.markDelete(label)
      return true
    } catch {
      return false
    }
  }

  /** Every label in the graph, deleted ones included. */
  labels(): number[] {
    return this.index.getIdsList()
  }

  search(vector: Float32Array, k: number, ef: number, filter?: (label: number) => boolean): GraphHits {
    if (ef !== this.ef) {
      this.index.setEf(ef)
      this.ef = ef
    }
    const result = this.index.searchKnn(Array.from(vector), Math.min(k, this.capacity()), filter)
    return { labels: result.neighbors, distances: result.distances }
  }

  /** Writes on a libuv thread; the graph must not change until the promise settles. */
  async write(file: string): Promise<void> {
    await this.index.writeIndex(file)
  }

  writeSync(file: string): void {
    this.index.writeIndexSync(file)
  }
}
