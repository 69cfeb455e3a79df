import { z } from 'zod'

const german = z.locales.de().localeError

const describe = (input: unknown): string => {
  if (input === null) return 'null'
  if (Array.isArray(input)) return 'eine Liste'
  switch (typeof input) {
    case 'string':
      return 'Text'
    case 'number':
      return 'eine Zahl'
    case 'boolean':
      return 'ja/nein'
    case 'object':
      return 'ein Objekt'
    default:
      return typeof input
  }
}

const EXPECTED: Record<string, string> = {
  string: 'Text',
  number: 'eine Zahl',
  int: 'eine ganze Zahl',
  array: 'eine Liste',
  object: 'ein Objekt',
  boolean: 'ja/nein',
}

/**
 * German messages for agent definitions and files, phrased for the person who fixes the file: what is wrong
 * and what is allowed. Messages given in the schema itself take precedence; the rest falls back to zod's German.
 */
export const agentIssueMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Pflichtfeld fehlt'
      return `erwartet ${EXPECTED[issue.expected] ?? issue.expected}, gefunden ${describe(issue.input)}`
    case 'too_big':
      if (issue.origin === 'string') {
        return `zu lang: höchstens ${issue.maximum} Zeichen erlaubt, sind ${typeof issue.input === 'string' ? issue.input.length : '?'}`
      }
      if (issue.origin === 'array') return `zu viele Einträge: höchstens ${issue.maximum} erlaubt`
      return `zu groß: höchstens ${issue.maximum} erlaubt`
    case 'too_small':
      if (issue.origin === 'string') return 'darf nicht leer sein'
      if (issue.origin === 'array') return `zu wenige Einträge: mindestens ${issue.minimum}`
      return `zu klein: mindestens ${issue.minimum}`
    case 'invalid_value':
      return `erlaubt ist ${issue.values.map((v) => JSON.stringify(v)).join(' oder ')}`
    case 'unrecognized_keys':
      return `unbekanntes Feld: ${issue.keys.join(', ')}`
    case 'invalid_format':
      if (issue.format === 'uuid') return 'erwartet eine UUID (z. B. 3f2b6c1e-8d4a-4c3e-9f1a-2b7d5e6a9c0d)'
      if (issue.format === 'datetime') return 'erwartet Datum und Uhrzeit nach ISO 8601 (z. B. 2025-03-01T09:30:00Z)'
      return german(issue)
    default:
      return german(issue)
  }
}
