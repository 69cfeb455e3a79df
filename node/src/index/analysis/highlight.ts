import { type GermanAnalyzer, germanAnalyzer } from './analyzer.ts'
import { forEachToken } from './tokenize.ts'

/** [start, end) character offsets */
export type Range = [number, number]

export interface Snippet {
  text: string
  /** offsets into `text` */
  highlights: Range[]
}

const ELLIPSIS = '…'
/** A snippet shorter than this cannot show a match with any context. */
const MIN_SNIPPET_CHARS = 20
/** Texts with more matches than this are judged on the first ones only (long passages full of one word). */
const MAX_MATCHES = 5_000

interface Match {
  start: number
  end: number
  /** indexes of the query terms this token matches */
  terms: number[]
}

/**
 * Ranges of the original text whose tokens match the analysed query, the same way the index matches them
 * ("Gebühren" in the text for the query "Gebühr", "Baugenehmigungsverfahren" for "Verfahren").
 */
export function highlightRanges(text: string, query: string, analyzer: GermanAnalyzer = germanAnalyzer()): Range[] {
  return findMatches(text, query, analyzer).map((m) => [m.start, m.end])
}

/**
 * The window of at most `maxChars` characters that covers the most distinct query terms (ties: more matches),
 * widened to word boundaries, with "…" where the text was cut, and the matches inside it.
 */
export function makeSnippet(text: string, query: string, maxChars: number, analyzer: GermanAnalyzer = germanAnalyzer()): Snippet {
  const size = Math.max(MIN_SNIPPET_CHARS, Math.floor(maxChars))
  const matches = findMatches(text, query, analyzer)
  if (text.length <= size) return { text, highlights: matches.map((m) => [m.start, m.end]) }

  const [coverStart, coverEnd] = bestWindow(matches, size - 2 * ELLIPSIS.length)
  // centre the covered matches in the room that is left, then cut at whitespace without losing them
  const room = size - 2 * ELLIPSIS.length
  let start = Math.max(0, coverStart - Math.floor((room - (coverEnd - coverStart)) / 2))
  let end = Math.min(text.length, start + room)
  start = Math.max(0, end - room)
  if (start > 0) start = snapForward(text, start, coverStart)
  if (end < text.length) end = snapBackward(text, end, coverEnd)

  const prefix = start > 0 ? ELLIPSIS : ''
  const suffix = end < text.length ? ELLIPSIS : ''
  const shift = prefix.length - start
  const highlights: Range[] = []
  for (const m of matches) {
    if (m.start >= start && m.end <= end) highlights.push([m.start + shift, m.end + shift])
  }
  return { text: `${prefix}${text.slice(start, end)}${suffix}`, highlights }
}

function findMatches(text: string, query: string, analyzer: GermanAnalyzer): Match[] {
  const { terms, onlyStopwords } = analyzer.queryTerms(query)
  if (terms.size === 0) return []
  const index = new Map<string, number>()
  for (const term of terms) index.set(term, index.size)
  const matches: Match[] = []
  forEachToken(text, (start, end, token) => {
    if (matches.length >= MAX_MATCHES) return
    let hit: number[] | undefined
    for (const term of analyzer.termsOf(token, onlyStopwords)) {
      const i = index.get(term)
      if (i !== undefined) (hit ??= []).push(i)
    }
    if (hit !== undefined) matches.push({ start, end, terms: hit })
  })
  return matches
}

/** Start and end of the run of matches, at most `size` long, that covers the most distinct terms. */
function bestWindow(matches: Match[], size: number): Range {
  if (matches.length === 0) return [0, 0]
  const counts = new Map<number, number>()
  let distinct = 0
  let best = { distinct: -1, matches: 0, from: 0, to: 0 }
  let from = 0
  for (let to = 0; to < matches.length; to++) {
    const added = matches[to] as Match
    for (const t of added.terms) {
      const c = counts.get(t) ?? 0
      if (c === 0) distinct++
      counts.set(t, c + 1)
    }
    while (added.end - (matches[from] as Match).start > size && from < to) {
      for (const t of (matches[from] as Match).terms) {
        const c = (counts.get(t) as number) - 1
        if (c === 0) distinct--
        counts.set(t, c)
      }
      from++
    }
    const count = to - from + 1
    if (distinct > best.distinct || (distinct === best.distinct && count > best.matches)) best = { distinct, matches: count, from, to }
  }
  const first = matches[best.from] as Match
  const last = matches[best.to] as Match
  return [first.start, Math.min(last.end, first.start + size)]
}

/** Moves `i` forward to just after the next whitespace, unless that would pass `limit`. */
function snapForward(text: string, i: number, limit: number): number {
  for (let j = i; j < limit; j++) if (isSpace(text.charCodeAt(j))) return j + 1
  return i
}

/** Moves `i` back to the previous whitespace, unless that would go before `limit`. */
function snapBackward(text: string, i: number, limit: number): number {
  for (let j = i; j > limit; j--) if (isSpace(text.charCodeAt(j))) return j
  return i
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d || code === 0xa0
}
