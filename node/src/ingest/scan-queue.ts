/** Items taken are dropped from the front of the queue once this many have piled up there. */
const COMPACT_AFTER_ITEMS = 1024

/**
 * The items a scan finds while it is still running, handed in scan order to the loops that ingest them: the
 * first documents are parsed (and searchable) while a large share is still being listed. A taken item is
 * released, so that a scan of a million files does not keep a million items in memory.
 */
export class ScanQueue<T> {
  #items: Array<T | undefined> = []
  #next = 0
  #ended = false
  #waiting: Array<() => void> = []

  push(item: T): void {
    this.#items.push(item)
    // one item, one taker woken: waking all of them (hundreds of loops wait) made each item cost hundreds
    // of promise resolutions
    this.#waiting.shift()?.()
  }

  /** The scan is over (completed, failed or aborted): take() answers undefined once the queue is empty. */
  end(): void {
    this.#ended = true
    for (const resolve of this.#waiting.splice(0)) resolve()
  }

  /** The next item, waiting for the scan if needed; undefined when the scan has ended and all are taken. */
  async take(): Promise<T | undefined> {
    while (this.#next >= this.#items.length) {
      if (this.#ended) return undefined
      await new Promise<void>((resolve) => this.#waiting.push(resolve))
    }
    const item = this.#items[this.#next]
    this.#items[this.#next++] = undefined
    if (this.#next >= COMPACT_AFTER_ITEMS && this.#next * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#next)
      this.#next = 0
    }
    return item
  }
}
