import '../../polyfill.ts'
import { getDocumentProxy } from 'unpdf'
import { AbortError } from '../../errors.ts'
import { logger } from '../../log.ts'
import { ParseError } from '../types.ts'
import type { DocumentMetadata, ParsedDocument, ParseOptions, TextBlock } from '../types.ts'
import { throwIfAborted } from './failures.ts'
import { ocrAvailable, openOcrSession } from './ocr.ts'
import { textToBlocks } from './sections.ts'

const log = logger('node:ingest:parse')

/** A page with fewer visible characters than this has no real text layer (at most a page number): it is OCR'd. */
export const MIN_TEXT_LAYER_CHARS = 16
/** A vertical gap larger than this many line heights between two lines starts a new paragraph. */
const PARAGRAPH_GAP_LINES = 1.5
const PDF_VERBOSITY_ERRORS = 0

interface PageItem {
  str?: string
  hasEOL?: boolean
  height?: number
  transform?: number[]
}

/** Joins the text layer's items into lines, with a blank line where the vertical gap shows a paragraph break. */
function pageText(items: PageItem[]): string {
  let out = ''
  let lastY: number | null = null
  let lastHeight = 0
  let lineStart = true
  for (const item of items) {
    if (typeof item.str !== 'string') continue
    const y = item.transform?.[5] ?? 0
    const height = Math.abs(item.height || item.transform?.[3] || 0)
    if (lineStart && lastY !== null && lastY - y > PARAGRAPH_GAP_LINES * Math.max(height, lastHeight)) out += '\n'
    out += item.str
    lineStart = item.hasEOL === true
    if (lineStart) out += '\n'
    if (item.str.trim() !== '') {
      lastY = y
      lastHeight = height
    }
  }
  return out
}

function visibleChars(text: string): number {
  return text.replace(/\s+/g, '').length
}

/** "D:20240315093000+01'00'" → "2024-03-15" */
function pdfDate(value: unknown): string | undefined {
  const m = typeof value === 'string' ? /^(?:D:)?(\d{4})(\d{2})?(\d{2})?/.exec(value) : null
  return m ? [m[1], m[2] ?? '01', m[3] ?? '01'].join('-') : undefined
}

function infoMetadata(info: Record<string, unknown>): DocumentMetadata {
  const metadata: DocumentMetadata = {}
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)
  const title = text(info.Title)
  const author = text(info.Author)
  const date = pdfDate(info.CreationDate) ?? pdfDate(info.ModDate)
  if (title) metadata.title = title
  if (author) metadata.author = author
  if (date) metadata.date = date
  return metadata
}

type PdfProxy = Awaited<ReturnType<typeof getDocumentProxy>>

async function open(data: Uint8Array): Promise<PdfProxy> {
  try {
    // pdf.js takes ownership of the buffer it is given: hand it a copy
    return await getDocumentProxy(new Uint8Array(data), { verbosity: PDF_VERBOSITY_ERRORS, isEvalSupported: false })
  } catch (err) {
    if ((err as Error)?.name === 'PasswordException') throw new ParseError('encrypted', 'PDF ist mit einem Passwort geschützt', err)
    throw new ParseError('corrupt', 'PDF nicht lesbar', err)
  }
}

/** OCRs the pages without a text layer, up to the limit; a page that fails is logged and left out. */
async function ocrPages(data: Uint8Array, pages: number[], options: ParseOptions, into: Map<number, TextBlock[]>): Promise<number> {
  const session = await openOcrSession(data)
  let done = 0
  try {
    for (const page of pages) {
      throwIfAborted(options.signal)
      try {
        const text = await session.recognise(page, options.signal)
        if (visibleChars(text) > 0) {
          into.set(page, textToBlocks(text, page))
          done++
        }
      } catch (err) {
        if (options.signal?.aborted) throw new AbortError()
        log.warn('OCR einer Seite fehlgeschlagen', { page, error: (err as Error)?.name })
      }
    }
  } finally {
    await session.close()
  }
  return done
}

export async function parsePdf(data: Uint8Array, options: ParseOptions): Promise<ParsedDocument> {
  const pdf = await open(data)
  try {
    const { info } = await pdf.getMetadata().catch(() => ({ info: {} }))
    const metadata = infoMetadata(info as Record<string, unknown>)
    const byPage = new Map<number, TextBlock[]>()
    const withoutText: number[] = []
    let broken = 0
    for (let n = 1; n <= pdf.numPages; n++) {
      throwIfAborted(options.signal)
      try {
        const page = await pdf.getPage(n)
        const text = pageText((await page.getTextContent()).items as PageItem[])
        page.cleanup()
        if (visibleChars(text) >= MIN_TEXT_LAYER_CHARS) byPage.set(n, textToBlocks(text, n))
        else withoutText.push(n)
      } catch (err) {
        if (err instanceof AbortError) throw err
        broken++
        log.warn('PDF-Seite nicht lesbar', { page: n, error: (err as Error)?.name })
      }
    }
    if (broken === pdf.numPages) throw new ParseError('corrupt', 'Keine Seite des PDF ist lesbar')

    let ocrDone = 0
    let ocrMissing = false
    if (withoutText.length > 0 && options.ocr) {
      if (await ocrAvailable()) {
        ocrDone = await ocrPages(data, withoutText.slice(0, options.limits.maxOcrPages), options, byPage)
        if (withoutText.length > options.limits.maxOcrPages) log.info('OCR-Seitengrenze erreicht', { pages: withoutText.length })
      } else ocrMissing = true
    }
    const blocks = [...byPage.keys()].sort((a, b) => a - b).flatMap((n) => byPage.get(n) as TextBlock[])
    if (blocks.length === 0) {
      if (ocrMissing) throw new ParseError('ocr_unavailable', 'PDF ohne Textebene, und Texterkennung (tesseract mit Deutsch) fehlt')
      throw new ParseError('no_text', 'PDF enthält keinen Text')
    }
    const pagesWithoutText = pdf.numPages - byPage.size
    if (pagesWithoutText > 0) metadata.extra = { pagesWithoutText: String(pagesWithoutText) }
    return { blocks, metadata, children: [], ocrPages: ocrDone, mime: 'application/pdf' }
  } finally {
    await pdf.destroy().catch(() => undefined)
  }
}
