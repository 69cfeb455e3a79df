import PDFDocument from 'pdfkit'
import type { DocInfo } from './info.ts'
import { type Block, plain } from './markdown.ts'

const BODY_FONT = 'Helvetica'
const BOLD_FONT = 'Helvetica-Bold'
const BODY_SIZE = 10.5
const HEADING_SIZES = [16, 12.5, 11, 10.5] as const
const MARGIN = 68

/**
 * PDF with a real text layer. The standard Helvetica is not embedded; pdfkit writes it with WinAnsiEncoding, which
 * holds ä, ö, ü, ß, §, „ “ and €, so pdftotext and pdf.js extract German text correctly and the files stay small.
 */
export function renderPdf(blocks: Block[], info: DocInfo): Promise<Uint8Array> {
  const date = new Date(`${info.date}T08:00:00Z`)
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN + 10, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    lang: 'de-DE',
    displayTitle: true,
    info: { Title: info.title, Author: info.author, Subject: info.issuer, Creator: 'Wissensnetz Demo', CreationDate: date, ModDate: date },
  })
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<Uint8Array>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))))

  const width = doc.page.width - 2 * MARGIN
  doc.font(BODY_FONT).fontSize(8.5).fillColor('#555555').text(info.issuer, { width })
  doc.moveDown(1.2).fillColor('black')
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading':
        if (doc.y > doc.page.height - MARGIN - 80) doc.addPage()
        doc.moveDown(block.level === 1 ? 0 : 0.6)
        doc
          .font(BOLD_FONT)
          .fontSize(HEADING_SIZES[block.level - 1] ?? BODY_SIZE)
          .text(plain(block.text), { width })
        doc.moveDown(0.4)
        break
      case 'paragraph':
        doc.font(BODY_FONT).fontSize(BODY_SIZE).text(plain(block.text), { width, align: 'justify', lineGap: 1.5 })
        doc.moveDown(0.5)
        break
      case 'quote':
        doc
          .font(BODY_FONT)
          .fontSize(BODY_SIZE)
          .text(plain(block.text), MARGIN + 20, doc.y, { width: width - 20, lineGap: 1.5 })
        doc.x = MARGIN
        doc.moveDown(0.5)
        break
      case 'list':
        block.items.forEach((item, i) => {
          const marker = block.ordered ? `${i + 1}.` : '•'
          doc.font(BODY_FONT).fontSize(BODY_SIZE)
          // The marker is placed by hand, so the item must fit below it on this page or both move to the next.
          if (doc.y + doc.heightOfString(plain(item), { width: width - 26 }) > doc.page.height - MARGIN) doc.addPage()
          const y = doc.y
          doc.text(marker, MARGIN + 8, y, { width: 16, lineBreak: false })
          doc.text(plain(item), MARGIN + 26, y, { width: width - 26, lineGap: 1.5 })
          doc.moveDown(0.2)
        })
        doc.x = MARGIN
        doc.moveDown(0.3)
        break
      case 'table':
        doc.font(BODY_FONT).fontSize(9.5)
        doc.table({
          data: block.rows.map((row, r) => row.map((cell) => (r === 0 ? { text: cell, font: { src: BOLD_FONT } } : cell))),
          maxWidth: width,
        })
        doc.x = MARGIN
        doc.moveDown(0.6)
        break
    }
  }
  const range = doc.bufferedPageRange()
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i)
    const bottom = doc.page.margins.bottom
    doc.page.margins.bottom = 0
    doc
      .font(BODY_FONT)
      .fontSize(8.5)
      .fillColor('#555555')
      .text(`Seite ${i + 1} von ${range.count}`, MARGIN, doc.page.height - bottom + 24, { width, align: 'right', lineBreak: false })
    doc.page.margins.bottom = bottom
  }
  doc.end()
  return done
}
