import ExcelJS from 'exceljs'
import type { DocInfo } from './info.ts'
import { type Block, plain } from './markdown.ts'
import { normalizeOfficeZip } from './zip.ts'

const EURO_FORMAT = '#,##0.00 "€"'
const GERMAN_NUMBER = /^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$/

/**
 * A workbook with one sheet per table; the sheet is named after the heading above the table. German numbers
 * ("1.450,00") become numbers, formatted as euros in columns whose header says €, so the sheet calculates.
 */
export async function renderXlsx(blocks: Block[], info: DocInfo): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook()
  const date = new Date(`${info.date}T08:00:00Z`)
  workbook.creator = info.author
  workbook.lastModifiedBy = info.author
  workbook.title = info.title
  workbook.company = info.issuer
  workbook.created = date
  workbook.modified = date
  let heading = info.title
  let notes: string[] = []
  for (const block of blocks) {
    if (block.kind === 'heading') {
      heading = plain(block.text)
      notes = []
    } else if (block.kind === 'paragraph') {
      notes.push(plain(block.text))
    } else if (block.kind === 'table') {
      const sheet = workbook.addWorksheet(heading.slice(0, 31).replace(/[\\/?*[\]:]/g, '-'))
      const title = sheet.addRow([heading])
      title.font = { bold: true, size: 13 }
      for (const note of notes) sheet.addRow([note]).font = { italic: true, color: { argb: 'FF555555' } }
      sheet.addRow([])
      const [header = [], ...rows] = block.rows
      const headerRow = sheet.addRow(header)
      headerRow.font = { bold: true }
      headerRow.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE6F0' } }
      const euroColumns = header.map((h) => h.includes('€'))
      for (const row of rows) {
        const added = sheet.addRow(row.map((cell, i) => (euroColumns[i] && GERMAN_NUMBER.test(cell) ? toNumber(cell) : cell)))
        euroColumns.forEach((isEuro, i) => {
          if (isEuro) added.getCell(i + 1).numFmt = EURO_FORMAT
        })
      }
      sheet.columns.forEach((column, i) => {
        const longest = Math.max(...block.rows.map((row) => (row[i] ?? '').length))
        column.width = Math.min(Math.max(longest + 2, 10), 70)
      })
      sheet.views = [{ state: 'frozen', ySplit: headerRow.number }]
    }
  }
  const buffer = await workbook.xlsx.writeBuffer()
  return normalizeOfficeZip(new Uint8Array(buffer as ArrayBuffer), `${info.date}T08:00:00Z`)
}

function toNumber(text: string): number {
  return Number(text.replace(/\./g, '').replace(',', '.'))
}
