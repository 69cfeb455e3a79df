import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { ParseError } from '../../types.ts'
import { MAX_HEADER_BYTES, MBOX_CHUNK_BYTES, MBOX_KEY_HEX_CHARS, MBOX_MAX_CARRY_BYTES } from './constants.ts'
import { headerFacts, parseMailDate } from './headers.ts'

/** Where one message of an mbox file lies, found by a streaming pass; read later by offset. */
export interface MboxEntry {
  /** 1-based position in the file */
  ordinal: number
  /** first byte after the "From " separator line */
  start: number
  /** end (exclusive), before the empty line that precedes the next separator */
  end: number
  /** lines escaped as ">From " (mboxrd); each loses one byte when read */
  escapedLines: number
  /** short hash of the Message-ID, or of the header block and length when there is none */
  key: string
  /** Date header, else the date of the separator line */
  dateMs: number | undefined
}

const LF = 0x0a
const CR = 0x0d
const GT = 0x3e
const FROM_ = Buffer.from('From ')
/** Enough of a separator line to read the postmark date ("From sender Thu Nov 24 10:00:00 2022"). */
const POSTMARK_PROBE_BYTES = 256

/** True when the file starts with an mbox separator line. */
export async function isMboxFile(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(FROM_.length)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    return bytesRead === FROM_.length && head.equals(FROM_)
  } finally {
    await handle.close()
  }
}

/**
 * Streams through an mbox file and yields each message's offsets as soon as its end is known. Memory stays
 * bounded by the chunk size and one header block, whatever the file size. Malformed messages (no header,
 * junk bytes, bad dates) are still yielded: whether they parse is the parser's decision.
 */
export async function* indexMbox(file: string, signal: AbortSignal): AsyncGenerator<MboxEntry> {
  const indexer = new MboxIndexer()
  const stream = createReadStream(file, { highWaterMark: MBOX_CHUNK_BYTES, signal })
  let base = 0
  let carry: Buffer | undefined
  let atLineStart = true
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = carry === undefined ? chunk : Buffer.concat([carry, chunk])
    let pos = 0
    for (let nl = buf.indexOf(LF, pos); nl !== -1; nl = buf.indexOf(LF, pos)) {
      indexer.line(buf, pos, nl + 1, base + pos, atLineStart, true)
      atLineStart = true
      pos = nl + 1
    }
    const rest = buf.length - pos
    if (rest > MBOX_MAX_CARRY_BYTES) {
      // a pathological body line: hand it on in pieces rather than joining it across every chunk
      indexer.line(buf, pos, buf.length, base + pos, atLineStart, false)
      atLineStart = false
      carry = undefined
      base += buf.length
    } else {
      carry = rest > 0 ? Buffer.from(buf.subarray(pos)) : undefined
      base += pos
    }
    yield* indexer.drain()
  }
  if (carry !== undefined) {
    indexer.line(carry, 0, carry.length, base, atLineStart, false)
    base += carry.length
  }
  indexer.end(base)
  yield* indexer.drain()
}

interface OpenMessage {
  ordinal: number
  start: number
  header: Buffer[]
  headerBytes: number
  inHeader: boolean
  escapedLines: number
  postmarkMs: number | undefined
}

/** Line-by-line state machine behind indexMbox; kept apart so that the byte handling stays readable. */
class MboxIndexer {
  private current: OpenMessage | undefined
  /** file offset of the previous line when it was empty, else -1 */
  private previousBlankAt = -1
  private ordinal = 0
  private done: MboxEntry[] = []

  line(buf: Buffer, s: number, e: number, offset: number, atLineStart: boolean, terminated: boolean): void {
    const length = e - s
    if (atLineStart && terminated && startsWith(buf, s, e, FROM_) && (this.current === undefined || this.previousBlankAt !== -1)) {
      // mboxrd: a separator is a "From " line at the start or after an empty line; body lines are escaped
      if (this.current !== undefined) this.finish(this.current, this.previousBlankAt)
      this.ordinal += 1
      const postmark = buf.subarray(s, Math.min(e, s + POSTMARK_PROBE_BYTES)).toString('latin1').trim()
      this.current = {
        ordinal: this.ordinal,
        start: offset + length,
        header: [],
        headerBytes: 0,
        inHeader: true,
        escapedLines: 0,
        postmarkMs: parseMailDate(postmark.split(' ').slice(2).join(' ')),
      }
      this.previousBlankAt = -1
      return
    }
    const message = this.current
    const blank = atLineStart && terminated && (length === 1 || (length === 2 && buf[s] === CR))
    this.previousBlankAt = blank ? offset : -1
    if (message === undefined) return
    if (atLineStart && buf[s] === GT && isEscapedFrom(buf, s, e)) message.escapedLines += 1
    if (!message.inHeader) return
    if (blank) {
      message.inHeader = false
      return
    }
    const room = MAX_HEADER_BYTES - message.headerBytes
    if (room > 0) {
      const part = Buffer.from(buf.subarray(s, s + Math.min(length, room)))
      message.header.push(part)
      message.headerBytes += part.length
    }
  }

  end(eofOffset: number): void {
    if (this.current !== undefined) this.finish(this.current, this.previousBlankAt === -1 ? eofOffset : this.previousBlankAt)
    this.current = undefined
  }

  *drain(): Generator<MboxEntry> {
    const entries = this.done
    this.done = []
    yield* entries
  }

  private finish(message: OpenMessage, endOffset: number): void {
    const end = Math.max(endOffset, message.start)
    const header = Buffer.concat(message.header)
    const facts = headerFacts(header)
    this.done.push({
      ordinal: message.ordinal,
      start: message.start,
      end,
      escapedLines: message.escapedLines,
      key: mboxMessageKey(header, end - message.start),
      dateMs: facts.dateMs ?? message.postmarkMs,
    })
  }
}

/**
 * The key that makes an item path unique and lets read() notice a rewritten file. Built from the Message-ID so
 * that it survives appends; messages without one fall back to their header block and length.
 */
export function mboxMessageKey(header: Uint8Array, rawLength: number): string {
  const { messageId } = headerFacts(header)
  const hash = createHash('sha256')
  if (messageId !== undefined) hash.update(`id\0${messageId}`)
  else hash.update(header).update(`\0${rawLength}`)
  return hash.digest('hex').slice(0, MBOX_KEY_HEX_CHARS)
}

/** Reads one message by its offsets and removes the mboxrd escaping. Fails when the file changed under us. */
export async function readMboxMessage(file: string, entry: MboxEntry): Promise<Uint8Array> {
  const rawLength = entry.end - entry.start
  const raw = Buffer.alloc(rawLength)
  const handle = await open(file, 'r')
  try {
    let filled = 0
    while (filled < rawLength) {
      const { bytesRead } = await handle.read(raw, filled, rawLength - filled, entry.start + filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    if (filled < rawLength) {
      throw new ParseError('read_failed', 'Die mbox-Datei ist kürzer geworden; sie wird beim nächsten Durchlauf neu eingelesen.')
    }
  } finally {
    await handle.close()
  }
  if (mboxMessageKey(headerBlock(raw), rawLength) !== entry.key) {
    throw new ParseError('read_failed', 'Die mbox-Datei wurde umgeschrieben; die Nachricht wird beim nächsten Durchlauf neu eingelesen.')
  }
  return entry.escapedLines === 0 ? raw : unescapeMboxrd(raw)
}

/** Removes one ">" from every line that matches /^>+From / (mboxrd); other lines stay byte-identical. */
export function unescapeMboxrd(raw: Buffer): Buffer {
  const parts: Buffer[] = []
  let copyFrom = 0
  for (let lineStart = 0; lineStart < raw.length; ) {
    const nl = raw.indexOf(LF, lineStart)
    const lineEnd = nl === -1 ? raw.length : nl + 1
    if (raw[lineStart] === GT && isEscapedFrom(raw, lineStart, lineEnd)) {
      parts.push(raw.subarray(copyFrom, lineStart))
      copyFrom = lineStart + 1
    }
    lineStart = lineEnd
  }
  parts.push(raw.subarray(copyFrom))
  return Buffer.concat(parts)
}

/** The header block as the indexer kept it: bytes before the first empty line, capped at MAX_HEADER_BYTES. */
function headerBlock(raw: Buffer): Buffer {
  let lineStart = 0
  while (lineStart < raw.length) {
    const nl = raw.indexOf(LF, lineStart)
    const lineEnd = nl === -1 ? raw.length : nl + 1
    const length = lineEnd - lineStart
    if (nl !== -1 && (length === 1 || (length === 2 && raw[lineStart] === CR))) break
    lineStart = lineEnd
  }
  return raw.subarray(0, Math.min(lineStart, MAX_HEADER_BYTES))
}

function isEscapedFrom(buf: Buffer, s: number, e: number): boolean {
  let i = s
  while (i < e && buf[i] === GT) i += 1
  return i > s && startsWith(buf, i, e, FROM_)
}

function startsWith(buf: Buffer, s: number, e: number, prefix: Buffer): boolean {
  if (e - s < prefix.length) return false
  for (let i = 0; i < prefix.length; i += 1) if (buf[s + i] !== prefix[i]) return false
  return true
}
