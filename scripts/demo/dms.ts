import type { DemoText } from './markdown.ts'

/** The columns of the demo DMS's CSV export, in the order its export dialog writes them. */
export const DMS_COLUMNS = ['Dateiname', 'Aktenzeichen', 'Betreff', 'Vorgang', 'Datum', 'Aufbewahrung bis', 'Organisationseinheit'] as const

export type DmsRecord = Partial<Record<(typeof DMS_COLUMNS)[number], string>> & Record<string, string>

/** Which metadata a demo DMS document carries: a row in metadata.csv, a JSON sidecar, or both. */
export function dmsRecord(text: DemoText, where: string): { record: DmsRecord; inCsv: boolean; sidecar?: Record<string, string> } {
  const dms = text.meta.dms as Record<string, unknown> | undefined
  if (!dms) throw new Error(`${where}: dms-Metadaten fehlen`)
  const record = Object.fromEntries(Object.entries(dms).map(([k, v]) => [k, String(v)])) as DmsRecord
  const sidecar = text.meta.sidecar as Record<string, unknown> | undefined
  return {
    record,
    inCsv: text.meta.csv !== false,
    ...(sidecar ? { sidecar: Object.fromEntries(Object.entries(sidecar).map(([k, v]) => [k, String(v)])) } : {}),
  }
}

function csvCell(value: string): string {
  return /[;"\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** metadata.csv as a German Excel would save it: UTF-8 with BOM, semicolons, CRLF, dates as TT.MM.JJJJ. */
export function makeMetadataCsv(rows: DmsRecord[]): Uint8Array {
  const lines = [DMS_COLUMNS.join(';'), ...rows.map((row) => DMS_COLUMNS.map((column) => csvCell(row[column] ?? '')).join(';'))]
  return new TextEncoder().encode(`\uFEFF${lines.join('\r\n')}\r\n`)
}
