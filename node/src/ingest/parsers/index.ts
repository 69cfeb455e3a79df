import { logger } from '../../log.ts'
import { ParseError } from '../types.ts'
import type { ParsedDocument, ParseOptions, TextBlock } from '../types.ts'
import { detectFormat } from './detect.ts'
import type { FormatId } from './detect.ts'
import { asParseError, throwIfAborted } from './failures.ts'

export { detectFormat, SUPPORTED_EXTENSIONS } from './detect.ts'
export type { FormatId } from './detect.ts'

const log = logger('node:ingest:parse')

type FormatParser = (data: Uint8Array, options: ParseOptions) => Promise<ParsedDocument>

// Each format's module (and its library: pdfjs, mammoth, exceljs, mailparser …) is loaded on first use, so that
// commands that parse nothing (search, status) start in a fraction of a second.
const LOADERS: Record<FormatId, () => Promise<FormatParser>> = {
  pdf: async () => (await import('./pdf.ts')).parsePdf,
  docx: async () => (await import('./docx.ts')).parseDocx,
  xlsx: async () => (await import('./xlsx.ts')).parseXlsx,
  pptx: async () => (await import('./pptx.ts')).parsePptx,
  odt: async () => (await import('./odf.ts')).odfParser('odt'),
  ods: async () => (await import('./odf.ts')).odfParser('ods'),
  odp: async () => (await import('./odf.ts')).odfParser('odp'),
  rtf: async () => (await import('./rtf.ts')).parseRtf,
  html: async () => (await import('./html.ts')).parseHtml,
  txt: async () => (await import('./text.ts')).parseText,
  markdown: async () => (await import('./markdown.ts')).parseMarkdown,
  eml: async () => (await import('./eml.ts')).parseEml,
  msg: async () => (await import('./msg.ts')).parseMsg,
  zip: async () => (await import('./archive.ts')).parseZipArchive,
}

const loaded = new Map<FormatId, Promise<FormatParser>>()

function parserFor(format: FormatId): Promise<FormatParser> {
  let parser = loaded.get(format)
  if (parser === undefined) {
    parser = LOADERS[format]()
    loaded.set(format, parser)
  }
  return parser
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
    const parse = await parserFor(format)
    parsed = await parse(data, options)
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
