import { unzipSync, zipSync, type Zippable } from 'fflate'

/** Every file in the demo carries this timestamp so that regenerating it changes no byte. */
export const DEMO_TIMESTAMP = new Date('2026-03-02T08:00:00Z')
export const DEMO_TIMESTAMP_ISO = '2026-03-02T08:00:00Z'

export interface ZipEntry {
  name: string
  data: Uint8Array | string
  /** stored without compression (OpenDocument's `mimetype` must be) */
  store?: boolean
}

/** Writes entries in the given order with a fixed timestamp (the caller sets TZ=UTC: zip times are local). */
export function makeZip(entries: ZipEntry[]): Uint8Array {
  const files: Zippable = {}
  for (const entry of entries) {
    const data = typeof entry.data === 'string' ? new TextEncoder().encode(entry.data) : entry.data
    files[entry.name] = [data, { level: entry.store ? 0 : 6, mtime: DEMO_TIMESTAMP }]
  }
  return zipSync(files, { mtime: DEMO_TIMESTAMP })
}

/**
 * Repacks an office file written by a library (docx, exceljs) with fixed timestamps, and pins the creation and
 * modification dates those libraries put into docProps/core.xml to `date`.
 */
export function normalizeOfficeZip(bytes: Uint8Array, date: string): Uint8Array {
  const entries = unzipSync(bytes)
  return makeZip(
    Object.entries(entries).map(([name, data]) => {
      if (name !== 'docProps/core.xml') return { name, data }
      const xml = new TextDecoder().decode(data).replace(/(<dcterms:(?:created|modified)[^>]*>)[^<]*(<\/dcterms:)/g, `$1${date}$2`)
      return { name, data: xml }
    }),
  )
}
