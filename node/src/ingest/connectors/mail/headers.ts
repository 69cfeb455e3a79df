import { open } from 'node:fs/promises'
import { HEADER_PROBE_BYTES } from './constants.ts'

/** The few header fields a connector needs; everything else is the parser's business. */
export interface HeaderFacts {
  /** Date header in ms since epoch, when present and readable */
  dateMs: number | undefined
  /** Message-ID without angle brackets and whitespace */
  messageId: string | undefined
}

/**
 * Reads Date and Message-ID from a header block (bytes up to the first empty line). Both are ASCII by RFC 5322,
 * so latin1 decoding is exact for them and never throws on 8-bit junk elsewhere in the header.
 */
export function headerFacts(header: Uint8Array): HeaderFacts {
  const text = Buffer.from(header.buffer, header.byteOffset, header.byteLength).toString('latin1')
  const fields = new Map<string, string>()
  let name: string | undefined
  let value = ''
  const flush = (): void => {
    if (name !== undefined && !fields.has(name)) fields.set(name, value.trim())
    name = undefined
  }
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break
    if ((line.startsWith(' ') || line.startsWith('\t')) && name !== undefined) {
      value += ` ${line.trim()}`
      continue
    }
    flush()
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    name = line.slice(0, colon).trim().toLowerCase()
    value = line.slice(colon + 1)
  }
  flush()
  const id = fields.get('message-id')?.replace(/[<>\s]/g, '')
  return { dateMs: parseMailDate(fields.get('date')), messageId: id === undefined || id === '' ? undefined : id }
}

/** RFC 5322 date ("Tue, 1 Jul 2003 10:52:37 +0200 (CEST)") to ms; undefined when unreadable. */
export function parseMailDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const withoutComments = value.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim()
  if (withoutComments === '') return undefined
  const ms = Date.parse(withoutComments)
  return Number.isFinite(ms) ? ms : undefined
}

/** The header block of a message file: bytes up to the first empty line, at most HEADER_PROBE_BYTES. */
export async function readHeaderBlock(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(HEADER_PROBE_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, HEADER_PROBE_BYTES, 0)
    const head = buffer.subarray(0, bytesRead)
    const end = headerEnd(head)
    return end === -1 ? head : head.subarray(0, end)
  } finally {
    await handle.close()
  }
}

/** Offset of the empty line that ends the header, or -1. */
function headerEnd(bytes: Buffer): number {
  const lf = bytes.indexOf('\n\n')
  const crlf = bytes.indexOf('\r\n\r\n')
  if (lf === -1) return crlf
  if (crlf === -1) return lf
  return Math.min(lf, crlf)
}
