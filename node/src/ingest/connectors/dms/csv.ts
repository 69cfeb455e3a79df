/** One record of a CSV file with the 1-based line it starts on, so problems can name the line. */
export interface CsvRecord {
  line: number
  cells: string[]
  /** set when the record could not be read as CSV (an unclosed quote) */
  error?: string
}

const CANDIDATE_DELIMITERS = [';', ',', '\t'] as const

/**
 * Reads CSV as German DMS exports write it: `;` (Excel in a German locale) or `,` or tab, detected from the header
 * line; fields may be quoted with `"` and contain delimiters, doubled quotes and line breaks.
 * A record with an unclosed quote is returned with an error and reading goes on at the next line, so one broken
 * row cannot swallow the rest of the index.
 */
export function parseCsv(text: string): CsvRecord[] {
  const delimiter = detectDelimiter(text)
  const records: CsvRecord[] = []
  let pos = 0
  let line = 1
  while (pos < text.length) {
    const record = readRecord(text, pos, delimiter)
    const isBlank = record.cells.length === 1 && record.cells[0]!.trim() === ''
    if (!isBlank || record.error) records.push({ line, cells: record.cells, ...(record.error ? { error: record.error } : {}) })
    line += countLineBreaks(text, pos, record.next)
    pos = record.next
  }
  return records
}

function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/))
  let best: string = CANDIDATE_DELIMITERS[0]
  let bestCount = 0
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const count = countOutsideQuotes(firstLine, delimiter)
    if (count > bestCount) {
      best = delimiter
      bestCount = count
    }
  }
  return best
}

function countOutsideQuotes(line: string, char: string): number {
  let count = 0
  let quoted = false
  for (const c of line) {
    if (c === '"') quoted = !quoted
    else if (c === char && !quoted) count++
  }
  return count
}

function readRecord(text: string, start: number, delimiter: string): { cells: string[]; next: number; error?: string } {
  const cells: string[] = []
  let cell = ''
  let pos = start
  let quoted = false
  let quoteStart = -1
  while (pos < text.length) {
    const c = text[pos]!
    if (quoted) {
      if (c === '"' && text[pos + 1] === '"') {
        cell += '"'
        pos += 2
        continue
      }
      if (c === '"') quoted = false
      else cell += c
      pos++
      continue
    }
    if (c === '"' && cell.trim() === '') {
      // A quote opens a quoted field only at its start; elsewhere it is an ordinary character (Antrag "Nord").
      quoted = true
      quoteStart = pos
      cell = ''
    } else if (c === delimiter) {
      cells.push(cell)
      cell = ''
    } else if (c === '\r' || c === '\n') {
      cells.push(cell)
      const next = c === '\r' && text[pos + 1] === '\n' ? pos + 2 : pos + 1
      return { cells, next }
    } else {
      cell += c
    }
    pos++
  }
  if (quoted) {
    const lineEnd = text.slice(quoteStart).search(/\r?\n/)
    const resume = text.slice(start).search(/\r?\n/)
    const next = resume < 0 ? text.length : start + resume + (text[start + resume] === '\r' ? 2 : 1)
    cells.push(lineEnd < 0 ? text.slice(quoteStart + 1) : text.slice(quoteStart + 1, quoteStart + lineEnd))
    return { cells, next, error: 'Anführungszeichen nicht geschlossen' }
  }
  cells.push(cell)
  return { cells, next: pos }
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0
  for (let i = from; i < to; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) count++
  }
  return count
}
