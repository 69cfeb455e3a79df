import { AbortError } from '../errors.ts'

interface Waiter {
  bytes: number
  grant: () => void
}

/**
 * Bounds the bytes held in memory at once by work in progress: take() waits until the bytes fit, give()
 * returns them. One item larger than the whole budget still gets through when nothing else is held, so a
 * large file is slowed down, never stuck. Waiters are served in order.
 */
export class ByteBudget {
  readonly #max: number
  #used = 0
  readonly #waiting: Waiter[] = []

  constructor(maxBytes: number) {
    this.#max = maxBytes
  }

  get used(): number {
    return this.#used
  }

  take(bytes: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(new AbortError())
    if (this.#waiting.length === 0 && this.#fits(bytes)) {
      this.#used += bytes
      return Promise.resolve()
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        grant: () => {
          signal.removeEventListener('abort', onAbort)
          this.#used += bytes
          resolve()
        },
      }
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(waiter)
        if (index !== -1) this.#waiting.splice(index, 1)
        reject(new AbortError())
        this.#wake()
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.#waiting.push(waiter)
    })
  }

  give(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes)
    this.#wake()
  }

  #fits(bytes: number): boolean {
    return this.#used === 0 || this.#used + bytes <= this.#max
  }

  #wake(): void {
    while (this.#waiting.length > 0 && this.#fits((this.#waiting[0] as Waiter).bytes)) (this.#waiting.shift() as Waiter).grant()
  }
}
