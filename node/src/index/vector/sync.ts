import { logger } from '../../log.ts'
import { fingerprintInWorker } from './builder.ts'
import { CATCH_UP_PAGE_ROWS, SLICE_BUDGET_MS } from './constants.ts'
import type { LiveGraph } from './live-graph.ts'
import type { IndexMeta } from './meta.ts'
import type { EmbeddingRows, IdFingerprint } from './rows.ts'
import { fingerprintOf } from './rows.ts'

const log = logger('node:index:vector')

export interface SyncContext {
  rows: EmbeddingRows
  /** the SQLite file for worker threads; null when the database cannot be opened twice (in memory) */
  dbFile: string | null
  /** scans of at least this many rows run in a worker thread */
  workerMinRows: number
  signal: AbortSignal
}

/**
 * Brings a graph in step with SQLite: tombstones, rows beyond the saved maximum id, then a fingerprint check
 * that catches everything else. Works in short slices; changes made through the index meanwhile interleave.
 * With `meta` null the graph starts empty and takes every row.
 */
export async function catchUp(ctx: SyncContext, live: LiveGraph, meta: IndexMeta | null): Promise<void> {
  const { rows, signal } = ctx
  const started = performance.now()
  let added = 0
  let removed = 0
  if (meta !== null) {
    const tombstones = rows.tombstones()
    removed += live.remove(tombstones)
    // SQLite reuses the highest rowid after a delete, so a tombstoned id may belong to a new chunk by now.
    const reused = rows.get(tombstones)
    live.add(reused)
    added += reused.length
    // A save clears the tombstones, also those that matched nothing.
    if (tombstones.length > 0) live.dirty = true
  }
  let after = meta?.maxChunkId ?? -1
  let sliceStart = performance.now()
  for (;;) {
    if (signal.aborted) return
    // Small pages, each read and applied without a pause: a row deleted meanwhile is never re-added.
    const page = rows.page(after, CATCH_UP_PAGE_ROWS)
    if (page.lastChunkId === null) break
    live.add(page.items)
    added += page.items.length
    after = page.lastChunkId
    if (performance.now() - sliceStart >= SLICE_BUDGET_MS) {
      await nextTurn()
      sliceStart = performance.now()
    }
  }
  // A change committed while the fingerprint is taken can make one comparison differ: ask twice.
  if (!(await matchesSqlite(ctx, live)) && !(await matchesSqlite(ctx, live))) {
    const fixed = await reconcile(ctx, live)
    added += fixed.added
    removed += fixed.removed
  }
  if (added + removed > 0 || meta === null) {
    log.info(`vector index ${rows.model} in step with SQLite: +${added} -${removed} in ${Math.round(performance.now() - started)} ms`)
  }
}

/** Compares the live labels with the rows of SQLite by count and id sums (one scan of the table). */
async function matchesSqlite(ctx: SyncContext, live: LiveGraph): Promise<boolean> {
  const { rows, signal } = ctx
  if (signal.aborted) return true
  let inDb: IdFingerprint | null = null
  // Starting a worker costs about a second; only a big table is worth it.
  if (ctx.dbFile !== null && rows.hasAtLeast(ctx.workerMinRows)) {
    inDb = await fingerprintInWorker({ dbFile: ctx.dbFile, model: rows.model, dimensions: rows.dimensions }, { signal }).catch(
      (err: unknown) => {
        if (!signal.aborted) log.warn(`vector index ${rows.model}: fingerprint worker failed; scanning in place`, err)
        return null
      },
    )
    if (signal.aborted) return true
  }
  inDb ??= rows.fingerprint()
  const inGraph = fingerprintOf(live.liveLabels())
  // Rows that cannot go into the graph are skipped on every pass; they make the check fail once more each start.
  return inDb.count === inGraph.count && inDb.sum === inGraph.sum && inDb.mix === inGraph.mix
}

/** Full comparison of ids; needed only when something bypassed the tombstones (a lost write, a manual edit). */
async function reconcile(ctx: SyncContext, live: LiveGraph): Promise<{ added: number; removed: number }> {
  const { rows, signal } = ctx
  const inDb = new Set(rows.ids())
  const inGraph = new Set(live.liveLabels())
  const removed = live.remove([...inGraph].filter((id) => !inDb.has(id)))
  const missing = [...inDb].filter((id) => !inGraph.has(id))
  let added = 0
  for (let i = 0; i < missing.length; i += CATCH_UP_PAGE_ROWS) {
    if (signal.aborted) break
    const items = rows.get(missing.slice(i, i + CATCH_UP_PAGE_ROWS))
    live.add(items)
    added += items.length
    await nextTurn()
  }
  log.warn(`vector index ${rows.model} differed from SQLite beyond its tombstones; reconciled: +${added} -${removed}`)
  return { added, removed }
}

export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
