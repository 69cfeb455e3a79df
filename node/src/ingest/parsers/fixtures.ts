/**
 * Test files, generated on the fly with the same kinds of writers that produce them in the wild (docx, pdfkit, exceljs,
 * hand-written OpenDocument/OOXML parts zipped with fflate). Used by the *.test.ts files only.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { burn } from '@kenjiuno/msgreader/lib/Burner.js'
import type { Entry } from '@kenjiuno/msgreader/lib/Burner.js'
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow } from 'docx'
import ExcelJS from 'exceljs'
import { strToU8, zipSync } from 'fflate'
import type { Zippable } from 'fflate'
import PDFDocument from 'pdfkit'
import { DEFAULT_PARSE_LIMITS } from '../types.ts'
import type { ParseOptions } from '../types.ts'

const run = promisify(execFile)

export function options(overrides: Partial<ParseOptions> = {}): ParseOptions {
  return { limits: DEFAULT_PARSE_LIMITS, depth: 0, ocr: true, ...overrides }
}

export function pdf(write: (doc: PDFKit.PDFDocument) => void, init: PDFKit.PDFDocumentOptions = {}): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument(init)
    const parts: Buffer[] = []
    doc.on('data', (c: Buffer) => parts.push(c))
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(parts))))
    doc.on('error', reject)
    write(doc)
    doc.end()
  })
}

/** A PDF whose only page is a picture of German text: no text layer, like a scanned letter. */
export async function scannedPdf(lines: string[]): Promise<Uint8Array> {
  const source = await pdf((doc) => {
    doc.fontSize(28)
    for (const line of lines) doc.text(line).moveDown()
  })
  const dir = await mkdtemp(join(tmpdir(), 'wissensnetz-scan-'))
  try {
    await writeFile(join(dir, 'source.pdf'), source)
    await run('pdftoppm', ['-r', '150', '-png', '-singlefile', '-f', '1', '-l', '1', join(dir, 'source.pdf'), join(dir, 'page')])
    const png = await readFile(join(dir, 'page.png'))
    return await pdf((doc) => doc.image(png, 0, 0, { fit: [doc.page.width, doc.page.height] }))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Why the OCR test cannot run here, or null when tesseract with German data and pdftoppm are installed. */
export function missingOcrTools(): string | null {
  try {
    const langs = execFileSync('tesseract', ['--list-langs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    if (!langs.split(/\s+/).includes('deu')) return 'tesseract has no German data (apt install tesseract-ocr-deu)'
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' })
    return null
  } catch {
    return 'tesseract or pdftoppm missing (apt install tesseract-ocr tesseract-ocr-deu poppler-utils)'
  }
}

export async function docx(): Promise<Uint8Array> {
  const cell = (text: string): TableCell => new TableCell({ children: [new Paragraph(text)] })
  const doc = new Document({
    creator: 'Jörg Müller',
    title: 'Satzung über die Straßenreinigung',
    sections: [
      {
        children: [
          new Paragraph({ text: 'Satzung über die Straßenreinigung', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ text: 'Allgemeines', heading: HeadingLevel.HEADING_2 }),
          new Paragraph('§ 1 Geltungsbereich'),
          new Paragraph('Diese Satzung gilt für alle öffentlichen Straßen, Wege und Plätze.'),
          new Paragraph({ text: 'Gehwege vor Grundstücken', bullet: { level: 0 } }),
          new Paragraph({ text: 'Fußgängerzonen', bullet: { level: 0 } }),
          new Table({
            rows: [
              new TableRow({ children: [cell('Leistung'), cell('Gebühr')] }),
              new TableRow({ children: [cell('Straßenreinigung'), cell('12,50 €')] }),
            ],
          }),
        ],
      },
    ],
  })
  return new Uint8Array(await Packer.toBuffer(doc))
}

export async function xlsx(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'Jörg Müller'
  workbook.title = 'Gebührenübersicht'
  const fees = workbook.addWorksheet('Gebühren')
  fees.addRow(['Leistung', 'Betrag', 'Gültig ab'])
  fees.addRow(['Müllabfuhr', 120.5, new Date(Date.UTC(2024, 0, 1))])
  fees.addRow(['Straßenreinigung', { formula: 'B2*2', result: 241 }, null])
  const notes = workbook.addWorksheet('Übersicht')
  notes.addRow(['Zuständig', 'Bürgerbüro'])
  return new Uint8Array(await workbook.xlsx.writeBuffer())
}

export function zip(files: Record<string, string | Uint8Array>, level: 0 | 6 | 9 = 6): Uint8Array {
  const entries: Zippable = {}
  for (const [name, content] of Object.entries(files)) {
    entries[name] = [typeof content === 'string' ? strToU8(content) : content, { level: name === 'mimetype' ? 0 : level }]
  }
  return zipSync(entries)
}

const ODF_NS = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"',
  'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"',
  'xmlns:dc="http://purl.org/dc/elements/1.1/"',
  'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"',
].join(' ')

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
const xml = (...parts: string[]): string => XML_DECLARATION + parts.join('')

export function odf(kind: 'text' | 'spreadsheet' | 'presentation', body: string, title = 'Protokoll'): Uint8Array {
  return zip({
    mimetype: `application/vnd.oasis.opendocument.${kind}`,
    'content.xml': xml(
      `<office:document-content ${ODF_NS}><office:body>`,
      `<office:${kind}>${body}</office:${kind}>`,
      '</office:body></office:document-content>',
    ),
    'meta.xml': xml(
      `<office:document-meta ${ODF_NS}><office:meta><dc:title>${title}</dc:title>`,
      '<meta:initial-creator>Jörg Müller</meta:initial-creator><meta:creation-date>2024-03-05T10:00:00</meta:creation-date>',
      '</office:meta></office:document-meta>',
    ),
    'META-INF/manifest.xml': xml('<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>'),
  })
}

const OOXML = 'http://schemas.openxmlformats.org'
const PML_NS = [
  `xmlns:a="${OOXML}/drawingml/2006/main"`,
  `xmlns:p="${OOXML}/presentationml/2006/main"`,
  `xmlns:r="${OOXML}/officeDocument/2006/relationships"`,
].join(' ')

function slide(title: string, paragraphs: string[]): string {
  const shape = (ph: string, texts: string[]): string =>
    `<p:sp><p:nvSpPr><p:cNvPr id="2" name="x"/><p:cNvSpPr/><p:nvPr>${ph}</p:nvPr></p:nvSpPr><p:txBody>${texts
      .map((t) => `<a:p><a:r><a:t>${t}</a:t></a:r></a:p>`)
      .join('')}</p:txBody></p:sp>`
  return xml(
    `<p:sld ${PML_NS}><p:cSld><p:spTree>`,
    shape('<p:ph type="title"/>', [title]),
    shape('<p:ph idx="1"/>', paragraphs),
    '</p:spTree></p:cSld></p:sld>',
  )
}

/** Two slides whose presentation order (slide2 first) differs from their file names. */
export function pptx(): Uint8Array {
  const relationship = (id: string, target: string): string =>
    `<Relationship Id="${id}" Type="${OOXML}/officeDocument/2006/relationships/slide" Target="${target}"/>`
  return zip({
    '[Content_Types].xml': xml(`<Types xmlns="${OOXML}/package/2006/content-types"/>`),
    'ppt/presentation.xml': xml(
      `<p:presentation ${PML_NS}><p:sldIdLst>`,
      '<p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/>',
      '</p:sldIdLst></p:presentation>',
    ),
    'ppt/_rels/presentation.xml.rels': xml(
      `<Relationships xmlns="${OOXML}/package/2006/relationships">`,
      relationship('rId2', 'slides/slide1.xml'),
      relationship('rId3', 'slides/slide2.xml'),
      '</Relationships>',
    ),
    'ppt/slides/slide1.xml': slide('Nächste Schritte', ['Beschluss im Gemeinderat']),
    'ppt/slides/slide2.xml': slide('Bürgerbeteiligung', ['Öffentliche Auslegung für vier Wochen', 'Anhörung der Träger']),
    'docProps/core.xml': xml(
      `<cp:coreProperties xmlns:cp="${OOXML}/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">`,
      '<dc:title>Bauleitplanung</dc:title><dc:creator>Jörg Müller</dc:creator></cp:coreProperties>',
    ),
  })
}

const utf16 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf16le'))

export const MSG_REQUEST = 'ich beantrage eine Ermäßigung der Straßenreinigungsgebühr.'

/** An Outlook .msg (compound file) with subject, sender, one recipient, a body and one attachment. */
export function msg(): Uint8Array {
  const stream = (name: string, data: Uint8Array): Entry => ({ name, type: 2, length: data.length, binaryProvider: () => data })
  const attachment = new Uint8Array(Buffer.from('Übersicht der Gebühren für 2024', 'utf8'))
  const entries: Entry[] = [
    { name: 'Root Entry', type: 5, length: 0, children: [1, 2, 3, 4, 5, 6] },
    stream('__substg1.0_0037001F', utf16('Antrag auf Gebührenermäßigung')),
    stream('__substg1.0_1000001F', utf16(`Sehr geehrte Damen und Herren,\r\n\r\n${MSG_REQUEST}`)),
    stream('__substg1.0_0C1A001F', utf16('Jörg Müller')),
    stream('__substg1.0_0C1F001F', utf16('joerg.mueller@example.org')),
    { name: '__recip_version1.0_#00000000', type: 1, length: 0, children: [7, 8] },
    { name: '__attach_version1.0_#00000000', type: 1, length: 0, children: [9, 10] },
    stream('__substg1.0_3001001F', utf16('Bürgerbüro')),
    stream('__substg1.0_39FE001F', utf16('buergerbuero@example.org')),
    stream('__substg1.0_3707001F', utf16('Gebühren.txt')),
    stream('__substg1.0_37010102', attachment),
  ]
  return burn(entries)
}

export const EML = [
  'From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg.mueller@example.org>',
  'To: =?UTF-8?Q?B=C3=BCrgerb=C3=BCro?= <buergerbuero@example.org>',
  'Subject: =?UTF-8?Q?Geb=C3=BChren_f=C3=BCr_Stra=C3=9Fenreinigung?=',
  'Date: Tue, 05 Mar 2024 10:15:00 +0100',
  'Message-ID: <test-1@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="grenze"',
  '',
  '--grenze',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Sehr geehrte Damen und Herren,',
  '',
  'die Geb=C3=BChren f=C3=BCr die Stra=C3=9Fenreinigung steigen ab M=C3=A4rz. Bitte =',
  'pr=C3=BCfen Sie den Bescheid.',
  '',
  '> Urspr=C3=BCngliche Anfrage zur Geb=C3=BChr',
  '--grenze',
  'Content-Type: text/plain; charset=utf-8; name="Anlage.txt"',
  'Content-Disposition: attachment; filename="Anlage.txt"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('Übersicht der Gebühren für 2024', 'utf8').toString('base64'),
  '--grenze--',
  '',
].join('\r\n')

/** The error a parse fails with; fails the test when it does not. */
export async function failureOf(work: Promise<unknown>): Promise<Error & { reason?: string }> {
  try {
    await work
  } catch (err) {
    return err as Error & { reason?: string }
  }
  throw new Error('expected the parse to fail, but it succeeded')
}

export function texts(blocks: { kind: string; text: string }[], kind?: string): string[] {
  return blocks.filter((b) => kind === undefined || b.kind === kind).map((b) => b.text)
}
