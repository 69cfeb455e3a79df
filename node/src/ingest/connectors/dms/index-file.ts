import { readFile } from 'node:fs/promises'
import { MAX_INDEX_BYTES } from './constants.ts'
import { parseCsv } from './csv.ts'
import { decodeText } from './decode.ts'
import { fieldOf, mapRecord, type MetadataReading } from './fields.ts'

/** One row of a CSV index: the file it names (as written) and its metadata. */
export interface IndexRow {
  line: number
  fileRef: string
  reading: MetadataReading
}

export type IndexReading =
  | { kind: 'index'; rows: IndexRow[]; unattributedLines: number[] }
  /** the CSV has no file column: it is a document that happens to be called index.csv, or unreadable as an index */
  | { kind: 'not_index'; reason: string }

/**
 * Reads a CSV index (`metadata.csv`, `index.csv`, `export.csv`). A malformed row still yields its file with the
 * problem attached, so the document is indexed and its error is visible; rows that name no file are returned as
 * line numbers for the log.
 */
export async function readIndexFile(absolutePath: string, displayName: string, signal?: AbortSignal): Promise<IndexReading> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(absolutePath, signal ? { signal } : {})
  } catch (error) {
    if (signal?.aborted) throw error
    return { kind: 'not_index', reason: 'nicht lesbar' }
  }
  if (bytes.length > MAX_INDEX_BYTES) return { kind: 'not_index', reason: `größer als ${MAX_INDEX_BYTES / 1024 / 1024} MiB` }
  const records = parseCsv(decodeText(bytes))
  const header = records[0]
  if (!header || header.error) return { kind: 'not_index', reason: 'keine lesbare Kopfzeile' }
  const fileColumn = header.cells.findIndex((name) => fieldOf(name) === 'file')
  if (fileColumn < 0) return { kind: 'not_index', reason: 'keine Spalte „Datei“ oder „Dateiname“' }

  const rows: IndexRow[] = []
  const unattributedLines: number[] = []
  for (const record of records.slice(1)) {
    const fileRef = record.cells[fileColumn]?.trim() ?? ''
    if (fileRef === '') {
      unattributedLines.push(record.line)
      continue
    }
    const where = `${displayName} Zeile ${record.line}`
    if (record.error) {
      rows.push({ line: record.line, fileRef, reading: failed(`${where}: ${record.error}, Metadaten der Zeile nicht übernommen`) })
      continue
    }
    if (record.cells.length > header.cells.length) {
      // More cells than columns: an unquoted delimiter inside a value has shifted everything after it.
      const problem = `${where}: ${record.cells.length} statt ${header.cells.length} Spalten, Metadaten der Zeile nicht übernommen`
      rows.push({ line: record.line, fileRef, reading: failed(problem) })
      continue
    }
    // Fewer cells than columns is how spreadsheet tools write empty trailing values: the missing ones are empty.
    const entries = record.cells.map((cell, i): [string, string] => [header.cells[i] ?? '', cell])
    const reading = mapRecord(entries.filter((_, i) => i !== fileColumn))
    rows.push({
      line: record.line,
      fileRef,
      reading: { metadata: reading.metadata, problems: reading.problems.map((p) => `${where}: ${p}`) },
    })
  }
  return { kind: 'index', rows, unattributedLines }
}

function failed(problem: string): MetadataReading {
  return { metadata: {}, problems: [problem] }
}
