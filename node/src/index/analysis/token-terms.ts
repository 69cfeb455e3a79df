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

export const WORDS = 0
export const PARTS = 1
export const EXACT = 2
export type Stream = typeof WORDS | typeof PARTS | typeof EXACT

const SEGMENT_BYTES = 1 << 16
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

/** TokenTerms with each stream joined for the index, as text and (on first use) as UTF-8 bytes. */
export class CachedTerms implements TokenTerms {
  readonly wordsText: string
  readonly partsText: string
  readonly exactText: string
  /** the most bytes writeStream can add for any stream: callers make room for this much first */
  readonly maxStreamBytes: number
  // the UTF-8 bytes of the three texts, back to back in #segment from #at (set by encode)
  #segment: Uint8Array | undefined
  #at = 0
  #wordsBytes = 0
  #partsBytes = 0
  #exactBytes = 0

  constructor(
    readonly words: readonly string[],
    readonly parts: readonly string[],
    readonly exact: readonly string[],
  ) {
    this.wordsText = words.length === 1 ? (words[0] as string) : words.join(' ')
    this.partsText = parts.length === 1 ? (parts[0] as string) : parts.join(' ')
    this.exactText = exact.length === 1 ? (exact[0] as string) : exact.join(' ')
    // a UTF-16 code unit takes at most 3 bytes of UTF-8; one more for the separating space
    this.maxStreamBytes = 3 * Math.max(this.wordsText.length, this.partsText.length, this.exactText.length) + 1
  }

  /** Appends the bytes of one stream to `out` at `pos`, after a space unless `pos` is `streamStart`; returns the new end. */
  writeStream(stream: Stream, segments: Utf8Segments, out: Uint8Array, pos: number, streamStart: number): number {
    if (this.#segment === undefined) this.#encode(segments)
    const segment = this.#segment as Uint8Array
    let from = this.#at
    let length = this.#wordsBytes
    if (stream !== WORDS) {
      from += length
      length = this.#partsBytes
      if (stream === EXACT) {
        from += length
        length = this.#exactBytes
      }
    }
    if (length === 0) return pos
    if (pos !== streamStart) out[pos++] = SPACE
    for (let i = 0; i < length; i++) out[pos + i] = segment[from + i] as number
    return pos + length
  }

  #encode(segments: Utf8Segments): void {
    const needed = 3 * (this.wordsText.length + this.partsText.length + this.exactText.length)
    const { segment, at } = segments.reserve(needed)
    this.#wordsBytes = writeUtf8(this.wordsText, segment, at)
    this.#partsBytes = writeUtf8(this.partsText, segment, at + this.#wordsBytes)
    this.#exactBytes = writeUtf8(this.exactText, segment, at + this.#wordsBytes + this.#partsBytes)
    segments.commit(this.#wordsBytes + this.#partsBytes + this.#exactBytes)
    this.#segment = segment
    this.#at = at
  }
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
