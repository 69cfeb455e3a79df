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
 * Short strings appended to 64 KB byte segments: a token's encoded terms live here, so that writing a
 * document's term streams is a copy of bytes, not a string join and a later UTF-16 to UTF-8 conversion. A full segment is
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
  readonly #words = new TermStream()
  readonly #parts = new TermStream()
  readonly #exact = new TermStream()
  // each stream's length after each token
  #wordEnds = new Int32Array(INITIAL_TOKENS)
  #partEnds = new Int32Array(INITIAL_TOKENS)
  #exactEnds = new Int32Array(INITIAL_TOKENS)

  /** bytes the three streams hold */
  get size(): number {
    return this.#words.length + this.#parts.length + this.#exact.length
  }

  /** Fills the streams with the terms of `count` tokens. */
  write(terms: readonly CachedTerms[], count: number): void {
    if (count > this.#wordEnds.length) {
      this.#wordEnds = new Int32Array(count * 2)
      this.#partEnds = new Int32Array(count * 2)
      this.#exactEnds = new Int32Array(count * 2)
    }
    const words = this.#words
    const parts = this.#parts
    const exact = this.#exact
    words.length = 0
    parts.length = 0
    exact.length = 0
    for (let i = 0; i < count; i++) {
      const t = terms[i] as CachedTerms
      if (t.segment === undefined) t.encode(this.#segments)
      const segment = t.segment as Uint8Array
      if (t.wordsBytes > 0) words.append(segment, t.wordsAt, t.wordsBytes)
      if (t.partsBytes > 0) parts.append(segment, t.partsAt, t.partsBytes)
      if (t.exactBytes > 0) exact.append(segment, t.exactAt, t.exactBytes)
      this.#wordEnds[i] = words.length
      this.#partEnds[i] = parts.length
      this.#exactEnds[i] = exact.length
    }
  }

  /** Copies the three streams into `out` at `pos`, one after the other; returns where each starts. */
  copyTo(out: Uint8Array, pos: number): [number, number, number] {
    const words = pos
    const parts = words + this.#words.copyTo(out, words)
    const exact = parts + this.#parts.copyTo(out, parts)
    this.#exact.copyTo(out, exact)
    return [words, parts, exact]
  }

  /**
   * The [start, end) byte range in stream `stream` (0 words, 1 parts, 2 exact) of the terms of tokens
   * [first, last), without the space that separates them from earlier terms.
   */
  range(stream: number, first: number, last: number): [number, number] {
    const ends = stream === 0 ? this.#wordEnds : stream === 1 ? this.#partEnds : this.#exactEnds
    const { bytes } = stream === 0 ? this.#words : stream === 1 ? this.#parts : this.#exact
    const start = first > 0 ? (ends[first - 1] as number) : 0
    const end = last > first ? (ends[last - 1] as number) : start
    if (end <= start) return [start, start]
    return [bytes[start] === SPACE ? start + 1 : start, end]
  }
}

/** One stream of terms separated by single spaces, growing as needed. */
class TermStream {
  bytes = new Uint8Array(INITIAL_STREAM_BYTES)
  length = 0

  /** Appends from[at, at + n), after a space unless the stream is empty. */
  append(from: Uint8Array, at: number, n: number): void {
    if (this.length + n + 1 > this.bytes.length) this.bytes = grown(this.bytes, this.length + n + 1)
    const bytes = this.bytes
    let length = this.length
    if (length > 0) bytes[length++] = SPACE
    for (let i = 0; i < n; i++) bytes[length + i] = from[at + i] as number
    this.length = length + n
  }

  /** Copies the stream into `out` at `pos`; returns its length. */
  copyTo(out: Uint8Array, pos: number): number {
    out.set(this.bytes.subarray(0, this.length), pos)
    return this.length
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
