import { ParseError } from '../types.ts'
import type { ParsedDocument, ParseOptions } from '../types.ts'
import { odfContentBlocks } from './odf-content.ts'
import type { OdfKind } from './odf-content.ts'
import { readCoreProperties } from './xml.ts'
import { readZip } from './zip.ts'

const WANTED = new Set(['content.xml', 'meta.xml', 'META-INF/manifest.xml'])

const MIME: Record<OdfKind, string> = {
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
}

export function odfParser(kind: OdfKind) {
  return async (data: Uint8Array, options: ParseOptions): Promise<ParsedDocument> => {
    const zip = await readZip(data, { ...options, keep: (e) => WANTED.has(e.name) })
    // a password-protected ODF file lists encryption data for its streams in the manifest
    if (zip.files.get('META-INF/manifest.xml')?.includes('encryption-data')) {
      throw new ParseError('encrypted', 'OpenDocument-Datei ist mit einem Passwort geschützt')
    }
    const content = zip.files.get('content.xml')
    if (!content) throw new ParseError('corrupt', 'OpenDocument-Datei ohne content.xml')
    const blocks = odfContentBlocks(content.toString('utf8'), kind)
    const metadata = readCoreProperties(zip.files.get('meta.xml')?.toString('utf8'))
    return { blocks, metadata, children: [], mime: MIME[kind] }
  }
}
