import { ParseError } from '../types.ts'
import type { ParsedDocument, ParseOptions } from '../types.ts'
import { readZip } from './zip.ts'
import type { ZipEntryInfo } from './zip.ts'

// metadata that archivers on macOS and Windows add; never a document
const NOISE = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i

function isDocument(entry: ZipEntryInfo): boolean {
  return !entry.directory && !NOISE.test(entry.name)
}

/** A zip archive: every entry becomes a child document; the archive's own text is the list of its entries. */
export async function parseZipArchive(data: Uint8Array, options: ParseOptions): Promise<ParsedDocument> {
  if (options.depth >= options.limits.maxZipDepth) {
    throw new ParseError('too_large', `Zip-Archive sind tiefer als ${options.limits.maxZipDepth} Ebenen verschachtelt`)
  }
  const zip = await readZip(data, { ...options, keep: (e) => isDocument(e) && !e.encrypted && e.readable })
  const documents = zip.entries.filter(isDocument)
  if (documents.length > 0 && documents.every((e) => e.encrypted)) {
    throw new ParseError('encrypted', 'Zip-Archiv ist mit einem Passwort geschützt')
  }
  const children = [...zip.files].map(([name, bytes]) => ({ name, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) }))
  const blocks = documents.length > 0 ? [{ kind: 'list' as const, text: documents.map((e) => `- ${e.name}`).join('\n') }] : []
  const skipped = documents.length - children.length
  const metadata = skipped > 0 ? { extra: { skippedEntries: String(skipped) } } : {}
  return { blocks, metadata, children, mime: 'application/zip' }
}
