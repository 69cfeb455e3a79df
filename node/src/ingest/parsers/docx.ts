import mammoth from 'mammoth'
import { logger } from '../../log.ts'
import { ParseError } from '../types.ts'
import type { ParsedDocument, ParseOptions } from '../types.ts'
import { asParseError, untilAborted } from './failures.ts'
import { htmlToBlocks } from './html.ts'
import { readCoreProperties } from './xml.ts'
import { assertNotEncryptedOffice, readZip } from './zip.ts'

const log = logger('node:ingest:parse')
const HEADING_LEVELS = [1, 2, 3, 4, 5, 6]

// Word stores built-in style names in English, but templates made in German often carry their own names.
const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='Titel'] => h1:fresh",
  ...HEADING_LEVELS.map((n) => `p[style-name='Überschrift ${n}'] => h${n}:fresh`),
  ...[7, 8, 9].map((n) => `p[style-name='heading ${n}'] => h6:fresh`),
]

export async function parseDocx(data: Uint8Array, options: ParseOptions): Promise<ParsedDocument> {
  assertNotEncryptedOffice(data)
  // mammoth inflates without limits: prove the archive is within them first
  const zip = await readZip(data, { ...options, keep: (e) => e.name === 'docProps/core.xml', verifyAll: true })
  if (!zip.entries.some((e) => e.name === 'word/document.xml')) {
    throw new ParseError('corrupt', 'DOCX ohne word/document.xml')
  }
  let html: string
  try {
    const result = await untilAborted(
      mammoth.convertToHtml(
        { buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength) },
        {
          styleMap: STYLE_MAP,
          externalFileAccess: false,
          // images are not indexed; without this mammoth inlines every one as base64
          convertImage: mammoth.images.imgElement(async () => ({ src: '' })),
        },
      ),
      options.signal,
    )
    html = result.value
    if (result.messages.length > 0) log.trace('docx warnings', { count: result.messages.length })
  } catch (err) {
    throw asParseError(err, 'corrupt', 'DOCX nicht lesbar')
  }
  const { blocks } = htmlToBlocks(html)
  const metadata = readCoreProperties(zip.files.get('docProps/core.xml')?.toString('utf8'))
  return { blocks, metadata, children: [], mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }
}
