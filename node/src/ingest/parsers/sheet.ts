import type { TextBlock } from '../types.ts'

/** Long sheets are cut into several table blocks; each repeats the header row so a chunk still says what its columns are. */
export const MAX_ROWS_PER_TABLE_BLOCK = 100

/** One sheet (XLSX, ODS) as a section: its name as heading, its rows as " | " lines, all on page = sheet index. */
export function sheetBlocks(name: string, page: number, rows: string[][]): TextBlock[] {
  const lines = rows.map(trimRow).filter((cells) => cells.some((c) => c !== '')).map((cells) => cells.join(' | '))
  if (lines.length === 0) return []
  const blocks: TextBlock[] = [{ kind: 'heading', level: 1, text: name, page }]
  const [header, ...body] = lines as [string, ...string[]]
  if (body.length === 0) return [...blocks, { kind: 'table', text: header, page }]
  for (let i = 0; i < body.length; i += MAX_ROWS_PER_TABLE_BLOCK - 1) {
    blocks.push({ kind: 'table', text: [header, ...body.slice(i, i + MAX_ROWS_PER_TABLE_BLOCK - 1)].join('\n'), page })
  }
  return blocks
}

function trimRow(cells: string[]): string[] {
  const trimmed = cells.map((c) => c.replace(/\s+/g, ' ').trim())
  let end = trimmed.length
  while (end > 0 && trimmed[end - 1] === '') end--
  return trimmed.slice(0, end)
}

/** German date format, because that is how clerks type dates into the search box. */
export function formatSheetDate(date: Date): string {
  const dd = String(date.getUTCDate()).padStart(2, '0')
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0')
  return `${dd}.${mm}.${date.getUTCFullYear()}`
}
