import type { Embedder } from '../llm/embedder.ts'
import { logger } from '../log.ts'
import type { Db } from '../store/db.ts'
import type { VectorIndex } from './vector/index.ts'

const log = logger('node:index:embed')

/**
 * Embeds every chunk that has no vector for the current model yet, in batches, and adds the vectors to the
 * HNSW index. The missing set is derived from the database, so after a crash the next run simply continues.
 */
export class EmbeddingStage {
  private running: Promise<number> | null = null
  private again = false

  constructor(
    private readonly db: Db,
    private readonly embedder: Embedder,
    private readonly index: VectorIndex,
    private readonly batchSize: number,
  ) {}

  /** Starts (or re-triggers) a drain; resolves with the number of chunks embedded by this call's run. */
  drain(signal?: AbortSignal): Promise<number> {
    if (this.running !== null) {
      this.again = true
      return this.running
    }
    this.running = this.run(signal).finally(() => {
      this.running = null
    })
    return this.running
  }

  pending(): number {
    return (
      this.db
        .prepare('SELECT COUNT(*) AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = ? AND e.chunk_id = c.id)')
        .get(this.embedder.modelId) as { n: number }
    ).n
  }

  private async run(signal?: AbortSignal): Promise<number> {
    const model = this.embedder.modelId
    const next = this.db.prepare(`SELECT c.id, substr(d.text, c.start_offset + 1, c.end_offset - c.start_offset) AS text, d.title
      FROM chunks c JOIN documents d ON d.id = c.document_id
      WHERE c.id > ? AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = ? AND e.chunk_id = c.id)
      ORDER BY c.id LIMIT ?`)
    const insert = this.db.prepare('INSERT OR REPLACE INTO embeddings (model, chunk_id, vector) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?)')
    let done = 0
    let after = 0
    do {
      this.again = false
      after = 0
      for (;;) {
        if (signal?.aborted) return done
        const rows = next.all(after, model, this.batchSize) as Array<{ id: number; text: string; title: string }>
        if (rows.length === 0) break
        after = rows.at(-1)?.id ?? after
        // The title gives a passage its context ("Friedhofssatzung: § 3 …"), which helps short passages.
        const vectors = await this.embedder.embed(
          rows.map((r) => `${r.title}\n${r.text}`),
          signal,
        )
        const stored: Array<{ chunkId: number; vector: Float32Array }> = []
        this.db.transaction(() => {
          rows.forEach((row, i) => {
            const vector = vectors[i]
            if (vector === undefined) return
            const blob = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)
            // A chunk deleted while we embedded it is skipped (the EXISTS guard).
            if (insert.run(model, row.id, blob, row.id).changes > 0) stored.push({ chunkId: row.id, vector })
          })
        })()
        await this.index.add(stored)
        done += stored.length
      }
    } while (this.again)
    if (done > 0) {
      await this.index.save()
      log.info(`embedded ${done} chunks with model ${model}`)
    }
    return done
  }
}
