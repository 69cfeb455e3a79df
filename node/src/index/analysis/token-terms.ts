/**
 * The terms of one token, as the analyser's token table keeps them, and the UTF-8 form in which the ingest
 * hands analysed chunks to the index (see encodeSpans in analyzer.ts).
 */

/** The terms of one token by stream (see IndexFields). */
export interface TokenTerms {
  words: readonly string[]
  parts: readonly string[]
  exact: readonly string[]
}

/** The analysed fields of several spans of one text, UTF-8 encoded in one buffer that can move between threads. */
export interface EncodedSpans {
  bytes: Uint8Array
  /**
   * [start, end) byte ranges in `bytes`, two integers each: first the prefix (a document's title terms), then
   * for each span its words, parts and exact streams, each stream's terms separated by single spaces
   */
  offsets: Int32Array
}

const SEGMENT_BYTES = 1 << 16
const INITIAL_STREAM_BYTES = 1 << 16
const INITIAL_TOKENS = 1 << 12
const SPACE = 0x20
const encoder = new TextEncoder()

/**
 * Short strings appended to 64 KB byte segments: a token's encoded terms live here, so that writing a chunk's
 * fields is a copy of bytes, not a string join and a later UTF-16 to UTF-8 conversion. A full segment is
 * replaced by a new one; old segments go when no token refers to them any more.
 */
export class Utf8Segments {
  #segment = new Uint8Array(SEGMENT_BYTES)
  #used = 0

  /** Room for `bytes` bytes: the segment to write into and where (the caller writes, then calls `commit`). */
  reserve(bytes: number): { segment: Uint8Array; at: number } {
    if (this.#used + bytes > this.#segment.length) {
      this.#segment = new Uint8Array(Math.max(SEGMENT_BYTES, bytes))
      this.#used = 0
    }
    return { segment: this.#segment, at: this.#used }
  }

  commit(bytes: number): void {
    this.#used += bytes
  }
}

/** TokenTerms with each stream joined for the index, as text and (after encode) as UTF-8 bytes. */
export class CachedTerms implements TokenTerms {
  readonly wordsText: string
  readonly partsText: string
  readonly exactText: string
  // the UTF-8 bytes of the three texts: in `segment`, at the offsets given (set by encode)
  segment: Uint8Array | undefined
  wordsAt = 0
  wordsBytes = 0
  partsAt = 0
  partsBytes = 0
  exactAt = 0
  exactBytes = 0

  constructor(
    readonly words: readonly string[],
    readonly parts: readonly string[],
    readonly exact: readonly string[],
  ) {
    this.wordsText = words.length === 1 ? (words[0] as string) : words.join(' ')
    this.partsText = parts.length === 1 ? (parts[0] as string) : parts.join(' ')
    this.exactText = exact.length === 1 ? (exact[0] as string) : exact.join(' ')
  }

  encode(segments: Utf8Segments): void {
    const needed = 3 * (this.wordsText.length + this.partsText.length + this.exactText.length)
    const { segment, at } = segments.reserve(needed)
    this.wordsAt = at
    this.wordsBytes = writeUtf8(this.wordsText, segment, at)
    this.partsAt = at + this.wordsBytes
    this.partsBytes = writeUtf8(this.partsText, segment, this.partsAt)
    this.exactAt = this.partsAt + this.partsBytes
    this.exactBytes = writeUtf8(this.exactText, segment, this.exactAt)
    segments.commit(this.wordsBytes + this.partsBytes + this.exactBytes)
    this.segment = segment
  }
}

/**
 * The three streams (words, parts, exact) of all tokens of a document, each stream's terms separated by
 * single spaces, with where each token's terms end in each stream. A document's chunks are runs of its
 * tokens, so each chunk's fields are ranges of these streams: a chunk costs no copying, and the text that
 * neighbouring chunks share is encoded and sent to the index writer once.
 */
export class DocumentStreams {
  readonly #segments = new Utf8Segments()
  readonly #bytes = [new Uint8Array(INITIAL_STREAM_BYTES), new Uint8Array(INITIAL_STREAM_BYTES), new Uint8Array(INITIAL_STREAM_BYTES)]
  readonly #lengths = [0, 0, 0]
  /** per stream, the stream's length after each token */
  readonly #ends = [new Int32Array(INITIAL_TOKENS), new Int32Array(INITIAL_TOKENS), new Int32Array(INITIAL_TOKENS)]

  /** bytes the three streams hold */
  get size(): number {
    return (this.#lengths[0] as number) + (this.#lengths[1] as number) + (this.#lengths[2] as number)
  }

  /** Fills the streams with the terms of `count` tokens. */
  write(terms: readonly CachedTerms[], count: number): void {
    this.#lengths.fill(0)
    if (count > (this.#ends[0] as Int32Array).length) for (let k = 0; k < 3; k++) this.#ends[k] = new Int32Array(count * 2)
    const [wordEnds, partEnds, exactEnds] = this.#ends as [Int32Array, Int32Array, Int32Array]
    for (let i = 0; i < count; i++) {
      const t = terms[i] as CachedTerms
      if (t.segment === undefined) t.encode(this.#segments)
      const segment = t.segment as Uint8Array
      wordEnds[i] = t.wordsBytes === 0 ? (this.#lengths[0] as number) : this.#append(0, segment, t.wordsAt, t.wordsBytes)
      partEnds[i] = t.partsBytes === 0 ? (this.#lengths[1] as number) : this.#append(1, segment, t.partsAt, t.partsBytes)
      exactEnds[i] = t.exactBytes === 0 ? (this.#lengths[2] as number) : this.#append(2, segment, t.exactAt, t.exactBytes)
    }
  }

  /** Copies the three streams into `out` at `pos`, one after the other; returns where each starts. */
  copyTo(out: Uint8Array, pos: number): [number, number, number] {
    const starts: [number, number, number] = [0, 0, 0]
    for (let k = 0; k < 3; k++) {
      starts[k] = pos
      const length = this.#lengths[k] as number
      out.set((this.#bytes[k] as Uint8Array).subarray(0, length), pos)
      pos += length
    }
    return starts
  }

  /**
   * The [start, end) byte range in stream `stream` (0 words, 1 parts, 2 exact) of the terms of tokens
   * [first, last), without the space that separates them from earlier terms.
   */
  range(stream: number, first: number, last: number): [number, number] {
    const ends = this.#ends[stream] as Int32Array
    const start = first > 0 ? (ends[first - 1] as number) : 0
    const end = last > first ? (ends[last - 1] as number) : start
    if (end <= start) return [start, start]
    return [(this.#bytes[stream] as Uint8Array)[start] === SPACE ? start + 1 : start, end]
  }

  /** Appends bytes from[at, at + n) to stream k, after a space unless it is empty; returns its new length. */
  #append(k: number, from: Uint8Array, at: number, n: number): number {
    let length = this.#lengths[k] as number
    let to = this.#bytes[k] as Uint8Array<ArrayBuffer>
    if (length + n + 1 > to.length) {
      to = grown(to, length + n + 1)
      this.#bytes[k] = to
    }
    if (length > 0) to[length++] = SPACE
    for (let i = 0; i < n; i++) to[length + i] = from[at + i] as number
    length += n
    this.#lengths[k] = length
    return length
  }
}

/** A larger copy of `bytes`, with room for at least `needed` bytes. */
export function grown(bytes: Uint8Array, needed: number): Uint8Array<ArrayBuffer> {
  let size = bytes.length * 2
  while (size < needed) size *= 2
  const copy = new Uint8Array(size)
  copy.set(bytes)
  return copy
}

/** Writes `text` as UTF-8 into `out` at `at` (room must suffice); returns the byte count. ASCII goes byte by byte. */
export function writeUtf8(text: string, out: Uint8Array, at: number): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0x80) return i + encoder.encodeInto(text.slice(i), out.subarray(at + i)).written
    out[at + i] = code
  }
  return text.length
}
