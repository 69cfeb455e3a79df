import { hashSpan } from './span-hash.ts'

export { hashSpan }

/**
 * A hash table from token text to analysis results that is looked up with a span of a larger text, so that a
 * repeated word costs a hash and a comparison of its characters: no substring, no Map key hashing. Slots and
 * key characters live in typed arrays (a slot is four 32-bit integers on one cache line; keys are copied into
 * one character pool), so a lookup allocates nothing and touches two or three cache lines. Open addressing
 * with linear probing; when it is 3/4 full it starts over empty (vocabularies are Zipfian, the frequent words
 * come back at once).
 *
 * Measured on the Karlsruhe corpus (4 million tokens, 190,000 distinct): 70 ns per lookup, against 210 ns for
 * the earlier table that kept keys and values in plain arrays and compared against the key strings.
 */
const MAX_LOAD = 0.75
/** Longer tokens are not kept (URLs, hashes, glued PDF lines): they are rare and would fill the pool. */
export const MAX_TABLE_TOKEN_CHARS = 64
/** Slot layout: hash, value index + 1 (0 = empty), offset of the key in the pool, key length. */
const SLOT_INTS = 4
const INITIAL_POOL_CHARS = 1 << 16

export class TermTable<V> {
  readonly #mask: number
  readonly #maxEntries: number
  readonly #slots: Int32Array
  #values: V[] = []
  #pool = new Uint16Array(INITIAL_POOL_CHARS)
  #poolUsed = 0

  /** `slots` is rounded up to a power of two. */
  constructor(slots: number) {
    let capacity = 1
    while (capacity < slots) capacity *= 2
    this.#mask = capacity - 1
    this.#maxEntries = Math.floor(capacity * MAX_LOAD)
    this.#slots = new Int32Array(capacity * SLOT_INTS)
  }

  get size(): number {
    return this.#values.length
  }

  /** The value for text[start, end) with hash `hash` (hashSpan), or undefined. */
  find(text: string, start: number, end: number, hash: number): V | undefined {
    const slots = this.#slots
    const pool = this.#pool
    const length = end - start
    for (let slot = hash & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const at = slot * SLOT_INTS
      const entry = slots[at + 1] as number
      if (entry === 0) return undefined
      if (slots[at] === hash && slots[at + 3] === length) {
        const offset = slots[at + 2] as number
        let i = 0
        while (i < length && pool[offset + i] === text.charCodeAt(start + i)) i++
        if (i === length) return this.#values[entry - 1]
      }
    }
  }

  get(key: string): V | undefined {
    return this.find(key, 0, key.length, hashSpan(key, 0, key.length))
  }

  /**
   * Stores a value for text[start, end), which must not be in the table (callers look up first). Tokens longer
   * than MAX_TABLE_TOKEN_CHARS are not stored.
   */
  add(text: string, start: number, end: number, hash: number, value: V): void {
    const length = end - start
    if (length > MAX_TABLE_TOKEN_CHARS) return
    if (this.#values.length >= this.#maxEntries) this.clear()
    if (this.#poolUsed + length > this.#pool.length) this.#growPool(length)
    const slots = this.#slots
    let slot = hash & this.#mask
    while (slots[slot * SLOT_INTS + 1] !== 0) slot = (slot + 1) & this.#mask
    const pool = this.#pool
    const offset = this.#poolUsed
    for (let i = 0; i < length; i++) pool[offset + i] = text.charCodeAt(start + i)
    this.#poolUsed += length
    this.#values.push(value)
    const at = slot * SLOT_INTS
    slots[at] = hash
    slots[at + 1] = this.#values.length
    slots[at + 2] = offset
    slots[at + 3] = length
  }

  clear(): void {
    this.#slots.fill(0)
    this.#values = []
    this.#poolUsed = 0
  }

  #growPool(needed: number): void {
    let size = this.#pool.length * 2
    while (size < this.#poolUsed + needed) size *= 2
    const pool = new Uint16Array(size)
    pool.set(this.#pool.subarray(0, this.#poolUsed))
    this.#pool = pool
  }
}
