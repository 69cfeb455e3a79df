import { AbortError, WissensnetzError } from '../errors.ts'

export class LlmBusyError extends WissensnetzError {
  constructor(queued: number) {
    super('llm_busy', 'Das Sprachmodell ist gerade ausgelastet. Bitte versuchen Sie es in einer Minute noch einmal.', {
      status: 503,
      // a client can act on it (retry later); nothing internal is revealed
      expose: true,
      details: { queued },
    })
  }
}

interface Waiter<T> {
  resolve(slot: T): void
  reject(err: unknown): void
}

/**
 * A fixed set of slots (context sequences) and a bounded queue in front of them. A request beyond the queue is
 * refused at once with LlmBusyError instead of waiting for minutes; a waiting request whose client went away
 * leaves the queue without taking a slot.
 */
export class SlotPool<T> {
  private readonly free: T[]
  private readonly waiting: Array<Waiter<T>> = []

  constructor(
    slots: T[],
    private readonly maxQueued: number,
  ) {
    this.free = [...slots]
  }

  get queued(): number {
    return this.waiting.length
  }

  get available(): number {
    return this.free.length
  }

  /**
   * A free slot, or a place in the queue. Throws (synchronously, before anything waits) LlmBusyError when the
   * queue is full and AbortError when the signal has already fired.
   */
  acquire(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new AbortError()
    const slot = this.free.pop()
    if (slot !== undefined) return Promise.resolve(slot)
    if (this.waiting.length >= this.maxQueued) throw new LlmBusyError(this.waiting.length)
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiting.indexOf(waiter)
        if (i >= 0) this.waiting.splice(i, 1)
        reject(new AbortError())
      }
      const waiter: Waiter<T> = {
        resolve: (s) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(s)
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort)
          reject(err)
        },
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiting.push(waiter)
    })
  }

  /** Hands the slot to the longest-waiting request, or returns it to the free list. */
  release(slot: T): void {
    const next = this.waiting.shift()
    if (next !== undefined) next.resolve(slot)
    else this.free.push(slot)
  }

  /** Rejects every waiting request (shutdown). */
  rejectAll(err: unknown): void {
    for (const waiter of this.waiting.splice(0)) waiter.reject(err)
  }
}
