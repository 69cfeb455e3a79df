/**
 * A compact trie over words of the letters a–z, stored in typed arrays (first child / next sibling), so that a
 * compound splitter can find every dictionary word starting at a position in one walk, without slicing and
 * hashing substrings. ~350,000 nodes for the German word list take about 4 MB.
 */
const INITIAL_NODES = 1 << 16
const NO_NODE = -1
const ALPHABET_START = 0x61 // 'a'
const ALPHABET_SIZE = 26
const HEADER_BYTES = 8
/** first child and next sibling (4 bytes each), letter and terminal flag (1 byte each) */
const BYTES_PER_NODE = 10

export class WordTrie {
  #firstChild = new Int32Array(INITIAL_NODES).fill(NO_NODE)
  #nextSibling = new Int32Array(INITIAL_NODES).fill(NO_NODE)
  #letter = new Uint8Array(INITIAL_NODES)
  #terminal = new Uint8Array(INITIAL_NODES)
  #nodes = 1 // node 0 is the root
  #words = 0
  /** the node for each two-letter start ("ba" → node): the first two steps of every walk without sibling scans */
  #pairs: Int32Array | undefined

  get size(): number {
    return this.#words
  }

  /** The trie as bytes: a header of two 32-bit counts, then the node arrays. */
  serialize(): Uint8Array {
    const n = this.#nodes
    const out = new Uint8Array(HEADER_BYTES + n * BYTES_PER_NODE)
    const view = new DataView(out.buffer)
    view.setUint32(0, n, true)
    view.setUint32(4, this.#words, true)
    let offset = HEADER_BYTES
    out.set(new Uint8Array(this.#firstChild.buffer, 0, n * 4), offset)
    offset += n * 4
    out.set(new Uint8Array(this.#nextSibling.buffer, 0, n * 4), offset)
    offset += n * 4
    out.set(this.#letter.subarray(0, n), offset)
    offset += n
    out.set(this.#terminal.subarray(0, n), offset)
    return out
  }

  /** Reads a trie written by serialize(); returns it and the number of bytes it took. */
  static deserialize(bytes: Uint8Array): { trie: WordTrie; length: number } {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const n = view.getUint32(0, true)
    const length = HEADER_BYTES + n * BYTES_PER_NODE
    if (n === 0 || bytes.byteLength < length) throw new RangeError('truncated word trie')
    const trie = new WordTrie()
    let offset = HEADER_BYTES
    // copies, so that the arrays are aligned and independent of the file buffer
    const copy = (byteLength: number): ArrayBuffer => {
      const out = new Uint8Array(byteLength)
      out.set(bytes.subarray(offset, offset + byteLength))
      offset += byteLength
      return out.buffer
    }
    trie.#firstChild = new Int32Array(copy(n * 4))
    trie.#nextSibling = new Int32Array(copy(n * 4))
    trie.#letter = new Uint8Array(copy(n))
    trie.#terminal = new Uint8Array(copy(n))
    trie.#nodes = n
    trie.#words = view.getUint32(4, true)
    return { trie, length }
  }

  /** Adds a word of a–z; returns false (and adds nothing) for any other character. */
  add(word: string): boolean {
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i) - ALPHABET_START
      if (c < 0 || c >= ALPHABET_SIZE) return false
    }
    let node = 0
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i) - ALPHABET_START
      let child = this.#child(node, c)
      if (child === NO_NODE) {
        child = this.#newNode(c)
        this.#nextSibling[child] = this.#firstChild[node] as number
        this.#firstChild[node] = child
      }
      node = child
    }
    if (this.#terminal[node] === 0) this.#words++
    this.#terminal[node] = 1
    this.#pairs = undefined
    return true
  }

  has(word: string): boolean {
    let node = 0
    let i = 0
    if (word.length >= 2) {
      const a = word.charCodeAt(0) - ALPHABET_START
      const b = word.charCodeAt(1) - ALPHABET_START
      if (a < 0 || a >= ALPHABET_SIZE || b < 0 || b >= ALPHABET_SIZE) return false
      this.#pairs ??= this.#buildPairs()
      node = this.#pairs[a * ALPHABET_SIZE + b] as number
      i = 2
    }
    for (; i < word.length && node !== NO_NODE; i++) node = this.#child(node, word.charCodeAt(i) - ALPHABET_START)
    return node !== NO_NODE && this.#terminal[node] === 1
  }

  /**
   * Writes into `ends` every end index j > start such that word[start, j) is a word of at least `minLength`
   * letters, ascending; returns how many. `ends` must hold word.length entries.
   */
  wordEndsAt(word: string, start: number, minLength: number, ends: Int32Array): number {
    let count = 0
    let node = 0
    let j = start
    if (minLength >= 2 && start + 2 <= word.length) {
      const a = word.charCodeAt(start) - ALPHABET_START
      const b = word.charCodeAt(start + 1) - ALPHABET_START
      if (a < 0 || a >= ALPHABET_SIZE || b < 0 || b >= ALPHABET_SIZE) return 0
      this.#pairs ??= this.#buildPairs()
      node = this.#pairs[a * ALPHABET_SIZE + b] as number
      if (node === NO_NODE) return 0
      if (this.#terminal[node] === 1 && minLength <= 2) ends[count++] = start + 2
      j = start + 2
    }
    for (; j < word.length; j++) {
      node = this.#child(node, word.charCodeAt(j) - ALPHABET_START)
      if (node === NO_NODE) break
      if (this.#terminal[node] === 1 && j + 1 - start >= minLength) ends[count++] = j + 1
    }
    return count
  }

  #buildPairs(): Int32Array {
    const pairs = new Int32Array(ALPHABET_SIZE * ALPHABET_SIZE).fill(NO_NODE)
    for (let a = 0; a < ALPHABET_SIZE; a++) {
      const first = this.#child(0, a)
      if (first === NO_NODE) continue
      for (let b = 0; b < ALPHABET_SIZE; b++) pairs[a * ALPHABET_SIZE + b] = this.#child(first, b)
    }
    return pairs
  }

  #child(node: number, letter: number): number {
    let child = this.#firstChild[node] as number
    while (child !== NO_NODE && this.#letter[child] !== letter) child = this.#nextSibling[child] as number
    return child
  }

  #newNode(letter: number): number {
    if (this.#nodes === this.#letter.length) this.#grow()
    const node = this.#nodes++
    this.#letter[node] = letter
    return node
  }

  #grow(): void {
    const size = this.#letter.length * 2
    const firstChild = new Int32Array(size).fill(NO_NODE)
    firstChild.set(this.#firstChild)
    const nextSibling = new Int32Array(size).fill(NO_NODE)
    nextSibling.set(this.#nextSibling)
    const letter = new Uint8Array(size)
    letter.set(this.#letter)
    const terminal = new Uint8Array(size)
    terminal.set(this.#terminal)
    this.#firstChild = firstChild
    this.#nextSibling = nextSibling
    this.#letter = letter
    this.#terminal = terminal
  }
}
