import ExcelJS from 'exceljs'
import type { CellValue } from 'exceljs'
import type { ParsedDocument, ParseOptions, TextBlock } from '../types.ts'
import { asParseError, throwIfAborted, untilAborted } from './failures.ts'
import { formatSheetDate, sheetBlocks } from './sheet.ts'
import { readCoreProperties } from './xml.ts'
import { assertNotEncryptedOffice, readZip } from './zip.ts'

function cellText(value: CellValue): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return formatSheetDate(value)
  if (typeof value !== 'object') return String(value)
  if ('richText' in value) return value.richText.map((r) => r.text).join('')
  if ('hyperlink' in value) return String(value.text ?? '')
  if ('formula' in value || 'sharedFormula' in value) {
    const result = value.result
    return result === undefined || (typeof result === 'object' && !(result instanceof Date)) ? '' : cellText(result)
  }
  return ''
}

export async function parseXlsx(data: Uint8Array, options: ParseOptions): Promise<ParsedDocument> {
  assertNotEncryptedOffice(data)
  // exceljs inflates without limits: prove the archive is within them first
  const zip = await readZip(data, { ...options, keep: (e) => e.name === 'docProps/core.xml', verifyAll: true })
  const workbook = new ExcelJS.Workbook()
  try {
    await untilAborted(workbook.xlsx.load(Buffer.from(data.buffer, data.byteOffset, data.byteLength) as never), options.signal)
  } catch (err) {
    throw asParseError(err, 'corrupt', 'XLSX nicht lesbar')
  }
  const blocks: TextBlock[] = []
  workbook.worksheets.forEach((sheet, index) => {
    throwIfAborted(options.signal)
    const rows: string[][] = []
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = []
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        // a merged range keeps its value in the top-left cell; the others would repeat it
        cells[column - 1] = cell.isMerged && cell.master.address !== cell.address ? '' : cellText(cell.value)
      })
      rows.push(Array.from(cells, (c) => c ?? ''))
    })
    blocks.push(...sheetBlocks(sheet.name, index + 1, rows))
  })
  const metadata = readCoreProperties(zip.files.get('docProps/core.xml')?.toString('utf8'))
  return { blocks, metadata, children: [], mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }
}
