import type { IngestProgress } from '../ingest/pipeline.ts'
import type { Db } from './db.ts'

export interface IngestRunRow {
  id: number
  sourceId: number
  startedAt: string
  finishedAt: string | null
  state: 'running' | 'done' | 'failed' | 'aborted'
  stats: Partial<IngestProgress>
}

/** The history of ingest runs per source (ingest_runs table). */
export class IngestRunLog {
  constructor(private readonly db: Db) {}

  begin(sourceId: number): number {
    return Number(this.db.prepare('INSERT INTO ingest_runs (source_id) VALUES (?)').run(sourceId).lastInsertRowid)
  }

  finish(runId: number, progress: IngestProgress): void {
    const state = progress.phase === 'done' || progress.phase === 'failed' || progress.phase === 'aborted' ? progress.phase : 'aborted'
    this.db
      .prepare("UPDATE ingest_runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), state = ?, stats = ? WHERE id = ?")
      .run(state, JSON.stringify(progress), runId)
  }

  /** The latest finished run of every source. */
  latest(): Map<number, IngestRunRow> {
    const rows = this.db
      .prepare(`SELECT r.* FROM ingest_runs r JOIN (SELECT source_id, MAX(id) AS id FROM ingest_runs WHERE finished_at IS NOT NULL GROUP BY source_id) m
        ON m.id = r.id`)
      .all() as Array<{ id: number; source_id: number; started_at: string; finished_at: string | null; state: IngestRunRow['state']; stats: string }>
    return new Map(
      rows.map((r) => [
        r.source_id,
        { id: r.id, sourceId: r.source_id, startedAt: r.started_at, finishedAt: r.finished_at, state: r.state, stats: JSON.parse(r.stats) },
      ]),
    )
  }
}
