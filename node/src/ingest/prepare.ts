import { createHash } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { basename, extname } from 'node:path'
import { germanAnalyzer } from '../index/analysis/index.ts'
import { encodeDocumentChunks } from '../index/lexical.ts'
import type { PreparedDocument } from '../index/writer.ts'
import { logger } from '../log.ts'
import { chunkDocument } from './chunker.ts'
import { parseDocument } from './parsers/index.ts'
import { type DocumentMetadata, type ParseFailureCode, ParseError, type ParseLimits } from './types.ts'

const log = logger('node:ingest')

/** One document to parse, chunk and analyse: everything the work needs, nothing that ties it to a thread. */
export interface PrepareInput {
  sourceId: number
  path: string
  fileName: string
  data: Uint8Array
  hash: string
  mtimeMs: number
  /** what the container knows (DMS sidecar, mail envelope); wins over the parser's findings field by field */
  metadata?: DocumentMetadata
  accessSetId: number
  /** 0 for a top-level document; attachments and archive entries one deeper per level */
  depth: number
}

/**
 * A document that is a plain file: the thread that prepares it reads it too, so that the main thread (which
 * writes the index and serves the API) spends no time on reads, and the bytes are not copied between threads.
 */
export interface PrepareFileInput extends Omit<PrepareInput, 'data' | 'hash'> {
  /** absolute path of the file */
  file: string
  /** its size when it was listed (recorded for a file that cannot be read) */
  size: number
  /** the content hash of the version already indexed: a file with this hash is not parsed again */
  unchangedHash: string | null
}

/** prepareFile's answer for a file whose content is the indexed version (only its time stamp changed). */
export const UNCHANGED = 'unchanged'

export interface PrepareOptions {
  limits: ParseLimits
  ocr: boolean
  signal?: AbortSignal
}

/**
 * Parses a document and, recursively, its attachments or archive entries; chunks each and analyses every
 * chunk for the lexical index. Pure CPU work on bytes (plus OCR subprocesses), so that it can run in a worker
 * thread while the main thread writes. Never throws: a document that cannot be read comes back as a failed
 * document with its reason.
 */
export async function prepareDocument(input: PrepareInput, options: PrepareOptions): Promise<PreparedDocument> {
  try {
    const parsed = await parseDocument(input.data, input.fileName, {
      limits: options.limits,
      depth: input.depth,
      ocr: options.ocr,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    })
    // Container metadata (DMS sidecar, mail envelope) wins field by field; `extra` is merged, not replaced.
    const extra = { ...parsed.metadata.extra, ...input.metadata?.extra }
    const metadata = { ...parsed.metadata, ...definedOnly(input.metadata ?? {}), ...(Object.keys(extra).length > 0 ? { extra } : {}) }
    const { text, chunks } = chunkDocument(parsed.blocks)
    if (chunks.length === 0) throw new ParseError('no_text', 'Das Dokument enthält keinen Text.')
    const firstHeading = parsed.blocks.find((b) => b.kind === 'heading')?.text
    const title = clean(metadata.title) ?? clean(metadata.betreff) ?? clean(firstHeading) ?? stripExtension(input.fileName)
    const children: PreparedDocument[] = []
    const usedNames = new Set<string>()
    for (const child of parsed.children) {
      let name = child.name || 'anhang'
      for (let n = 2; usedNames.has(name); n++) name = `${child.name} (${n})`
      usedNames.add(name)
      children.push(
        await prepareDocument(
          {
            sourceId: input.sourceId,
            path: `${input.path}/${name}`,
            fileName: basename(name),
            data: child.data,
            hash: sha256(child.data),
            mtimeMs: input.mtimeMs,
            accessSetId: input.accessSetId,
            depth: input.depth + 1,
          },
          options,
        ),
      )
    }
    return {
      doc: {
        sourceId: input.sourceId,
        path: input.path,
        fileName: input.fileName,
        title,
        mime: parsed.mime,
        size: input.data.byteLength,
        mtimeMs: input.mtimeMs,
        contentHash: input.hash,
        metadata,
        accessSetId: input.accessSetId,
        text,
        ocrPages: parsed.ocrPages ?? 0,
      },
      // The writer needs a chunk's offsets and analysed terms, not its text (that is doc.text), so the text is
      // not copied back from the worker thread a second time.
      lexical: encodeDocumentChunks(germanAnalyzer(), title, text, chunks),
      chunks: chunks.map((chunk) => ({ ...chunk, text: '' })),
      children,
    }
  } catch (err) {
    const failure = err instanceof ParseError ? err : new ParseError('corrupt', 'Unerwarteter Fehler beim Lesen des Formats.', err)
    // aborted: the caller discards the result (it never reaches the store), so this is no parser error
    if (!(err instanceof ParseError) && options.signal?.aborted !== true) log.warn(`unexpected parser error for a document of source ${input.sourceId}`, err as Error)
    return failedDocument({ ...input, size: input.data.byteLength }, failure)
  }
}

/**
 * Reads a file (refusing one that has grown over the size limit since it was listed), then prepares it like
 * prepareDocument, or answers UNCHANGED when its bytes hash to `unchangedHash`. Never throws: a file that
 * cannot be read comes back as a failed document with the system's error code.
 */
export async function prepareFile(input: PrepareFileInput, options: PrepareOptions): Promise<PreparedDocument | typeof UNCHANGED> {
  const { file, unchangedHash, size, ...rest } = input
  let data: Uint8Array
  try {
    data = readBounded(file, options.limits.maxFileBytes)
  } catch (err) {
    const failure = err instanceof ParseError ? err : readFailed(err)
    return failedDocument({ ...rest, size, hash: null }, failure)
  }
  const hash = sha256(data)
  if (hash === unchangedHash) return UNCHANGED
  return prepareDocument({ ...rest, data, hash }, options)
}

/** The whole file, or a too_large ParseError when it is larger than `maxBytes` (checked before reading). */
function readBounded(file: string, maxBytes: number): Uint8Array {
  const fd = openSync(file, 'r')
  try {
    const size = fstatSync(fd).size
    if (size > maxBytes) throw tooLarge(size, maxBytes)
    const data = new Uint8Array(size)
    let read = 0
    while (read < size) {
      const n = readSync(fd, data, read, size - read, read)
      if (n === 0) break // shrunk since fstat: what is there
      read += n
    }
    return read === size ? data : data.subarray(0, read)
  } finally {
    closeSync(fd)
  }
}

/** The recorded reason for a file over ingest.maxFileMegabytes. */
export function tooLarge(size: number, maxBytes: number): ParseError {
  return new ParseError('too_large', `Datei mit ${size} Bytes ist größer als die Grenze von ${maxBytes} Bytes (ingest.maxFileMegabytes)`)
}

/** The recorded reason for a file the source could not deliver, with the system's error code (ENOENT, EACCES). */
export function readFailed(err: unknown): ParseError {
  return new ParseError('read_failed', `Datei konnte nicht gelesen werden (${(err as NodeJS.ErrnoException).code ?? 'Fehler'})`)
}

/** The record of a document that could not be indexed: no chunks, the reason shown by `status --errors`. */
export function failedDocument(
  input: Pick<PrepareInput, 'sourceId' | 'path' | 'fileName' | 'mtimeMs' | 'accessSetId'> & { size: number; hash: string | null },
  failure: { reason: ParseFailureCode; message: string },
): PreparedDocument {
  return {
    doc: {
      sourceId: input.sourceId,
      path: input.path,
      fileName: input.fileName,
      title: stripExtension(input.fileName),
      mime: null,
      size: input.size,
      mtimeMs: input.mtimeMs,
      contentHash: input.hash,
      metadata: {},
      accessSetId: input.accessSetId,
      text: '',
      ocrPages: 0,
      failure: { code: failure.reason, message: failure.message },
    },
    chunks: [],
    children: [],
  }
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

function stripExtension(fileName: string): string {
  const ext = extname(fileName)
  return ext.length > 0 ? fileName.slice(0, -ext.length) : fileName
}

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.replace(/\s+/g, ' ').trim()
  return trimmed === undefined || trimmed.length === 0 ? undefined : trimmed.slice(0, 300)
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
