import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ValidationError, WissensnetzError } from '../../errors.ts'
import { logger } from '../../log.ts'
import type { Startable } from '../../startable.ts'
import type { Db } from '../../store/db.ts'
import { buildInWorker } from './builder.ts'
import {
  AUTOSAVE_INTERVAL_MS,
  CATCH_UP_PAGE_ROWS,
  COMPACT_DELETED_RATIO,
  COMPACT_MIN_DELETED,
  DEFAULT_EF_SEARCH,
  FILTERED_EF_FACTOR,
  HNSW_EF_CONSTRUCTION,
  HNSW_M,
  INITIAL_CAPACITY_VECTORS,
  META_FORMAT_VERSION,
  SLICE_BUDGET_MS,
  WORKER_BUILD_MIN_VECTORS,
} from './constants.ts'
import { HnswGraph } from './hnsw.ts'
import type { IndexMeta } from './meta.ts'
import { checkSavedIndex, headerHash, syncFile, writeMetaAtomic } from './meta.ts'
import type { VectorItem } from './rows.ts'
import { EmbeddingRows, fingerprintOf, isChunkId } from './rows.ts'

const log = logger('node:index:vector')

export interface VectorIndexInit {
  /** folder of the index files (`<model>.hnsw`, `<model>.meta.json`) */
  dir: string
  /** embedding model id; names the files and selects the rows of `embeddings` */
  model: string
  dimensions: number
  db: Db
  /** initial capacity in vectors; the graph grows as needed */
  maxElements?: number
  m?: number
  efConstruction?: number
  efSearch?: number
  /** never write index files or clear tombstones (for processes that do not hold the data directory lock) */
  readOnly?: boolean
  /** rebuilds of at least this many vectors run in a worker thread */
  workerBuildMinVectors?: number
  /** 0 disables autosave */
  autosaveIntervalMs?: number
}

export interface VectorHit {
  chunkId: number
  /** cosine similarity, higher is closer */
  score: number
}

/**
 * loading: reading the saved graph; syncing: adding rows SQLite has and the graph lacks; building: a worker
 * rebuilds the graph from SQLite; ready: in step with SQLite; failed: syncing failed (searches still served).
 */
export type VectorIndexState = 'stopped' | 'loading' | 'syncing' | 'building' | 'ready' | 'failed'

export interface VectorIndexStatus {
  state: VectorIndexState
  /** live vectors */
  size: number
  /** entries marked deleted, waiting for a compaction */
  deleted: number
  capacity: number
  build: { done: number; total: number } | null
}

export class VectorIndexSaveError extends WissensnetzError {
  constructor(cause: unknown) {
    super('vector_save_failed', 'Der Vektorindex konnte nicht gespeichert werden.', { cause })
  }
}

type Op = { kind: 'add'; items: VectorItem[] } | { kind: 'remove'; ids: number[] } | { kind: 'run'; fn: () => void }
interface QueuedOp {
  op: Op
  resolve: () => void
  reject: (err: unknown) => void
}

/** Add batches up to this size are applied at once when nothing else is pending; larger ones in slices. */
const IMMEDIATE_ADD_MAX_ITEMS = 64
/** Items inserted between checks of the slice budget. */
const ADD_SLICE_ITEMS = 16
const noop = (): void => {}

/**
 * The HNSW cosine index of one embedding model: a cache derived from the `embeddings` table. start() loads the
 * saved graph, applies tombstones and adds what SQLite has beyond it, or rebuilds from SQLite (in a worker
 * thread when large) while searches go on. Changes are applied in call order; while the graph is written to
 * disk they wait in a queue.
 *
 * Callers write SQLite first (embeddings rows; tombstones for deleted chunks, in the same transaction as the
 * delete) and then, synchronously after the commit, call add()/remove(). A crash in between loses nothing:
 * the next start() catches up from SQLite.
 */
export class VectorIndex implements Startable {
  readonly model: string
  readonly dimensions: number
  readonly file: string
  readonly metaFile: string
  private readonly rows: EmbeddingRows
  private readonly m: number
  private readonly efConstruction: number
  private readonly efSearch: number
  private readonly readOnly: boolean
  private readonly workerBuildMinVectors: number
  private readonly autosaveIntervalMs: number
  private readonly initialCapacity: number

  private state: VectorIndexState = 'stopped'
  private graph: HnswGraph | null = null
  /** labels marked deleted in `graph` (hnswlib does not expose them) */
  private deleted = new Set<number>()
  private maxChunkId = 0
  private dirty = false
  private queue: QueuedOp[] = []
  private draining: Promise<void> | null = null
  private saving: Promise<void> | null = null
  /** changes applied while a worker builds a new graph; replayed onto it */
  private journal: Op[] | null = null
  private background: Promise<void> = Promise.resolve()
  private abort = new AbortController()
  private autosave: NodeJS.Timeout | null = null
  private buildProgress: { done: number; total: number } | null = null

  constructor(private readonly init: VectorIndexInit) {
    if (!Number.isInteger(init.dimensions) || init.dimensions < 1) throw new ValidationError(`Ungültige Vektordimension: ${init.dimensions}`)
    this.model = init.model
    this.dimensions = init.dimensions
    const slug = modelSlug(init.model)
    this.file = join(init.dir, `${slug}.hnsw`)
    this.metaFile = join(init.dir, `${slug}.meta.json`)
    this.rows = new EmbeddingRows(init.db, init.model, init.dimensions)
    this.m = init.m ?? HNSW_M
    this.efConstruction = init.efConstruction ?? HNSW_EF_CONSTRUCTION
    this.efSearch = init.efSearch ?? DEFAULT_EF_SEARCH
    this.readOnly = init.readOnly ?? false
    this.workerBuildMinVectors = init.workerBuildMinVectors ?? WORKER_BUILD_MIN_VECTORS
    this.autosaveIntervalMs = init.autosaveIntervalMs ?? AUTOSAVE_INTERVAL_MS
    this.initialCapacity = init.maxElements ?? INITIAL_CAPACITY_VECTORS
  }

  async start(): Promise<void> {
    if (this.state !== 'stopped') return
    this.abort = new AbortController()
    this.state = 'loading'
    if (!this.readOnly) mkdirSync(this.init.dir, { recursive: true })
    const saved = await this.loadSaved()
    if (this.abort.signal.aborted) return
    if (saved !== null) {
      this.useGraph(saved.graph, new Set(saved.meta.deletedIds), saved.meta.maxChunkId)
      this.state = 'syncing'
      this.background = this.inBackground(() => this.catchUp(saved.meta))
    } else {
      const total = this.rows.count()
      const inWorker = total >= this.workerBuildMinVectors && this.canUseWorker()
      // In a worker build the interim graph only takes changes made meanwhile; in place it takes everything.
      this.useGraph(this.newGraph(inWorker ? this.initialCapacity : Math.max(total, this.initialCapacity)), new Set(), 0)
      this.state = inWorker ? 'building' : 'syncing'
      this.background = this.inBackground(() => (inWorker ? this.rebuildInWorker(total) : this.catchUp(null)))
    }
    this.drain()
    if (this.autosaveIntervalMs > 0 && !this.readOnly) {
      this.autosave = setInterval(() => {
        if (this.dirty) this.save().catch((err: unknown) => log.error(`autosave of ${this.model} failed`, err))
      }, this.autosaveIntervalMs)
      this.autosave.unref()
    }
  }

  /** Resolves when the graph is in step with SQLite (after start(): catch-up or rebuild done). */
  whenReady(): Promise<void> {
    return this.background
  }

  status(): VectorIndexStatus {
    return {
      state: this.state,
      size: this.size(),
      deleted: this.deleted.size,
      capacity: this.graph?.capacity() ?? 0,
      build: this.buildProgress === null ? null : { ...this.buildProgress },
    }
  }

  /** Live vectors (deleted entries excluded). */
  size(): number {
    return this.graph === null ? 0 : this.graph.count() - this.deleted.size
  }

  /** Adds vectors or replaces those of existing chunk ids; resolves once they are searchable. */
  add(items: VectorItem[]): Promise<void> {
    try {
      for (const item of items) this.checkItem(item)
    } catch (err) {
      return Promise.reject(err)
    }
    if (items.length === 0 || this.state === 'stopped') return Promise.resolve()
    return this.enqueue({ kind: 'add', items: [...items] })
  }

  /** Removes chunks from the results (hnswlib marks them deleted; the space is reclaimed by a rebuild). */
  remove(chunkIds: number[]): void {
    const ids = chunkIds.filter(isChunkId)
    if (ids.length === 0 || this.state === 'stopped') return
    this.enqueue({ kind: 'remove', ids }).catch((err: unknown) => log.error('vector remove failed', err))
  }

  /** The k nearest chunks by cosine similarity, best first; `filter` rejects chunk ids inside the search. */
  search(vector: Float32Array, k: number, filter?: (chunkId: number) => boolean): VectorHit[] {
    if (vector.length !== this.dimensions) {
      throw new ValidationError(`Suchvektor hat ${vector.length} statt ${this.dimensions} Dimensionen`)
    }
    const graph = this.graph
    const live = this.size()
    if (graph === null || live <= 0 || !(k >= 1)) return []
    const limit = Math.min(Math.floor(k), live)
    const ef = Math.max(this.efSearch, limit) * (filter === undefined ? 1 : FILTERED_EF_FACTOR)
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
    const hits = graph.search(vector, limit, ef, guarded)
    if (filterError !== null) throw filterError
    return hits.labels.map((chunkId, i) => ({ chunkId, score: 1 - (hits.distances[i] ?? 1) }))
  }

  /**
   * Writes the graph atomically (temp file, fsync, rename; then the meta file) and clears the tombstones it
   * reflects. Does nothing while the graph is not in step with SQLite: a restart rebuilds it anyway.
   */
  async save(): Promise<void> {
    if (this.readOnly) return
    while (this.saving !== null) await this.saving.catch(noop)
    await this.idle()
    if (this.saving !== null) return this.saving
    const graph = this.graph
    if (graph === null || this.state !== 'ready' || this.journal !== null || !this.dirty) return
    // Everything above is settled, and the rest of this block runs without a pause: the tombstones read here are
    // exactly the ones whose removal the graph already reflects.
    const tombstones = this.rows.tombstones()
    const base = {
      version: META_FORMAT_VERSION,
      model: this.model,
      dimensions: this.dimensions,
      space: 'cosine' as const,
      m: this.m,
      efConstruction: this.efConstruction,
      count: graph.count(),
      deletedIds: [...this.deleted],
      maxChunkId: this.maxChunkId,
    }
    this.dirty = false
    const temp = `${this.file}.tmp-${process.pid}`
    const started = performance.now()
    this.saving = (async () => {
      try {
        await graph.write(temp)
        syncFile(temp)
        const meta: IndexMeta = { ...base, indexBytes: statSync(temp).size, headerSha256: headerHash(temp), savedAt: new Date().toISOString() }
        renameSync(temp, this.file)
        writeMetaAtomic(this.metaFile, meta)
        this.rows.clearTombstones(tombstones)
        log.info(`vector index ${this.model} saved: ${meta.count - meta.deletedIds.length} vectors in ${Math.round(performance.now() - started)} ms`)
      } catch (err) {
        this.dirty = true
        rmSync(temp, { force: true })
        throw new VectorIndexSaveError(err)
      } finally {
        this.saving = null
        this.drain()
      }
    })()
    return this.saving
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return
    if (this.autosave !== null) clearInterval(this.autosave)
    this.autosave = null
    this.abort.abort()
    await this.background
    await this.idle()
    try {
      await this.save()
    } catch (err) {
      // SQLite holds every vector; the next start catches up from there.
      log.error(`vector index ${this.model} not saved on stop`, err)
    }
    // Changes that never reached a graph (stopped while loading) are in SQLite; the next start picks them up.
    for (const entry of this.queue.splice(0)) entry.resolve()
    this.graph = null
    this.deleted = new Set()
    this.state = 'stopped'
  }

  // ---- loading, catch-up and rebuild ----

  private async loadSaved(): Promise<{ graph: HnswGraph; meta: IndexMeta } | null> {
    const check = checkSavedIndex(this.metaFile, this.file, { model: this.model, dimensions: this.dimensions })
    if (!check.ok) {
      log.info(`vector index ${this.model}: building from SQLite (${check.reason})`)
      return null
    }
    const started = performance.now()
    try {
      const graph = await HnswGraph.load(this.file, this.dimensions)
      if (graph.count() !== check.meta.count) {
        log.warn(`vector index ${this.model}: file holds ${graph.count()} entries, meta says ${check.meta.count}; rebuilding`)
        return null
      }
      log.info(`vector index ${this.model} loaded: ${graph.count()} entries in ${Math.round(performance.now() - started)} ms`)
      return { graph, meta: check.meta }
    } catch (err) {
      log.warn(`vector index ${this.model}: saved graph unreadable; rebuilding`, err)
      return null
    }
  }

  /** Brings the graph in step with SQLite: tombstones, rows beyond the saved maximum id, then a count check. */
  private async catchUp(meta: IndexMeta | null): Promise<void> {
    const started = performance.now()
    let added = 0
    let removed = 0
    if (meta !== null) {
      const tombstones = this.rows.tombstones()
      removed += this.applyRemove(tombstones)
      // SQLite reuses the highest rowid after a delete, so a tombstoned id may belong to a new chunk by now.
      const reused = this.rows.get(tombstones)
      this.applyAdd(reused)
      added += reused.length
      if (tombstones.length > 0) this.dirty = true
    }
    let after = meta?.maxChunkId ?? -1
    let sliceStart = performance.now()
    for (;;) {
      if (this.abort.signal.aborted) return
      // Small pages, each read and applied without a pause: a row deleted meanwhile is never re-added.
      const page = this.rows.page(after, CATCH_UP_PAGE_ROWS)
      if (page.lastChunkId === null) break
      this.applyAdd(page.items)
      added += page.items.length
      after = page.lastChunkId
      if (performance.now() - sliceStart >= SLICE_BUDGET_MS) {
        await nextTurn()
        sliceStart = performance.now()
      }
    }
    if (!this.matchesSqlite()) {
      const fixed = await this.reconcile()
      added += fixed.added
      removed += fixed.removed
    }
    if (added + removed > 0 || meta === null) {
      log.info(`vector index ${this.model} in step with SQLite: +${added} -${removed} in ${Math.round(performance.now() - started)} ms`)
    }
  }

  /** Compares the live labels with the rows of SQLite by count and id sums (one scan of the table). */
  private matchesSqlite(): boolean {
    const graph = this.graph
    if (graph === null) return true
    const inDb = this.rows.fingerprint()
    const live = fingerprintOf(graph.labels().filter((label) => !this.deleted.has(label)))
    // Rows that cannot go into the graph are skipped on every pass; they make the check fail once more each start.
    return inDb.count === live.count && inDb.sum === live.sum && inDb.mix === live.mix
  }

  /** Full comparison of ids; needed only when something bypassed the tombstones (a lost write, a manual edit). */
  private async reconcile(): Promise<{ added: number; removed: number }> {
    const graph = this.graph
    if (graph === null) return { added: 0, removed: 0 }
    const inDb = new Set(this.rows.ids())
    const live = new Set(graph.labels().filter((label) => !this.deleted.has(label)))
    const extra = [...live].filter((id) => !inDb.has(id))
    const removed = this.applyRemove(extra)
    const missing = [...inDb].filter((id) => !live.has(id))
    let added = 0
    for (let i = 0; i < missing.length; i += CATCH_UP_PAGE_ROWS) {
      if (this.abort.signal.aborted) break
      const items = this.rows.get(missing.slice(i, i + CATCH_UP_PAGE_ROWS))
      this.applyAdd(items)
      added += items.length
      await nextTurn()
    }
    log.warn(`vector index ${this.model} differed from SQLite beyond its tombstones; reconciled: +${added} -${removed}`)
    return { added, removed }
  }

  /** `compaction`: a usable graph exists; on failure keep it instead of rebuilding in place. */
  private async rebuildInWorker(total: number, compaction = false): Promise<void> {
    this.journal = []
    const out = this.readOnly ? join(tmpdir(), `wissensnetz-${modelSlug(this.model)}-${process.pid}.hnsw`) : `${this.file}.build-${process.pid}`
    const started = performance.now()
    this.buildProgress = { done: 0, total }
    log.info(`vector index ${this.model}: rebuilding ${total} vectors in a worker thread`)
    try {
      const result = await buildInWorker(
        { dbFile: this.init.db.name, model: this.model, dimensions: this.dimensions, m: this.m, efConstruction: this.efConstruction, outFile: out },
        {
          signal: this.abort.signal,
          onProgress: (done, all) => {
            this.buildProgress = { done, total: all }
            log.info(`vector index ${this.model}: ${done}/${all} vectors built`)
          },
        },
      )
      const graph = await HnswGraph.load(out, this.dimensions)
      if (this.abort.signal.aborted) return
      if (!this.readOnly) {
        syncFile(out)
        renameSync(out, this.file)
        writeMetaAtomic(this.metaFile, {
          version: META_FORMAT_VERSION,
          model: this.model,
          dimensions: this.dimensions,
          space: 'cosine',
          m: this.m,
          efConstruction: this.efConstruction,
          count: result.count,
          deletedIds: [],
          maxChunkId: result.maxChunkId,
          indexBytes: statSync(this.file).size,
          headerSha256: headerHash(this.file),
          savedAt: new Date().toISOString(),
        })
        this.rows.clearTombstones(result.tombstones)
      }
      // Swapping is a queued step, so that no change is half applied to the old graph when it happens.
      await this.enqueue({
        kind: 'run',
        fn: () => {
          const journal = this.journal ?? []
          this.journal = null
          this.useGraph(graph, new Set(), result.maxChunkId)
          this.dirty = journal.length > 0
          this.queue.unshift(...journal.map((op) => ({ op, resolve: noop, reject: noop })))
          this.drain()
        },
      })
      await this.idle()
      log.info(`vector index ${this.model} rebuilt: ${result.count} vectors in ${Math.round((performance.now() - started) / 1000)} s`)
    } catch (err) {
      this.journal = null
      if (this.abort.signal.aborted) return
      if (compaction) throw err
      log.error(`vector index ${this.model}: worker build failed; building in place`, err)
      await this.catchUp(null)
    } finally {
      this.buildProgress = null
      rmSync(out, { force: true })
    }
  }

  private inBackground(task: () => Promise<void>): Promise<void> {
    return task().then(
      () => {
        if (this.abort.signal.aborted) return
        this.state = 'ready'
        this.maybeCompact()
      },
      (err: unknown) => {
        if (this.abort.signal.aborted) return
        this.state = 'failed'
        log.error(`vector index ${this.model} could not be brought in step with SQLite`, err)
      },
    )
  }

  /** Deleted entries still cost memory and search time: past a share of the graph, rebuild in the background. */
  private maybeCompact(): void {
    const graph = this.graph
    if (graph === null || this.readOnly || !this.canUseWorker()) return
    const deleted = this.deleted.size
    if (deleted < COMPACT_MIN_DELETED || deleted < graph.count() * COMPACT_DELETED_RATIO) return
    log.info(`vector index ${this.model}: compacting ${deleted} deleted entries`)
    this.background = this.rebuildInWorker(this.size(), true).catch((err: unknown) => log.error('compaction failed', err))
  }

  private canUseWorker(): boolean {
    return !this.init.db.memory && this.init.db.name !== ''
  }

  private newGraph(capacity: number): HnswGraph {
    return HnswGraph.create({ dimensions: this.dimensions, m: this.m, efConstruction: this.efConstruction }, capacity)
  }

  private useGraph(graph: HnswGraph, deleted: Set<number>, maxChunkId: number): void {
    this.graph = graph
    this.deleted = deleted
    this.maxChunkId = maxChunkId
  }

  // ---- ordered changes ----

  private enqueue(op: Op): Promise<void> {
    const idle = this.queue.length === 0 && this.draining === null && this.saving === null && this.graph !== null
    if (idle && (op.kind !== 'add' || op.items.length <= IMMEDIATE_ADD_MAX_ITEMS)) {
      try {
        this.apply(op)
        return Promise.resolve()
      } catch (err) {
        return Promise.reject(err)
      }
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ op, resolve, reject })
      this.drain()
    })
  }

  private drain(): void {
    if (this.draining !== null || this.queue.length === 0 || this.graph === null) return
    this.draining = (async () => {
      try {
        while (this.queue.length > 0 && this.graph !== null) {
          if (this.saving !== null) {
            await this.saving.catch(noop)
            continue
          }
          const entry = this.queue.shift() as QueuedOp
          try {
            await this.applySliced(entry.op)
            entry.resolve()
          } catch (err) {
            entry.reject(err)
          }
        }
      } finally {
        this.draining = null
      }
    })()
  }

  /** Resolves when no change is waiting or being applied. */
  private async idle(): Promise<void> {
    while (this.draining !== null) await this.draining
  }

  private async applySliced(op: Op): Promise<void> {
    if (op.kind !== 'add') {
      this.apply(op)
      return
    }
    let sliceStart = performance.now()
    for (let i = 0; i < op.items.length; i += ADD_SLICE_ITEMS) {
      this.applyAdd(op.items.slice(i, i + ADD_SLICE_ITEMS))
      if (performance.now() - sliceStart >= SLICE_BUDGET_MS) {
        await nextTurn()
        sliceStart = performance.now()
      }
    }
  }

  private apply(op: Op): void {
    if (op.kind === 'add') this.applyAdd(op.items)
    else if (op.kind === 'remove') this.applyRemove(op.ids)
    else op.fn()
  }

  private applyAdd(items: VectorItem[]): void {
    const graph = this.graph
    if (graph === null || items.length === 0) return
    graph.reserve(items.length)
    for (const { chunkId, vector } of items) {
      graph.add(chunkId, vector)
      this.deleted.delete(chunkId)
      if (chunkId > this.maxChunkId) this.maxChunkId = chunkId
    }
    this.journal?.push({ kind: 'add', items })
    this.dirty = true
  }

  /** Returns how many were live and are now deleted. */
  private applyRemove(ids: number[]): number {
    const graph = this.graph
    if (graph === null || ids.length === 0) return 0
    let removed = 0
    for (const id of ids) {
      if (this.deleted.has(id) || !graph.markDeleted(id)) continue
      this.deleted.add(id)
      removed += 1
    }
    this.journal?.push({ kind: 'remove', ids })
    if (removed > 0) this.dirty = true
    return removed
  }

  private checkItem(item: VectorItem): void {
    if (!isChunkId(item.chunkId)) throw new ValidationError(`Ungültige Chunk-ID für den Vektorindex: ${item.chunkId}`)
    if (item.vector.length !== this.dimensions) {
      throw new ValidationError(`Vektor für Chunk ${item.chunkId} hat ${item.vector.length} statt ${this.dimensions} Dimensionen`)
    }
    for (let i = 0; i < item.vector.length; i++) {
      if (!Number.isFinite(item.vector[i])) throw new ValidationError(`Vektor für Chunk ${item.chunkId} enthält ungültige Werte`)
    }
  }
}

/** A file name for a model id: model ids are already tame, anything else is replaced. */
export function modelSlug(model: string): string {
  return model.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || '_'
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
