import { EventEmitter } from 'node:events'
import { logger } from '../log.ts'
import type { Startable } from '../startable.ts'
import type { SourceRepository, SourceRow } from '../store/sources.ts'
import type { IngestPipeline, IngestProgress } from './pipeline.ts'
import type { Connector } from './types.ts'
import type { IngestRunLog } from '../store/ingest-runs.ts'

const log = logger('node:ingest:scheduler')
const MINUTE_MS = 60_000

export interface SchedulerInit {
  pipeline: IngestPipeline
  sources: SourceRepository
  connectorFor: (source: SourceRow) => Connector
  watch: boolean
  rescanIntervalMinutes: number
  /** records every run so that failures of a whole source stay visible after a restart */
  runs?: IngestRunLog
  /** runs after every source run (embedding of new chunks) */
  afterRun?: (signal: AbortSignal) => Promise<void>
}

/**
 * Runs ingests one source at a time (ingest is CPU-bound; two at once only slow each other down), from
 * explicit triggers, file watchers and a periodic rescan. Keeps the latest progress of every source.
 */
export class IngestScheduler extends EventEmitter implements Startable {
  private readonly queue: number[] = []
  private readonly latest = new Map<number, IngestProgress>()
  private readonly watchers = new Map<number, () => Promise<void>>()
  private controller = new AbortController()
  private current: number | null = null
  private loop: Promise<void> | null = null
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  constructor(private readonly init: SchedulerInit) {
    super()
  }

  async start(): Promise<void> {
    this.stopped = false
    this.controller = new AbortController()
    if (this.init.watch) for (const source of this.init.sources.list()) await this.watchSource(source)
    if (this.init.rescanIntervalMinutes > 0) {
      this.timer = setInterval(() => this.triggerAll(), this.init.rescanIntervalMinutes * MINUTE_MS)
      this.timer.unref()
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    this.queue.length = 0
    this.controller.abort()
    for (const close of this.watchers.values()) await close().catch(() => undefined)
    this.watchers.clear()
    await this.loop
  }

  /** Queues a source (no-op when it is already waiting). Resolves when the queue has drained. */
  trigger(sourceId: number): Promise<void> {
    // A source that is running right now is queued again: the change may have come after its scan.
    if (!this.queue.includes(sourceId)) this.queue.push(sourceId)
    this.loop ??= this.runQueue().finally(() => {
      this.loop = null
    })
    return this.loop
  }

  triggerAll(): Promise<void> {
    let last: Promise<void> = Promise.resolve()
    for (const source of this.init.sources.list()) last = this.trigger(source.id)
    return last
  }

  async watchSource(source: SourceRow): Promise<void> {
    if (!this.init.watch || this.watchers.has(source.id)) return
    const connector = this.init.connectorFor(source)
    if (connector.watch === undefined) return
    try {
      const close = await connector.watch(() => void this.trigger(source.id))
      this.watchers.set(source.id, close)
    } catch (err) {
      log.warn(`watching source ${source.id} failed; periodic rescans continue`, err as Error)
    }
  }

  async unwatchSource(sourceId: number): Promise<void> {
    await this.watchers.get(sourceId)?.()
    this.watchers.delete(sourceId)
    this.latest.delete(sourceId)
  }

  progress(): IngestProgress[] {
    return [...this.latest.values()]
  }

  running(): number | null {
    return this.current
  }

  private async runQueue(): Promise<void> {
    let ran = false
    while (!this.stopped && this.queue.length > 0) {
      const id = this.queue.shift() as number
      let source: SourceRow
      try {
        source = this.init.sources.get(id)
      } catch {
        continue // removed meanwhile
      }
      this.current = id
      const run = this.init.runs?.begin(id)
      try {
        await this.init.pipeline.ingestSource(source, {
          signal: this.controller.signal,
          onProgress: (p) => {
            this.latest.set(id, p)
            this.emit('progress', p)
          },
        })
        this.init.sources.markScanned(id)
        ran = true
      } catch (err) {
        log.error(`ingest of source ${id} failed`, err as Error)
      } finally {
        const last = this.latest.get(id)
        if (run !== undefined && last !== undefined) this.init.runs?.finish(run, last)
        this.current = null
      }
    }
    if (ran && !this.stopped && this.init.afterRun !== undefined) {
      try {
        await this.init.afterRun(this.controller.signal)
      } catch (err) {
        log.error('post-ingest step failed', err as Error)
      }
    }
    this.emit('idle')
  }
}
