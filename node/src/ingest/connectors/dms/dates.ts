import { TWO_DIGIT_YEAR_PIVOT } from './constants.ts'

const GERMAN_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:[\s,T]+\d{1,2}:\d{2}(?::\d{2})?)?$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/
const YEAR_ONLY = /^(\d{4})$/
const YEARS = /^(\d{1,3})\s*(?:jahre?|j\.?)?$/i
const PERMANENT = /^(dauernd|dauerhaft|unbefristet|unbegrenzt|permanent|ewig|archivieren|archivwürdig)$/i

export type RetentionResult = { until?: string; error?: string }

/** Reads `31.12.2026`, `1.2.26`, `2026-12-31` (time parts are dropped) as an ISO date; undefined when it is none. */
export function parseDate(value: string): string | undefined {
  const text = value.trim()
  const german = GERMAN_DATE.exec(text)
  if (german) {
    const year = german[3]!.length === 2 ? expandYear(Number(german[3])) : Number(german[3])
    return isoDate(year, Number(german[2]), Number(german[1]))
  }
  const iso = ISO_DATE.exec(text)
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]))
  return undefined
}

/**
 * Reads a retention entry: a date (`31.12.2030`), a year (`2030`: end of that year), a period (`10 Jahre`, or a bare
 * number where the column is a Frist) counted from the document date, or "dauernd" (kept without end).
 * A period starts with the end of the calendar year of the document date, as German filing rules and § 147 AO count it.
 */
export function parseRetention(value: string, documentDate: string | undefined, isPeriod: boolean): RetentionResult {
  const text = value.trim()
  if (text === '' || PERMANENT.test(text)) return {}
  const date = parseDate(text)
  if (date) return { until: date }
  const year = YEAR_ONLY.exec(text)
  if (year) return { until: `${year[1]}-12-31` }
  const years = YEARS.exec(text)
  if (years && (isPeriod || /\D/.test(text))) {
    if (!documentDate) return { error: `Aufbewahrungsfrist „${shorten(text)}“ ohne Dokumentdatum nicht berechenbar` }
    return { until: `${Number(documentDate.slice(0, 4)) + Number(years[1])}-12-31` }
  }
  return { error: `Aufbewahrung „${shorten(text)}“ ist kein Datum (erwartet TT.MM.JJJJ, JJJJ-MM-TT oder „10 Jahre“)` }
}

/** The reason shown when a date column holds something that is not a date. */
export function dateError(label: string, value: string): string {
  return `${label} „${shorten(value)}“ ist kein gültiges Datum (erwartet TT.MM.JJJJ oder JJJJ-MM-TT)`
}

function expandYear(twoDigits: number): number {
  return twoDigits < TWO_DIGIT_YEAR_PIVOT ? 2000 + twoDigits : 1900 + twoDigits
}

/** Rejects dates that do not exist (31.02.) instead of letting Date roll them over into March. */
function isoDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1) return undefined
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day > daysInMonth) return undefined
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

function shorten(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text
}
