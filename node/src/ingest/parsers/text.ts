import { ParseError } from '../types.ts'
import type { ParsedDocument } from '../types.ts'
import { decodeCp1252 } from './cp1252.ts'
import { textToBlocks } from './sections.ts'

/** NUL bytes this early mean a binary file with a text-like name, not text. */
const BINARY_SNIFF_BYTES = 8192

/**
 * UTF-8 (BOM or not) and UTF-16 with BOM; anything that is not valid UTF-8 is read as windows-1252, because German
 * files from Windows shares often are.
 */
export function decodeText(data: Uint8Array): string {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return new TextDecoder('utf-8').decode(data.subarray(3))
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2))
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2))
  if (data.subarray(0, BINARY_SNIFF_BYTES).includes(0)) throw new ParseError('unsupported', 'Binärdatei, kein Text')
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data)
  } catch {
    return decodeCp1252(data)
  }
}

export async function parseText(data: Uint8Array): Promise<ParsedDocument> {
  return { blocks: textToBlocks(decodeText(data)), metadata: {}, children: [], mime: 'text/plain' }
}
