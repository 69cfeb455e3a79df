import { WissensnetzError } from '../errors.ts'

/** One structural block of a parsed document. Blocks are joined with "\n\n" to form the document text. */
export interface TextBlock {
  text: string
  kind: 'heading' | 'paragraph' | 'table' | 'list' | 'quote' | 'header'
  /** heading level, 1 = top */
  level?: number
  /** 1-based page number (PDF, slides: slide number, spreadsheets: sheet index) */
  page?: number
}

/** Metadata a parser, a mail header or a DMS sidecar provides. Dates are ISO 8601 (YYYY-MM-DD or full). */
export interface DocumentMetadata {
  title?: string
  author?: string
  date?: string
  aktenzeichen?: string
  betreff?: string
  vorgang?: string
  department?: string
  /** ISO date after which the document must leave every index (DMS retention) */
  retentionUntil?: string
  /** mail: sender and recipients (personal data: stored, never logged) */
  from?: string
  to?: string[]
  /** anything else worth keeping, shown in the document view */
  extra?: Record<string, string>
}

/** A file inside another (mail attachment, zip entry): parsed as a child document of its parent. */
export interface ChildDocument {
  name: string
  data: Uint8Array
}

export interface ParsedDocument {
  blocks: TextBlock[]
  metadata: DocumentMetadata
  children: ChildDocument[]
  /** number of pages whose text came from OCR */
  ocrPages?: number
  /** detected or declared MIME type */
  mime: string
}

export type ParseFailureCode =
  | 'corrupt' // cannot be read as its format
  | 'encrypted' // password protected
  | 'too_large' // over a configured limit (size, zip entries, depth, ratio)
  | 'no_text' // readable, but contains no text (and OCR found none or is unavailable)
  | 'unsupported' // format not handled
  | 'ocr_unavailable' // scanned pages but no tesseract with German data installed
  | 'read_failed' // the source could not deliver the bytes

/** Why a document could not be indexed. Recorded per document and shown by `status --errors`. */
export class ParseError extends WissensnetzError {
  readonly reason: ParseFailureCode
  constructor(reason: ParseFailureCode, message: string, cause?: unknown) {
    super(`parse_${reason}`, message, { status: 422, cause })
    this.reason = reason
  }
}

export interface ParseLimits {
  /** files larger than this are refused with too_large */
  maxFileBytes: number
  /** zip: total uncompressed bytes over all entries */
  maxZipTotalBytes: number
  /** zip: number of entries */
  maxZipEntries: number
  /** zip inside zip inside ... */
  maxZipDepth: number
  /** zip: uncompressed / compressed ratio of one entry above which it is treated as a bomb */
  maxZipRatio: number
  /** OCR at most this many pages per PDF */
  maxOcrPages: number
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxFileBytes: 100 * 1024 * 1024,
  maxZipTotalBytes: 200 * 1024 * 1024,
  maxZipEntries: 2000,
  maxZipDepth: 3,
  maxZipRatio: 200,
  maxOcrPages: 50,
}

export interface ParseOptions {
  limits: ParseLimits
  /** current nesting depth (zip in zip, attachment in mail) */
  depth: number
  /** enable OCR for PDF pages without a text layer */
  ocr: boolean
  signal?: AbortSignal
}

/** A source item that a connector discovered. */
export interface SourceItem {
  /** stable path of the item inside its source, shown to users (relative path, mailbox/message key) */
  path: string
  /** file name used for format detection (may differ from path, e.g. "message.eml" for a mailbox entry) */
  fileName: string
  size: number
  mtimeMs: number
  /** metadata the container knows (sidecar, IMAP envelope); merged over what the parser finds */
  metadata?: DocumentMetadata
  /** extra access principals for this item on top of the source's (e.g. "user:mueller") */
  principals?: string[]
  read(signal?: AbortSignal): Promise<Uint8Array>
  /**
   * the absolute path when the item is exactly one plain file (folder and DMS sources): a parser thread then
   * reads it itself instead of the main thread (same bytes as read())
   */
  file?: string
}

/** A source connector lists what a source holds now. The pipeline diffs that against the store. */
export interface Connector {
  scan(signal: AbortSignal): AsyncIterable<SourceItem>
  /** optional change notification (file watcher, IMAP IDLE); returns a function that stops watching */
  watch?(onChange: (paths?: string[]) => void): Promise<() => Promise<void>>
  close?(): Promise<void>
}
