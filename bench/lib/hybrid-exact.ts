import type { Db } from '../../node/src/store/db.ts'

/**
 * Exact top-k by dot product (cosine for unit vectors) over every stored embedding of a model: the ground truth
 * for the recall of the HNSW graph, read from SQLite in one pass for all queries at once, so that a million
 * vectors never have to be held in memory. `filtered` holds the top k among the chunks `visible` accepts.
 */
export function exactTopK(
  db: Db,
  model: string,
  queries: readonly Float32Array[],
  k: number,
  visible: (chunkId: number) => boolean,
): { all: number[][]; filtered: number[][] } {
  const d = queries[0]?.length ?? 0
  const flat = new Float32Array(queries.length * d)
  queries.forEach((q, i) => {
    flat.set(q, i * d)
  })
  const all = queries.map(() => new TopK(k))
  const filtered = queries.map(() => new TopK(k))
  const vector = new Float32Array(d)
  const bytes = new Uint8Array(vector.buffer)
  const rows = db.prepare('SELECT chunk_id, vector FROM embeddings WHERE model = ?').raw().iterate(model) as Iterable<[number, Buffer]>
  for (const [chunkId, blob] of rows) {
    if (blob.byteLength !== bytes.byteLength) continue
    bytes.set(blob)
    const isVisible = visible(chunkId)
    for (let q = 0; q < queries.length; q++) {
      const at = q * d
      let dot = 0
      for (let i = 0; i < d; i++) dot += (vector[i] as number) * (flat[at + i] as number)
      ;(all[q] as TopK).offer(chunkId, dot)
      if (isVisible) (filtered[q] as TopK).offer(chunkId, dot)
    }
  }
  return { all: all.map((t) => t.ids), filtered: filtered.map((t) => t.ids) }
}

/** The k best (id, score) pairs seen, best first. */
class TopK {
  readonly ids: number[] = []
  private readonly scores: number[] = []

  constructor(private readonly k: number) {}

  offer(id: number, score: number): void {
    if (this.ids.length === this.k && score <= (this.scores[this.k - 1] as number)) return
    let pos = this.scores.length
    while (pos > 0 && (this.scores[pos - 1] as number) < score) pos--
    this.scores.splice(pos, 0, score)
    this.ids.splice(pos, 0, id)
    if (this.ids.length > this.k) {
      this.scores.pop()
      this.ids.pop()
    }
  }
}
