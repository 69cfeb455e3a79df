// Worker thread of readTermStats(): scans the FTS5 vocabulary on its own read-only connection. fts5vocab counts
// each term's whole posting list, so the scan reads the entire lexical index (seconds at a million chunks).
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type { TermStatsRequest, TermStatsSnapshot } from './term-stats.ts'

const request = workerData as TermStatsRequest
const db = new Database(request.dbFile, { readonly: true, fileMustExist: true })
try {
  db.exec('BEGIN') // one snapshot for the count and the frequencies
  const chunks = db.prepare('SELECT count(*) FROM chunks').pluck().get() as number
  const floor = Math.max(2, Math.ceil(chunks * request.floorFraction))
  const terms: string[] = []
  const frequencies: number[] = []
  for (const [term, df] of db.prepare('SELECT term, doc FROM chunk_fts_vocab WHERE doc >= ?').raw().iterate(floor) as Iterable<[string, number]>) {
    terms.push(term)
    frequencies.push(df)
  }
  db.exec('COMMIT')
  parentPort?.postMessage({ chunks, floor, terms, frequencies } satisfies TermStatsSnapshot)
} finally {
  db.close()
}
