import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx'
import type { DocInfo } from './info.ts'
import { isoDateTime } from './info.ts'
import { type Block, inlineRuns } from './markdown.ts'
import { normalizeOfficeZip } from './zip.ts'

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4] as const

function runs(text: string): TextRun[] {
  return inlineRuns(text).map((run) => new TextRun({ text: run.text, bold: run.bold }))
}

function toChildren(block: Block): (Paragraph | Table)[] {
  switch (block.kind) {
    case 'heading':
      return [new Paragraph({ heading: HEADINGS[block.level - 1] ?? HeadingLevel.HEADING_4, children: runs(block.text) })]
    case 'paragraph': {
      // Address blocks and signatures become one paragraph per line without spacing, as Word users type them:
      // text extractors drop soft line breaks and would glue "Frau" and the name together.
      const lines = block.text.split('\n')
      return lines.map(
        (line, i) =>
          new Paragraph({
            children: runs(line),
            spacing: { after: i === lines.length - 1 ? 160 : 0 },
            ...(lines.length === 1 ? { alignment: AlignmentType.JUSTIFIED } : {}),
          }),
      )
    }
    case 'quote':
      return block.text.split('\n').map((line) => new Paragraph({ children: runs(line), indent: { left: 567 }, spacing: { after: 80 } }))
    case 'list':
      return block.items.map((item, i) =>
        block.ordered
          ? new Paragraph({ children: runs(`${i + 1}. ${item}`), indent: { left: 567, hanging: 283 }, spacing: { after: 80 } })
          : new Paragraph({ children: runs(item), bullet: { level: 0 }, spacing: { after: 80 } }),
      )
    case 'table': {
      const border = { style: BorderStyle.SINGLE, size: 4, color: '808080' }
      const borders = { top: border, bottom: border, left: border, right: border }
      const table = new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: block.rows.map(
          (row, r) =>
            new TableRow({
              tableHeader: r === 0,
              children: row.map(
                (cell) => new TableCell({ borders, children: [new Paragraph({ children: [new TextRun({ text: cell, bold: r === 0 })] })] }),
              ),
            }),
        ),
      })
      return [table, new Paragraph({ children: [] })]
    }
  }
}

export async function renderDocx(blocks: Block[], info: DocInfo): Promise<Uint8Array> {
  const document = new Document({
    creator: info.author,
    lastModifiedBy: info.author,
    title: info.title,
    description: info.issuer,
    styles: { default: { document: { run: { font: 'Arial', size: 22 } } } },
    sections: [
      {
        headers: {
          default: new Header({ children: [new Paragraph({ children: [new TextRun({ text: info.issuer, size: 18, color: '555555' })] })] }),
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.RIGHT,
                children: [new TextRun({ size: 18, children: ['Seite ', PageNumber.CURRENT, ' von ', PageNumber.TOTAL_PAGES] })],
              }),
            ],
          }),
        },
        children: blocks.flatMap(toChildren),
      },
    ],
  })
  return normalizeOfficeZip(await Packer.toBuffer(document), isoDateTime(info.date))
}
