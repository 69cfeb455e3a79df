import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GermanAnalyzer } from '../../node/src/index/analysis/index.ts'
import { analyzeChunk, LexicalIndex, type LexicalEntry, type LexicalIndexInit } from '../../node/src/index/lexical.ts'
import { openDatabase } from '../../node/src/store/db.ts'
import { paragraphChunks } from './chunks.ts'
import type { CorpusDoc, Query } from './data.ts'
import { percentile } from './metrics.ts'

const ROWS_PER_TRANSACTION = 20_000
/** Every other document gets the second access set, so that filtered searches have something to exclude. */
const ACCESS_SETS = 2

/**
 * Query latency of the lexical index at a size no benchmark corpus has: the Karlsruhe chunks, analysed once,
 * are written again and again until the index holds `target` chunks. Term frequencies keep their shares of
 * the index (a term in 5% of the chunks stays in 5%), which is what the work per query depends on; quality
 * is not measured here (no judgements at this size). Prints one line per configuration.
 */
export function lexicalScale(docs: CorpusDoc[], queries: Query[], target: number, configs: Record<string, LexicalIndexInit>): void {
  const analyzer = new GermanAnalyzer()
  const entries: Array<{ doc: number; entry: LexicalEntry }> = []
  docs.forEach((doc, i) => {
    for (const text of paragraphChunks(doc.text)) entries.push({ doc: i, entry: analyzeChunk(analyzer, doc.title, text) })
  })
  const dir = mkdtempSync(join(tmpdir(), 'wissensnetz-bench-scale-'))
  const db = openDatabase(join(dir, 'scale.db'))
  try {
    db.exec(`INSERT INTO sources (id, name, kind, location) VALUES (1, 'bench', 'folder', '/bench');
      INSERT INTO access_sets (id, principals) VALUES (1, '["*"]'), (2, '["bauamt"]');`)
    const index = new LexicalIndex(db, { analyzer })
    const insertDoc = db.prepare(`INSERT INTO documents (id, source_id, path, file_name, title, status, access_set_id)
      VALUES (?, 1, ?, ?, 't', 'indexed', ?)`)
    const insertChunk = db.prepare(`INSERT INTO chunks (id, document_id, ord, start_offset, end_offset, access_set_id)
      VALUES (?, ?, ?, 0, 0, ?)`)
    const started = performance.now()
    let chunkId = 0
    let round = 0
    while (chunkId < target) {
      const docBase = round * docs.length
      db.transaction(() => {
        docs.forEach((doc, i) => {
          insertDoc.run(docBase + i + 1, `${round}/${doc.id}`, doc.id, (i % ACCESS_SETS) + 1)
        })
      })()
      for (let start = 0; start < entries.length && chunkId < target; start += ROWS_PER_TRANSACTION) {
        db.transaction(() => {
          for (const { doc, entry } of entries.slice(start, start + ROWS_PER_TRANSACTION)) {
            if (chunkId >= target) break
            chunkId++
            insertChunk.run(chunkId, docBase + doc + 1, chunkId, (doc % ACCESS_SETS) + 1)
            index.addAnalyzed(chunkId, entry)
          }
        })()
      }
      round++
    }
    db.pragma('wal_checkpoint(TRUNCATE)')
    const buildS = (performance.now() - started) / 1000
    const sizeMB = statSync(join(dir, 'scale.db')).size / 1e6
    console.log(`scale: ${chunkId} chunks written in ${buildS.toFixed(0)} s (pre-analysed), ${sizeMB.toFixed(0)} MB on disk`)
    for (const [name, init] of Object.entries(configs)) {
      const search = new LexicalIndex(db, { ...init, analyzer })
      // first pass fills the document-frequency cache, as a running node's would be
      for (const q of queries) search.search(q.query, { limit: 100 })
      const ms: number[] = []
      const filtered: number[] = []
      for (const q of queries) {
        let t = performance.now()
        search.search(q.query, { limit: 100 })
        ms.push(performance.now() - t)
        t = performance.now()
        search.search(q.query, { limit: 100, where: { sql: 'c.access_set_id IN (1)', params: [] } })
        filtered.push(performance.now() - t)
      }
      const f = (v: number[]): string => `p50 ${percentile(v, 50).toFixed(1)} ms, p95 ${percentile(v, 95).toFixed(1)} ms`
      console.log(`scale ${name}: ${f(ms)}; with access filter ${f(filtered)} (${queries.length} queries)`)
    }
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
