/**
 * Tells the zip-based formats apart from their bytes alone: ODF stores its MIME type uncompressed as the first
 * entry, OOXML is recognised by its main part's name in the central directory.
 */
export type ZipFormat = 'odt' | 'ods' | 'odp' | 'docx' | 'xlsx' | 'pptx' | 'zip'

const LOCAL_HEADER = 0x04034b50
const CENTRAL_HEADER = 0x02014b50
const END_OF_CENTRAL_DIRECTORY = 0x06054b50
const EOCD_MIN_BYTES = 22
const MAX_ZIP_COMMENT_BYTES = 0xffff
/** Enough to find an OOXML main part; the directory of a huge archive is not walked to the end. */
const MAX_SNIFFED_ENTRIES = 5000

const ODF_TYPES: Record<string, ZipFormat> = {
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
}
const OOXML_PARTS: Record<string, ZipFormat> = {
  'word/document.xml': 'docx',
  'xl/workbook.xml': 'xlsx',
  'ppt/presentation.xml': 'pptx',
}

function view(data: Uint8Array): DataView {
  return new DataView(data.buffer, data.byteOffset, data.byteLength)
}

function odfType(data: Uint8Array): ZipFormat | null {
  const dv = view(data)
  if (data.length < 30 || dv.getUint32(0, true) !== LOCAL_HEADER) return null
  const nameLength = dv.getUint16(26, true)
  const extraLength = dv.getUint16(28, true)
  const size = dv.getUint32(18, true)
  const name = Buffer.from(data.subarray(30, 30 + nameLength)).toString('latin1')
  if (name !== 'mimetype' || size > 100) return null
  const start = 30 + nameLength + extraLength
  return ODF_TYPES[Buffer.from(data.subarray(start, start + size)).toString('latin1').trim()] ?? null
}

/** Entry names from the central directory, or null when there is none (a truncated archive). */
function centralDirectoryNames(data: Uint8Array): string[] | null {
  const dv = view(data)
  const lowest = Math.max(0, data.length - EOCD_MIN_BYTES - MAX_ZIP_COMMENT_BYTES)
  let eocd = -1
  for (let i = data.length - EOCD_MIN_BYTES; i >= lowest; i--) {
    if (dv.getUint32(i, true) === END_OF_CENTRAL_DIRECTORY) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return null
  const count = Math.min(dv.getUint16(eocd + 10, true), MAX_SNIFFED_ENTRIES)
  let at = dv.getUint32(eocd + 16, true)
  const names: string[] = []
  for (let n = 0; n < count && at + 46 <= data.length; n++) {
    if (dv.getUint32(at, true) !== CENTRAL_HEADER) return names
    const nameLength = dv.getUint16(at + 28, true)
    names.push(Buffer.from(data.subarray(at + 46, at + 46 + nameLength)).toString('utf8'))
    at += 46 + nameLength + dv.getUint16(at + 30, true) + dv.getUint16(at + 32, true)
  }
  return names
}

/** null: the central directory cannot be read, so the content does not say which format this is. */
export function sniffZipFormat(data: Uint8Array): ZipFormat | null {
  const odf = odfType(data)
  if (odf) return odf
  const names = centralDirectoryNames(data)
  if (names === null) return null
  for (const name of names) {
    const format = OOXML_PARTS[name]
    if (format) return format
  }
  return 'zip'
}
