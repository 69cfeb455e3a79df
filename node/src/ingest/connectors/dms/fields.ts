import type { DocumentMetadata } from '../../types.ts'
import { EXTRA_METADATA_ERROR, EXTRA_METADATA_SOURCE, MAX_EXTRA_FIELDS, MAX_EXTRA_VALUE_CHARS } from './constants.ts'
import { dateError, parseDate, parseRetention } from './dates.ts'

/** Metadata read from one sidecar or index row, with the problems found, each a short German sentence. */
export interface MetadataReading {
  metadata: DocumentMetadata
  problems: string[]
}

type Field = 'file' | 'title' | 'aktenzeichen' | 'betreff' | 'vorgang' | 'date' | 'retention' | 'department' | 'author'

/**
 * Column names and sidecar keys as DMS products and hand-made exports spell them, after normalizeKey.
 * Earlier aliases win when a record has several (a `Datum` beats an `Erstellt am`).
 */
const ALIASES: Record<Field, string[]> = {
  file: ['datei', 'dateiname', 'dateipfad', 'pfad', 'file', 'filename', 'filepath', 'path'],
  title: ['titel', 'title', 'dokumenttitel', 'dokumentbezeichnung'],
  aktenzeichen: ['aktenzeichen', 'az', 'geschaeftszeichen', 'filenumber'],
  betreff: ['betreff', 'subject'],
  vorgang: ['vorgang', 'vorgangsbezeichnung', 'vorgangsname', 'case'],
  date: ['datum', 'dokumentdatum', 'erstelltam', 'erstellungsdatum', 'erstellt', 'date', 'created'],
  retention: [
    'aufbewahrungbis',
    'aufbewahrenbis',
    'aufbewahrungsende',
    'loeschdatum',
    'loeschenab',
    'aufbewahrungsfrist',
    'loeschfrist',
    'retentionuntil',
    'retention',
  ],
  department: ['abteilung', 'organisationseinheit', 'oe', 'amt', 'fachbereich', 'dienststelle', 'department'],
  author: ['autor', 'verfasser', 'ersteller', 'bearbeiter', 'sachbearbeiter', 'author', 'creator'],
}

/** Retention keys that name a period ("Frist"): a bare number there means years. */
const PERIOD_KEYS = new Set(['aufbewahrungsfrist', 'loeschfrist'])

const FIELD_BY_KEY = new Map<string, Field>(
  (Object.entries(ALIASES) as [Field, string[]][]).flatMap(([field, keys]) => keys.map((key) => [key, field] as const)),
)

/** `Aufbewahrung bis`, `aufbewahrung_bis` and `AufbewahrungBis` are one column; `Löschdatum` is `loeschdatum`. */
export function normalizeKey(key: string): string {
  return key
    .trim()
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]/g, '')
}

/** The field a column or key maps to, if any. */
export function fieldOf(key: string): Field | undefined {
  return FIELD_BY_KEY.get(normalizeKey(key))
}

/**
 * Maps one record (sidecar object or CSV row, keys as written) to DocumentMetadata. Dates become ISO; a value that
 * cannot be read is left out and named in `problems`. Keys no field knows are kept in `extra`.
 */
export function mapRecord(entries: [string, string][]): MetadataReading {
  const problems: string[] = []
  const values = new Map<Field, { key: string; value: string }>()
  const extra: Record<string, string> = {}
  let extraCount = 0
  for (const [key, raw] of entries) {
    const value = raw.trim()
    if (value === '') continue
    const field = fieldOf(key)
    if (field) {
      const known = values.get(field)
      if (!known || rank(field, key) < rank(field, known.key)) values.set(field, { key, value })
    } else if (extraCount < MAX_EXTRA_FIELDS && key.trim() !== '' && !isReservedExtraKey(key)) {
      extra[key.trim()] = value.slice(0, MAX_EXTRA_VALUE_CHARS)
      extraCount++
    }
  }

  const metadata: DocumentMetadata = {}
  const text = (field: Field): string | undefined => values.get(field)?.value
  if (text('aktenzeichen')) metadata.aktenzeichen = text('aktenzeichen')
  if (text('betreff')) metadata.betreff = text('betreff')
  if (text('vorgang')) metadata.vorgang = text('vorgang')
  if (text('department')) metadata.department = text('department')
  if (text('author')) metadata.author = text('author')
  // The Betreff is what a clerk calls a DMS document; an explicit title column still wins.
  const title = text('title') ?? text('betreff')
  if (title) metadata.title = title

  const date = values.get('date')
  if (date) {
    const iso = parseDate(date.value)
    if (iso) metadata.date = iso
    else problems.push(dateError(date.key.trim(), date.value))
  }
  const retention = values.get('retention')
  if (retention) {
    const result = parseRetention(retention.value, metadata.date, PERIOD_KEYS.has(normalizeKey(retention.key)))
    if (result.until) metadata.retentionUntil = result.until
    if (result.error) problems.push(result.error)
  }
  if (extraCount > 0) metadata.extra = extra
  return { metadata, problems }
}

/** Merges readings in order; later ones (the file's own sidecar after the folder's index) win field by field. */
export function mergeReadings(readings: MetadataReading[], sources: string[]): DocumentMetadata | undefined {
  if (readings.length === 0) return undefined
  const metadata: DocumentMetadata = {}
  const extra: Record<string, string> = {}
  const problems: string[] = []
  for (const reading of readings) {
    const { extra: readingExtra, ...fields } = reading.metadata
    Object.assign(metadata, fields)
    Object.assign(extra, readingExtra)
    problems.push(...reading.problems)
  }
  if (sources.length > 0) extra[EXTRA_METADATA_SOURCE] = sources.join(', ')
  if (problems.length > 0) extra[EXTRA_METADATA_ERROR] = problems.join('; ')
  if (Object.keys(extra).length > 0) metadata.extra = extra
  return metadata
}

function rank(field: Field, key: string): number {
  return ALIASES[field].indexOf(normalizeKey(key))
}

function isReservedExtraKey(key: string): boolean {
  return key === EXTRA_METADATA_ERROR || key === EXTRA_METADATA_SOURCE
}
