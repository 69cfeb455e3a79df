/**
 * A hash table from token text to analysis results that is looked up with a span of a larger text, so that a
 * repeated word costs a hash and a comparison over its characters: no substring, no Map key hashing. Open
 * addressing with linear probing; when it is 3/4 full it starts over empty (vocabularies are Zipfian, the
 * frequent words come back at once).
 */
const MAX_LOAD = 0.75
const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

export class TokenCache<V> {
  readonly #mask: number
  readonly #maxEntries: number
  #keys: Array<string | undefined>
  #values: Array<V | undefined>
  #hashes: Int32Array
  #size = 0

  /** `slots` is rounded up to a power of two. */
  constructor(slots: number) {
    let capacity = 1
    while (capacity < slots) capacity *= 2
    this.#mask = capacity - 1
    this.#maxEntries = Math.floor(capacity * MAX_LOAD)
    this.#keys = new Array(capacity)
    this.#values = new Array(capacity)
    this.#hashes = new Int32Array(capacity)
  }

  get size(): number {
    return this.#size
  }

  /** The value for text[start, end), or undefined. */
  getSpan(text: string, start: number, end: number, hash: number): V | undefined {
    const length = end - start
    for (let slot = hash & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const key = this.#keys[slot]
      if (key === undefined) return undefined
      if (this.#hashes[slot] === hash && key.length === length && sameChars(key, text, start)) return this.#values[slot]
    }
  }

  get(key: string): V | undefined {
    return this.getSpan(key, 0, key.length, hashSpan(key, 0, key.length))
  }

  /** Stores a value for a key that is not in the table (callers look up first). */
  set(key: string, hash: number, value: V): void {
    if (this.#size >= this.#maxEntries) this.clear()
    let slot = hash & this.#mask
    while (this.#keys[slot] !== undefined) slot = (slot + 1) & this.#mask
    this.#keys[slot] = key
    this.#values[slot] = value
    this.#hashes[slot] = hash
    this.#size++
  }

  clear(): void {
    this.#keys = new Array(this.#mask + 1)
    this.#values = new Array(this.#mask + 1)
    this.#hashes.fill(0)
    this.#size = 0
  }
}

/** FNV-1a over UTF-16 code units of text[start, end). */
export function hashSpan(text: string, start: number, end: number): number {
  let hash = FNV_OFFSET
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME)
  return hash | 0
}

function sameChars(key: string, text: string, start: number): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== text.charCodeAt(start + i)) return false
  return true
}
