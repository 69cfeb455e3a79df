import { logger } from '../../log.ts'
import { ParseError } from '../types.ts'
import type { ParsedDocument, ParseOptions, TextBlock } from '../types.ts'
import { parseZipArchive } from './archive.ts'
import { detectFormat } from './detect.ts'
import type { FormatId } from './detect.ts'
import { parseDocx } from './docx.ts'
import { parseEml } from './eml.ts'
import { asParseError, throwIfAborted } from './failures.ts'
import { parseHtml } from './html.ts'
import { parseMarkdown } from './markdown.ts'
import { parseMsg } from './msg.ts'
import { odfParser } from './odf.ts'
import { parsePdf } from './pdf.ts'
import { parsePptx } from './pptx.ts'
import { parseRtf } from './rtf.ts'
import { parseText } from './text.ts'
import { parseXlsx } from './xlsx.ts'

export { detectFormat, SUPPORTED_EXTENSIONS } from './detect.ts'
export type { FormatId } from './detect.ts'

const log = logger('node:ingest:parse')

type FormatParser = (data: Uint8Array, options: ParseOptions) => Promise<ParsedDocument>

const PARSERS: Record<FormatId, FormatParser> = {
  pdf: parsePdf,
  docx: parseDocx,
  xlsx: parseXlsx,
  pptx: parsePptx,
  odt: odfParser('odt'),
  ods: odfParser('ods'),
  odp: odfParser('odp'),
  rtf: parseRtf,
  html: parseHtml,
  txt: parseText,
  markdown: parseMarkdown,
  eml: parseEml,
  msg: parseMsg,
  zip: parseZipArchive,
}

/** Trims every block and drops the empty ones, so "no text" means no text. */
function cleanBlocks(blocks: TextBlock[]): TextBlock[] {
  const cleaned: TextBlock[] = []
  for (const block of blocks) {
    const text = block.text.replace(/[ \t\u00a0]+\n/g, '\n').trim()
    if (text !== '') cleaned.push({ ...block, text })
  }
  return cleaned
}

/**
 * Parses one file into text blocks with structure, metadata and contained files (attachments, archive entries).
 * Fails only with ParseError (corrupt, encrypted, too_large, no_text, unsupported, ocr_unavailable) for bad input,
 * or AbortError when the signal fires.
 */
export async function parseDocument(data: Uint8Array, fileName: string, options: ParseOptions): Promise<ParsedDocument> {
  throwIfAborted(options.signal)
  if (data.byteLength > options.limits.maxFileBytes) {
    const limit = options.limits.maxFileBytes
    throw new ParseError('too_large', `Datei mit ${data.byteLength} Bytes ist größer als die Grenze von ${limit} Bytes`)
  }
  const format = detectFormat(data, fileName)
  if (format === null) throw new ParseError('unsupported', 'Dateiformat wird nicht unterstützt')
  let parsed: ParsedDocument
  try {
    parsed = await PARSERS[format](data, options)
  } catch (err) {
    const failure = asParseError(err, 'corrupt', `Datei ist als ${format.toUpperCase()} nicht lesbar`)
    if (failure instanceof ParseError) log.trace('parse failed', { format, reason: failure.reason, bytes: data.byteLength })
    throw failure
  }
  throwIfAborted(options.signal)
  const blocks = cleanBlocks(parsed.blocks)
  if (blocks.length === 0 && parsed.children.length === 0) throw new ParseError('no_text', 'Das Dokument enthält keinen Text')
  // counts only: file names and text can carry personal data
  log.trace('parsed', {
    format,
    bytes: data.byteLength,
    blocks: blocks.length,
    children: parsed.children.length,
    ocrPages: parsed.ocrPages ?? 0,
  })
  return { ...parsed, blocks }
}
