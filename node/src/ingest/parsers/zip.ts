import yauzl from 'yauzl'
import type { Entry, ZipFile } from 'yauzl'
import { AbortError } from '../../errors.ts'
import { logger } from '../../log.ts'
import { ParseError } from '../types.ts'
import type { ParseLimits } from '../types.ts'
import { throwIfAborted } from './failures.ts'

const log = logger('node:ingest:parse')

/** Tiny entries compress at absurd ratios legitimately (a run of blanks); the ratio check starts above this size. */
export const MIN_BYTES_FOR_RATIO_CHECK = 1024 * 1024
const COMPRESSION_STORED = 0
const COMPRESSION_DEFLATE = 8

export interface ZipEntryInfo {
  name: string
  directory: boolean
  encrypted: boolean
  /** stored or deflated; other methods (bzip2, lzma) are listed but not read */
  readable: boolean
  compressedBytes: number
  uncompressedBytes: number
}

export interface ZipReadOptions {
  limits: ParseLimits
  signal?: AbortSignal
  /** entries whose bytes are returned */
  keep: (entry: ZipEntryInfo) => boolean
  /**
   * Also inflate (and discard) every entry that is not kept, to prove its real size before a library that inflates
   * without limits (mammoth, exceljs) reads the same archive.
   */
  verifyAll?: boolean
}

export interface ZipContents {
  entries: ZipEntryInfo[]
  files: Map<string, Buffer>
}

function tooLarge(message: string): ParseError {
  return new ParseError('too_large', message)
}

function describe(entry: Entry): ZipEntryInfo {
  return {
    name: entry.fileName,
    directory: entry.fileName.endsWith('/'),
    encrypted: entry.isEncrypted(),
    readable: entry.compressionMethod === COMPRESSION_STORED || entry.compressionMethod === COMPRESSION_DEFLATE,
    compressedBytes: entry.compressedSize,
    uncompressedBytes: entry.uncompressedSize,
  }
}

function checkDeclared(info: ZipEntryInfo, limits: ParseLimits): void {
  const ratio = info.uncompressedBytes / Math.max(1, info.compressedBytes)
  if (info.uncompressedBytes > MIN_BYTES_FOR_RATIO_CHECK && ratio > limits.maxZipRatio) {
    throw tooLarge(`Zip-Eintrag komprimiert im Verhältnis ${Math.round(ratio)}:1 (Grenze ${limits.maxZipRatio}:1)`)
  }
  if (info.uncompressedBytes > limits.maxZipTotalBytes) throw tooLarge('Zip-Eintrag größer als die erlaubte Gesamtgröße')
}

/**
 * Streams one entry and counts the bytes that really come out of the inflater, because the sizes in the headers
 * are whatever the archive's author wrote there. Returns the bytes only when `keep` is set.
 */
async function inflate(
  zip: ZipFile,
  entry: Entry,
  budget: { bytes: number },
  options: ZipReadOptions,
  keep: boolean,
): Promise<Buffer | null> {
  const { limits, signal } = options
  const stream = await zip.openReadStreamPromise(entry)
  const chunks: Buffer[] = []
  let entryBytes = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      throwIfAborted(signal)
      entryBytes += chunk.length
      budget.bytes += chunk.length
      if (budget.bytes > limits.maxZipTotalBytes) throw tooLarge(`Zip entpackt größer als ${limits.maxZipTotalBytes} Bytes`)
      if (entryBytes > MIN_BYTES_FOR_RATIO_CHECK && entryBytes / Math.max(1, entry.compressedSize) > limits.maxZipRatio) {
        throw tooLarge(`Zip-Eintrag überschreitet das Kompressionsverhältnis ${limits.maxZipRatio}:1`)
      }
      if (keep) chunks.push(chunk)
    }
  } finally {
    stream.destroy()
  }
  return keep ? Buffer.concat(chunks) : null
}

function open(data: Uint8Array): Promise<ZipFile> {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return yauzl.fromBufferPromise(buffer, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false })
}

/** Reads the central directory, enforces the zip limits, and returns the kept entries' bytes. */
export async function readZip(data: Uint8Array, options: ZipReadOptions): Promise<ZipContents> {
  const { limits, signal } = options
  throwIfAborted(signal)
  let zip: ZipFile
  try {
    zip = await open(data)
  } catch (err) {
    throw new ParseError('corrupt', 'Zip-Archiv nicht lesbar', err)
  }
  try {
    if (zip.entryCount > limits.maxZipEntries) throw tooLarge(`Zip mit ${zip.entryCount} Einträgen (Grenze ${limits.maxZipEntries})`)
    const entries: ZipEntryInfo[] = []
    const files = new Map<string, Buffer>()
    const budget = { bytes: 0 }
    for await (const entry of zip.eachEntry()) {
      throwIfAborted(signal)
      const info = describe(entry)
      entries.push(info)
      if (info.directory) continue
      checkDeclared(info, limits)
      const keep = options.keep(info)
      if (info.encrypted || !info.readable || (!keep && !options.verifyAll)) continue
      const bytes = await inflate(zip, entry, budget, options, keep)
      if (bytes) files.set(info.name, bytes)
    }
    log.trace('zip read', { entries: entries.length, kept: files.size, inflatedBytes: budget.bytes })
    return { entries, files }
  } catch (err) {
    if (err instanceof ParseError || err instanceof AbortError) throw err
    // yauzl's own guard against entries that inflate beyond their declared size
    if (/too many bytes in the stream/.test(String((err as Error)?.message))) throw tooLarge('Zip-Eintrag größer als angegeben')
    throw new ParseError('corrupt', 'Zip-Archiv beschädigt', err)
  } finally {
    zip.close()
  }
}

/** OOXML files (DOCX, XLSX, PPTX) saved with a password are OLE containers holding an "EncryptedPackage" stream. */
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
const ENCRYPTED_PACKAGE_UTF16 = Buffer.from('EncryptedPackage', 'utf16le')

export function isOle(data: Uint8Array): boolean {
  return OLE_MAGIC.every((b, i) => data[i] === b)
}

export function assertNotEncryptedOffice(data: Uint8Array): void {
  if (isOle(data) && Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes(ENCRYPTED_PACKAGE_UTF16)) {
    throw new ParseError('encrypted', 'Office-Dokument ist mit einem Passwort geschützt')
  }
}
