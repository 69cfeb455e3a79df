import type { Redaction, RedactionKind } from '@wissensnetz/protocol'
import { AMBIGUOUS_NAME_SET, FAMILY_NAME_SET, FIRST_NAME_SET } from './names.ts'

/**
 * Removes personal data from a question (before it leaves the node) and from hits (before an answer leaves):
 * person names (rules after salutations and titles, plus a dictionary of German first and family names),
 * street addresses, phone numbers, e-mail addresses, IBANs, tax ids, dates of birth, licence plates, and file
 * numbers that point to a person. Deterministic: the preview shows exactly what `anonymize` will send.
 */

export const PLACEHOLDERS: Record<RedactionKind, string> = {
  name: '[NAME]',
  address: '[ADRESSE]',
  phone: '[TELEFON]',
  email: '[E-MAIL]',
  iban: '[IBAN]',
  tax_id: '[STEUER-ID]',
  birth_date: '[GEBURTSDATUM]',
  licence_plate: '[KENNZEICHEN]',
  file_number: '[AKTENZEICHEN]',
}

export interface Anonymized {
  text: string
  redactions: Redaction[]
}

interface Span {
  kind: RedactionKind
  start: number
  end: number
}

const L = 'A-Za-zÄÖÜäöüßÀ-ÿĀ-ž'
const UPPER = 'A-ZÄÖÜÀ-ÞĀ-Ž'
/** a capitalised word (names may carry apostrophes and hyphens: O'Neill, Müller-Lüdenscheidt) */
const CAP_WORD = `[${UPPER}][${L}'’]*(?:-[${UPPER}][${L}'’]*)*`

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g
/**
 * Any eleven digits grouped like a tax id ("12 345 678 901"). A real Steuer-ID never starts with 0, but a
 * trunk-prefixed phone number with eleven digits ("02632 123456") has the same shape: the phone patterns run
 * first so that they label it, and this one still redacts what neither recognises.
 */
const STEUER_ID = /(?<![\d/])\d{2} ?\d{3} ?\d{3} ?\d{3}(?![\d/])/g
const STEUERNUMMER = /(?<![\d/])\d{2,3}\/\d{3,4}\/\d{4,5}(?![\d/])/g
const VAT_ID = /\bDE ?\d{9}\b/g
const SV_NUMBER = /\b\d{2} ?\d{6} ?[A-Z] ?\d{3}\b/g
const PHONE_CONTEXT =
  /\b(?:Tel(?:efon|efax)?|Fax|Fon|Mobil(?:funk|telefon)?|Handy|Rufnummer|Telefonnummer|Festnetz)\.?(?:-?Nr\.?)?\s*:?\s*(\+?[\d()][\d ()/-]{4,}\d)/gi
const PHONE = /(?<![\w/.,-])(?:(?:\+|00)\d{2,3}[ /-]?(?:\(0\)[ /-]?)?\d{2,5}|\(0\d{2,5}\)|0\d{2,5})(?:[ /-]{0,3}\d{2,}){1,4}(?![\w/.-]*\d)/g
const MONTH = '(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)'
const DATE = String.raw`(?:\d{1,2}\. ?\d{1,2}\. ?(?:\d{4}|\d{2})|\d{1,2}\. ?${MONTH} \d{4}|\d{4}-\d{2}-\d{2})`
const BIRTH = new RegExp(
  String.raw`(?:\bgeb(?:oren)?\.?(?: am)?|\bGeburtsdatum|\bGeb\.-Datum|\bGeburtstag|(?<!\w)\*)\s*:?\s*(${DATE})`,
  'gi',
)
const PLATE = new RegExp(String.raw`(?<![\w-])[${UPPER}]{1,3}-[A-Z]{1,2} ?\d{1,4}[EH]?(?![\w-])`, 'g')
const PLATE_CONTEXT = new RegExp(String.raw`\b(?:Kfz-)?Kennzeichen\s*:?\s*([${UPPER}]{1,3}[ -][A-Z]{1,2} ?\d{1,4}[EH]?)\b`, 'gi')
/** keywords after which an identifier points to one person or one person's case */
const PERSONAL_NUMBER_WORDS = [
  'Personalnummer|Personal-Nr\\.?|Pers\\.-Nr\\.?|Kassenzeichen|Kundennummer|Kunden-Nr\\.?|Versicherungsnummer|Versichertennummer',
  'Sozialversicherungsnummer|SV-Nummer|Rentenversicherungsnummer|Personalausweisnummer|Ausweisnummer|Ausweis-Nr\\.?|Passnummer',
  'Mitgliedsnummer|Fallnummer|Vorgangsnummer|Antragsnummer|BG-Nummer|Bedarfsgemeinschaftsnummer',
].join('|')
const PERSONAL_NUMBER = new RegExp(String.raw`\b(?:${PERSONAL_NUMBER_WORDS})\s*[:.]?\s*([A-Z0-9][A-Z0-9./-]*)`, 'gi')
const TAX_NUMBER =
  /\b(?:Steuernummer|St\.-?Nr\.|Steuer-?ID|Steuer-IdNr\.?|(?:Steuer-?)?Identifikationsnummer|IdNr\.)\s*[:.]?\s*(\d[\d ./]{6,}\d)/gi
const FILE_REFERENCE =
  /\b(?:Aktenzeichen|Az\.|AZ:?|Gz\.|Geschäftszeichen|Unser Zeichen|Ihr Zeichen)\s*[:.]?\s*([A-Za-z0-9ÄÖÜäöü][\wÄÖÜäöüß./-]*)/g
/** an Aktenplan number names a subject, not a person: kept */
const AKTENPLAN_ONLY = /^\d+(?:[.-]\d+)*\.?$/
const STREET_SUFFIX = '(?:straße|strasse|str\\.|weg|gasse|platz|allee|ring|damm|ufer|pfad|steig|chaussee|promenade)'
const STREET_WORD = '(?:Straße|Strasse|Str\\.|Weg|Gasse|Platz|Allee|Ring|Damm|Ufer|Pfad|Chaussee|Promenade)'
const HOUSE_NUMBER = String.raw`\d{1,4} ?[a-zA-Z]?(?: ?[-/] ?\d{1,4}[a-z]?)?(?![\w.]*\d)`
const POSTCODE_CITY = String.raw`(?:,? ?\d{5} [${UPPER}][${L}-]+)?`
const STREET_PREFIX = '(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Unter den|Hinter der|Vor dem)'
const STREET = `(?:[${UPPER}][${L}-]*${STREET_SUFFIX}|(?:${CAP_WORD} ){1,2}${STREET_WORD}|${STREET_PREFIX} ${CAP_WORD})`
const ADDRESS = new RegExp(String.raw`(?<![\w-])${STREET} ${HOUSE_NUMBER}${POSTCODE_CITY}`, 'gu')
const SALUTATION = String.raw`(?:Herrn?|Frau|Hr\.|Fr\.|Familie|Eheleuten?|Ehepaar|Witwe|Dr\.|Prof\.|${[
  'Antragsteller(?:in)?|Bauherr(?:in)?|Mieter(?:in)?|Eigentümer(?:in)?|Bürger(?:in)?|Kollegin|Kollegen?',
].join('|')})`
const ROLE_WORDS = [
  'Dr\\.|Prof\\.|Bürgermeister(?:in)?|Ortsbürgermeister(?:in)?|Oberbürgermeister(?:in)?|Landrat|Landrätin',
  'Ministerin|Minister|Rechtsanwalt|Rechtsanwältin|Notar(?:in)?|Pfarrer(?:in)?',
].join('|')
const ROLE = `(?:(?:${ROLE_WORDS}) )*`
const NAME_PARTICLE = '(?:(?:von|van|de|zu|von der|von dem|vom|ten|ter) )?'
const SALUTED_NAME = new RegExp(
  String.raw`\b${SALUTATION} ${ROLE}(${NAME_PARTICLE}(?:${CAP_WORD}|[${UPPER}]\.)(?: ${NAME_PARTICLE}${CAP_WORD})?)`,
  'gu',
)
const WORD = new RegExp(CAP_WORD, 'gu')

/** Nouns that follow a first name without being a family name ("Anna hat", "Paul Gerhardt Schule"). */
const NOT_A_NAME = new Set([
  'Straße',
  'Strasse',
  'Weg',
  'Platz',
  'Schule',
  'Grundschule',
  'Gymnasium',
  'Realschule',
  'Kindergarten',
  'Kita',
  'Haus',
  'Halle',
  'Stiftung',
  'Preis',
  'Brücke',
  'Park',
  'Allee',
  'Kirche',
  'Klinik',
  'Zentrum',
])

function collect(text: string, pattern: RegExp, kind: RedactionKind, group = 0, keep?: (match: string) => boolean): Span[] {
  const spans: Span[] = []
  pattern.lastIndex = 0
  for (const m of text.matchAll(pattern)) {
    const value = m[group]
    if (value === undefined || m.index === undefined) continue
    if (keep !== undefined && !keep(value)) continue
    const start = group === 0 ? m.index : m.index + m[0].lastIndexOf(value)
    spans.push({ kind, start, end: start + value.length })
  }
  return spans
}

const digits = (s: string): number => s.replace(/\D/g, '').length
const ibanLength = (s: string): boolean => {
  const n = s.replace(/ /g, '').length
  return n >= 15 && n <= 34 && /^[A-Z]{2}\d{2}/.test(s) && digits(s) >= 8
}

/** Dictionary names: first names (with what follows), and unambiguous family names on their own. */
function dictionaryNames(text: string): Span[] {
  const spans: Span[] = []
  const tokens = [...text.matchAll(WORD)].map((m) => ({ word: m[0], start: m.index ?? 0, end: (m.index ?? 0) + m[0].length }))
  const base = (w: string): string => (w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w)
  const parts = (w: string): string[] => w.split('-')
  const known = (w: string): boolean => FIRST_NAME_SET.has(w) || FAMILY_NAME_SET.has(w)
  const isFirst = (w: string): boolean =>
    FIRST_NAME_SET.has(w) || FIRST_NAME_SET.has(base(w)) || (w.includes('-') && parts(w).every((p) => FIRST_NAME_SET.has(p)))
  // A hyphenated word is a double name only when every part is a name ("Meier-Hansen", not "Paul-Gerhardt-Schule").
  const isFamily = (w: string): boolean =>
    FAMILY_NAME_SET.has(w) || FAMILY_NAME_SET.has(base(w)) || (w.includes('-') && parts(w).every((p) => known(p) || known(base(p))))
  const ambiguous = (w: string): boolean => AMBIGUOUS_NAME_SET.has(w) || AMBIGUOUS_NAME_SET.has(base(w))
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    const next = tokens[i + 1]
    const adjacent = next !== undefined && /^ $/.test(text.slice(t.end, next.start))
    if (isFirst(t.word) && adjacent && !NOT_A_NAME.has(next.word) && !/\.$/.test(next.word)) {
      // "Anna Schmidt", "Karl Bauer": a first name followed by a capitalised word is a person
      if (!ambiguous(t.word) || isFamily(next.word)) {
        spans.push({ kind: 'name', start: t.start, end: next.end })
        i++
        continue
      }
    }
    if (ambiguous(t.word)) continue
    if (isFirst(t.word) || isFamily(t.word)) spans.push({ kind: 'name', start: t.start, end: t.end })
  }
  return spans
}

/** Personal data that contain a digit: identifiers, dates, phone numbers, plates, addresses with house number. */
function numberedData(text: string): Span[] {
  // Order matters: where two patterns find the same span, the one listed first names it (findPersonalData).
  // A keyword before the number ("Steuer-ID", "Tel.", "Personalnummer") decides first, then the number's shape.
  return [
    ...collect(text, IBAN, 'iban', 0, ibanLength),
    ...collect(text, TAX_NUMBER, 'tax_id', 1),
    ...collect(text, PHONE_CONTEXT, 'phone', 1, (v) => digits(v) >= 5),
    ...collect(text, PERSONAL_NUMBER, 'file_number', 1, (v) => /\d/.test(v)),
    ...collect(text, FILE_REFERENCE, 'file_number', 1, (v) => /\d/.test(v) && !AKTENPLAN_ONLY.test(v)),
    ...collect(text, BIRTH, 'birth_date', 1),
    ...collect(text, PLATE_CONTEXT, 'licence_plate', 1),
    ...collect(text, STEUERNUMMER, 'tax_id'),
    ...collect(text, VAT_ID, 'tax_id'),
    ...collect(text, SV_NUMBER, 'file_number'),
    ...collect(text, PLATE, 'licence_plate'),
    ...collect(text, PHONE, 'phone', 0, (v) => digits(v) >= 6 && digits(v) <= 15),
    ...collect(text, STEUER_ID, 'tax_id'),
    ...collect(text, ADDRESS, 'address'),
  ]
}

/** Every personal datum found, overlaps resolved (the earlier, then the longer span wins). */
export function findPersonalData(text: string): Span[] {
  // Answers redact ten titles and snippets each: skip the patterns that cannot match (every one but the name
  // rules needs a digit, e-mail needs an @) instead of running them over every text.
  const hasDigit = /\d/.test(text)
  const spans: Span[] = [
    ...(text.includes('@') ? collect(text, EMAIL, 'email') : []),
    ...(hasDigit ? numberedData(text) : []),
    ...collect(text, SALUTED_NAME, 'name', 1),
    ...dictionaryNames(text),
  ]
  spans.sort((a, b) => a.start - b.start || b.end - a.end)
  const chosen: Span[] = []
  for (const span of spans) {
    const last = chosen.at(-1)
    if (last !== undefined && span.start < last.end) {
      // Overlap: keep the longer one; a name inside an address stays part of the address.
      if (span.end - span.start > last.end - last.start && span.kind !== 'name') chosen[chosen.length - 1] = span
      else if (span.end > last.end) last.end = Math.max(last.end, span.end)
      continue
    }
    chosen.push({ ...span })
  }
  return chosen
}

/** The text with every personal datum replaced by a placeholder, and where each was. */
export function anonymize(text: string): Anonymized {
  const spans = findPersonalData(text)
  let out = ''
  let at = 0
  const redactions: Redaction[] = []
  for (const s of spans) {
    out += text.slice(at, s.start)
    const replacement = PLACEHOLDERS[s.kind]
    out += replacement
    redactions.push({ kind: s.kind, start: s.start, end: s.end, replacement })
    at = s.end
  }
  out += text.slice(at)
  return { text: out, redactions }
}

/** Redacts and cuts to a maximum length (hits leaving the node). */
export function redactForWire(text: string, maxChars: number): string {
  const redacted = anonymize(text).text
  return redacted.length <= maxChars ? redacted : `${redacted.slice(0, maxChars - 1)}…`
}
