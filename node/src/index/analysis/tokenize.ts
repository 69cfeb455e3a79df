import { FNV_OFFSET, FNV_PRIME } from './span-hash.ts'

/** Receives each token: its [start, end) offsets in the text and its token text (see forEachToken). */
export type TokenSink = (start: number, end: number, token: string) => void
/**
 * Like TokenSink; `token` is undefined when it is exactly text.slice(start, end), which is then not built, and
 * `hash` is then that span's hashSpan(), computed during the scan (otherwise 0).
 */
export type SpanSink = (start: number, end: number, token: string | undefined, hash: number) => void

const HYPHEN = 0x2d
const SOFT_HYPHEN = 0xad
const UNDERSCORE = 0x5f
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u

/** Characters that join the parts of one token; `-` in the token text marks where they were. */
export const CONNECTOR = '-'

/**
 * Splits text into word tokens with their character offsets. A token is a run of letters and digits that may be
 * held together by connectors: hyphens in any word ("E-Mail", "Pro-Bowl-Safety", "B-Plan"), and ". / , :"
 * between digits, so that file numbers, dates and amounts ("8079/2026", "14.03.2007", "1.500,00") stay one
 * token. In the token text each connector becomes CONNECTOR. A hyphen at a line end followed by a lower-case
 * letter is PDF hyphenation ("Pla-\nnung") and is removed from the token text; soft hyphens are dropped too.
 */
export function forEachToken(text: string, sink: TokenSink): void {
  forEachTokenSpan(text, (start, end, token) => sink(start, end, token ?? text.slice(start, end)))
}

/** forEachToken without building the strings of plain tokens (the analyser's hot path). */
export function forEachTokenSpan(text: string, sink: SpanSink): void {
  const n = text.length
  let i = 0
  while (i < n) {
    if (!isWordChar(text, i)) {
      i++
      continue
    }
    const start = i
    let token = ''
    let pieceStart = i
    let hash = FNV_OFFSET
    for (;;) {
      // the hash of the run is computed on the way: the analyser's token table needs it for plain tokens
      while (i < n && isWordChar(text, i)) hash = Math.imul(hash ^ text.charCodeAt(i++), FNV_PRIME)
      // i is at the first non-word character after a run
      if (i >= n) break
      const code = text.charCodeAt(i)
      if (code === SOFT_HYPHEN && i + 1 < n && isWordChar(text, i + 1)) {
        token += text.slice(pieceStart, i)
        pieceStart = ++i
        continue
      }
      if (code === HYPHEN || code === 0x2010 || code === 0x2011 || code === UNDERSCORE) {
        const next = lineBreakHyphenation(text, i)
        if (next !== -1) {
          token += text.slice(pieceStart, i)
          pieceStart = i = next
          continue
        }
        if (i + 1 < n && isWordChar(text, i + 1)) {
          token += `${text.slice(pieceStart, i)}${CONNECTOR}`
          pieceStart = ++i
          continue
        }
        break
      }
      if ((code === 0x2e || code === 0x2f || code === 0x2c || code === 0x3a) && isDigit(text, i - 1) && isDigit(text, i + 1)) {
        token += `${text.slice(pieceStart, i)}${CONNECTOR}`
        pieceStart = ++i
        continue
      }
      break
    }
    if (pieceStart === start) sink(start, i, undefined, hash | 0)
    else sink(start, i, token + text.slice(pieceStart, i), 0)
  }
}

/** "Pla-\n  nung": returns the index of the "n" that continues the word, or -1. */
function lineBreakHyphenation(text: string, hyphen: number): number {
  let j = hyphen + 1
  while (j < text.length && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j++
  if (text.charCodeAt(j) === 0x0d) j++
  if (text.charCodeAt(j) !== 0x0a) return -1
  j++
  while (j < text.length && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j++
  const ch = text[j]
  if (ch === undefined || ch.toLowerCase() !== ch || ch.toUpperCase() === ch) return -1
  return j
}

function isWordChar(text: string, i: number): boolean {
  const code = text.charCodeAt(i)
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39)
  if (code === SOFT_HYPHEN) return false
  if (code >= 0xc0 && code <= 0xff) return code !== 0xd7 && code !== 0xf7 // Latin-1 letters (ä, ö, ü, ß, é), not × ÷
  if (code >= 0xd800 && code <= 0xdbff) return WORD_CHAR.test(text.slice(i, i + 2))
  if (code >= 0xdc00 && code <= 0xdfff) return i > 0 && isWordChar(text, i - 1) // low half of a pair already judged
  return WORD_CHAR.test(text[i] as string)
}

function isDigit(text: string, i: number): boolean {
  const code = text.charCodeAt(i)
  return code >= 0x30 && code <= 0x39
}

/** The tokens of a text as strings (tests, queries). */
export function tokenize(text: string): string[] {
  const tokens: string[] = []
  forEachToken(text, (_start, _end, token) => tokens.push(token))
  return tokens
}
