import type { VectorItem } from './rows.ts'

export type Change = { kind: 'add'; items: VectorItem[] } | { kind: 'remove'; ids: number[] } | { kind: 'run'; fn: () => void }

export interface ChangeTarget {
  /** false while there is nothing to apply changes to (loading); they wait */
  accepting(): boolean
  /** a write of the graph in progress; changes wait until it settles */
  writing(): Promise<void> | null
  /** whether a change is small enough to apply at once, without yielding */
  small(change: Change): boolean
  apply(change: Change): Promise<void> | void
}

interface Queued {
  change: Change
  resolve: () => void
  reject: (err: unknown) => void
}

const noop = (): void => {}

/**
 * Applies changes to the graph strictly in call order. A change arriving while nothing is pending is applied at
 * once; otherwise it waits in the queue, which a single drain loop works off (also while the graph is written
 * to disk, which hnswlib must not see changed).
 */
export class ChangeQueue {
  private queue: Queued[] = []
  private draining: Promise<void> | null = null

  constructor(private readonly target: ChangeTarget) {}

  enqueue(change: Change): Promise<void> {
    if (this.queue.length === 0 && this.draining === null && this.target.writing() === null && this.target.accepting() && this.target.small(change)) {
      try {
        const done = this.target.apply(change)
        return done ?? Promise.resolve()
      } catch (err) {
        return Promise.reject(err)
      }
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ change, resolve, reject })
      this.drain()
    })
  }

  /** Puts changes in front of everything waiting (replaying a journal onto a new graph). */
  prepend(changes: Change[]): void {
    this.queue.unshift(...changes.map((change) => ({ change, resolve: noop, reject: noop })))
    this.drain()
  }

  /** Starts working off the queue, if anything waits and the target accepts changes. */
  drain(): void {
    if (this.draining !== null || this.queue.length === 0 || !this.target.accepting()) return
    this.draining = (async () => {
      try {
        while (this.queue.length > 0 && this.target.accepting()) {
          const writing = this.target.writing()
          if (writing !== null) {
            await writing.catch(noop)
            continue
          }
          const entry = this.queue.shift() as Queued
          try {
            await this.target.apply(entry.change)
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

  /** Resolves when no change is being applied. */
  async idle(): Promise<void> {
    while (this.draining !== null) await this.draining
  }

  /** Settles changes that never reached a graph (stopped while loading); SQLite has them for the next start. */
  discard(): void {
    for (const entry of this.queue.splice(0)) entry.resolve()
  }
}
