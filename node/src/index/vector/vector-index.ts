import { mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ValidationError, WissensnetzError } from '../../errors.ts'
import { logger } from '../../log.ts'
import type { Startable } from '../../startable.ts'
import type { Db } from '../../store/db.ts'
import { buildInWorker } from './builder.ts'
import type { Change } from './changes.ts'
import { ChangeQueue } from './changes.ts'
import {
  AUTOSAVE_INTERVAL_MS,
  COMPACT_DELETED_RATIO,
  COMPACT_MIN_DELETED,
  DEFAULT_EF_SEARCH,
  HNSW_EF_CONSTRUCTION,
  HNSW_M,
  INITIAL_CAPACITY_VECTORS,
  META_FORMAT_VERSION,
  SLICE_BUDGET_MS,
  WORKER_BUILD_MIN_VECTORS,
} from './constants.ts'
import { HnswGraph } from './hnsw.ts'
import type { VectorHit } from './live-graph.ts'
import { LiveGraph } from './live-graph.ts'
import type { IndexMeta } from './meta.ts'
import { checkSavedIndex, publishGraph } from './meta.ts'
import type { VectorItem } from './rows.ts'
import { EmbeddingRows, isChunkId } from './rows.ts'
import { catchUp, nextTurn } from './sync.ts'

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
  /** compact (rebuild without deleted entries) from this many deleted entries on, if also 20 % of the graph */
  compactMinDeleted?: number
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
  private readonly compactMinDeleted: number

  private state: VectorIndexState = 'stopped'
  private live: LiveGraph | null = null
  private readonly changes: ChangeQueue
  private saving: Promise<void> | null = null
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
    this.compactMinDeleted = init.compactMinDeleted ?? COMPACT_MIN_DELETED
    this.changes = new ChangeQueue({
      accepting: () => this.live !== null,
      writing: () => this.saving,
      small: (change) => change.kind !== 'add' || change.items.length <= IMMEDIATE_ADD_MAX_ITEMS,
      apply: (change) => this.apply(change),
    })
  }

  async start(): Promise<void> {
    if (this.state !== 'stopped') return
    this.abort = new AbortController()
    this.state = 'loading'
    if (!this.readOnly) mkdirSync(this.init.dir, { recursive: true })
    const saved = await this.loadSaved()
    if (this.abort.signal.aborted) return
    if (saved !== null) {
      this.live = new LiveGraph(saved.graph, new Set(saved.meta.deletedIds), saved.meta.maxChunkId)
      this.state = 'syncing'
      this.background = this.inBackground(() => this.catchUp(saved.meta))
    } else {
      // Counting a big table is itself a scan; asking for the n-th row only reads as far as n.
      const inWorker = this.canUseWorker() && this.rows.hasAtLeast(this.workerBuildMinVectors)
      // In a worker build the interim graph only takes changes made meanwhile; in place it takes everything.
      this.live = new LiveGraph(this.newGraph(inWorker ? this.initialCapacity : Math.max(this.rows.count(), this.initialCapacity)))
      this.state = inWorker ? 'building' : 'syncing'
      this.background = this.inBackground(() => (inWorker ? this.rebuildInWorker() : this.catchUp(null)))
    }
    this.changes.drain()
    if (this.autosaveIntervalMs > 0 && !this.readOnly) {
      this.autosave = setInterval(() => {
        if (this.live?.dirty) this.save().catch((err: unknown) => log.error(`autosave of ${this.model} failed`, err))
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
      deleted: this.live?.deleted.size ?? 0,
      capacity: this.live?.graph.capacity() ?? 0,
      build: this.buildProgress === null ? null : { ...this.buildProgress },
    }
  }

  /** Live vectors (deleted entries excluded). */
  size(): number {
    return this.live?.size() ?? 0
  }

  /** Adds vectors or replaces those of existing chunk ids; resolves once they are searchable. */
  add(items: VectorItem[]): Promise<void> {
    try {
      for (const item of items) this.checkItem(item)
    } catch (err) {
      return Promise.reject(err)
    }
    if (items.length === 0 || this.state === 'stopped') return Promise.resolve()
    return this.changes.enqueue({ kind: 'add', items: [...items] })
  }

  /** Removes chunks from the results (hnswlib marks them deleted; the space is reclaimed by a rebuild). */
  remove(chunkIds: number[]): void {
    const ids = chunkIds.filter(isChunkId)
    if (ids.length === 0 || this.state === 'stopped') return
    this.changes.enqueue({ kind: 'remove', ids }).catch((err: unknown) => log.error('vector remove failed', err))
  }

  /** The k nearest chunks by cosine similarity, best first; `filter` rejects chunk ids inside the search. */
  search(vector: Float32Array, k: number, filter?: (chunkId: number) => boolean): VectorHit[] {
    if (vector.length !== this.dimensions) {
      throw new ValidationError(`Suchvektor hat ${vector.length} statt ${this.dimensions} Dimensionen`)
    }
    return this.live?.search(vector, k, this.efSearch, filter) ?? []
  }

  /**
   * Writes the graph atomically (temp file, fsync, rename; then the meta file) and clears the tombstones it
   * reflects. Does nothing while the graph is not in step with SQLite: a restart rebuilds it anyway.
   */
  async save(): Promise<void> {
    if (this.readOnly) return
    while (this.saving !== null) await this.saving.catch(noop)
    await this.changes.idle()
    if (this.saving !== null) return this.saving
    const live = this.live
    if (live === null || this.state !== 'ready' || live.journal !== null || !live.dirty) return
    // Everything above is settled, and the rest of this block runs without a pause: the tombstones read here are
    // exactly the ones whose removal the graph already reflects.
    const tombstones = this.rows.tombstones()
    const graph = live.graph
    const base = this.metaBase(graph.count(), [...live.deleted], live.maxChunkId)
    live.dirty = false
    const temp = `${this.file}.tmp-${process.pid}`
    const started = performance.now()
    this.saving = (async () => {
      try {
        await graph.write(temp)
        const meta = publishGraph(temp, this.file, this.metaFile, base)
        this.rows.clearTombstones(tombstones)
        log.info(`vector index ${this.model} saved: ${meta.count - meta.deletedIds.length} vectors in ${Math.round(performance.now() - started)} ms`)
        this.maybeCompact()
      } catch (err) {
        live.dirty = true
        rmSync(temp, { force: true })
        throw new VectorIndexSaveError(err)
      } finally {
        this.saving = null
        this.changes.drain()
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
    await this.changes.idle()
    try {
      await this.save()
    } catch (err) {
      // SQLite holds every vector; the next start catches up from there.
      log.error(`vector index ${this.model} not saved on stop`, err)
    }
    this.changes.discard()
    this.live = null
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

  /** Catches the current graph up with SQLite (see sync.ts). */
  private async catchUp(meta: IndexMeta | null): Promise<void> {
    if (this.live === null) return
    const context = {
      rows: this.rows,
      dbFile: this.canUseWorker() ? this.init.db.name : null,
      workerMinRows: this.workerBuildMinVectors,
      signal: this.abort.signal,
    }
    await catchUp(context, this.live, meta)
  }

  /** `compaction`: a usable graph exists; on failure keep it instead of rebuilding in place. */
  private async rebuildInWorker(compaction = false): Promise<void> {
    const current = this.live
    if (current === null) return
    current.journal = []
    const out = this.readOnly ? join(tmpdir(), `wissensnetz-${modelSlug(this.model)}-${process.pid}.hnsw`) : `${this.file}.build-${process.pid}`
    const started = performance.now()
    this.buildProgress = { done: 0, total: 0 }
    log.info(`vector index ${this.model}: rebuilding from SQLite in a worker thread`)
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
        publishGraph(out, this.file, this.metaFile, this.metaBase(result.count, [], result.maxChunkId))
        this.rows.clearTombstones(result.tombstones)
      }
      // Swapping is a queued step, so that no change is half applied to the old graph when it happens.
      await this.changes.enqueue({
        kind: 'run',
        fn: () => {
          const journal = current.journal ?? []
          current.journal = null
          const next = new LiveGraph(graph, new Set(), result.maxChunkId)
          next.dirty = journal.length > 0
          this.live = next
          this.changes.prepend(journal)
        },
      })
      await this.changes.idle()
      log.info(`vector index ${this.model} rebuilt: ${result.count} vectors in ${Math.round((performance.now() - started) / 1000)} s`)
    } catch (err) {
      current.journal = null
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
    const live = this.live
    if (live === null || this.readOnly || live.journal !== null || this.state !== 'ready' || !this.canUseWorker()) return
    const deleted = live.deleted.size
    if (deleted < this.compactMinDeleted || deleted < live.graph.count() * COMPACT_DELETED_RATIO) return
    log.info(`vector index ${this.model}: compacting ${deleted} deleted entries`)
    this.background = this.rebuildInWorker(true).catch((err: unknown) => log.error('compaction failed', err))
  }

  private metaBase(count: number, deletedIds: number[], maxChunkId: number): Omit<IndexMeta, 'indexBytes' | 'headerSha256' | 'savedAt'> {
    const { model, dimensions, m, efConstruction } = this
    return { version: META_FORMAT_VERSION, model, dimensions, space: 'cosine', m, efConstruction, count, deletedIds, maxChunkId }
  }

  private canUseWorker(): boolean {
    return !this.init.db.memory && this.init.db.name !== ''
  }

  private newGraph(capacity: number): HnswGraph {
    return HnswGraph.create({ dimensions: this.dimensions, m: this.m, efConstruction: this.efConstruction }, capacity)
  }

  // ---- ordered changes ----

  private apply(change: Change): Promise<void> | void {
    if (change.kind === 'remove') this.applyRemove(change.ids)
    else if (change.kind === 'run') change.fn()
    else if (change.items.length <= IMMEDIATE_ADD_MAX_ITEMS) this.applyAdd(change.items)
    else return this.applySliced(change.items)
  }

  /** A large batch in slices, yielding between them; the queue holds later changes back meanwhile. */
  private async applySliced(items: VectorItem[]): Promise<void> {
    let sliceStart = performance.now()
    for (let i = 0; i < items.length; i += ADD_SLICE_ITEMS) {
      this.applyAdd(items.slice(i, i + ADD_SLICE_ITEMS))
      if (performance.now() - sliceStart >= SLICE_BUDGET_MS) {
        await nextTurn()
        sliceStart = performance.now()
      }
    }
  }

  private applyAdd(items: VectorItem[]): void {
    this.live?.add(items)
  }

  /** Returns how many were live and are now deleted. */
  private applyRemove(ids: number[]): number {
    return this.live?.remove(ids) ?? 0
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
