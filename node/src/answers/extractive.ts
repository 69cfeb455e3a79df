import type { Citation } from '@wissensnetz/protocol'
import { highlightRanges, makeSnippet, normalizeWord, type Range, STOPWORDS } from '../index/analysis/index.ts'
import type { Passage } from './types.ts'

export const EXTRACTIVE_LABEL = 'Auszug aus den Quellen (kein Sprachmodell geladen)'
/** Passages shown in an extractive answer: the best few, so that the answer stays readable. */
export const MAX_EXTRACTIVE_PASSAGES = 3
/** Matching sentences shown per passage. */
const MAX_SENTENCES = 2
/** A quote longer than this is cut to the window with the most matches. */
export const QUOTE_CHARS = 320

/** Sentence ends (., !, ? followed by space) and blank lines; good enough for passages of official German. */
const SENTENCE_END = /(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9„"(§])|\n\s*\n/g

export interface Extract {
  answer: string
  citations: Citation[]
}

/**
 * The answer without a chat model: the best passages, each with the sentences that match the question, the
 * matching words marked **bold**, labelled as an excerpt.
 */
export function extractiveAnswer(question: string, passages: Passage[]): Extract {
  const shown = passages.slice(0, MAX_EXTRACTIVE_PASSAGES)
  const citations = shown.map((p) => ({ ...passageCitation(p, question), ...matchingSentences(p.text, question) }))
  const lines = citations.map(
    (c) => `[${c.n}] ${c.title}${c.page === null ? '' : ` (S. ${c.page})`}: „${emphasise(c.quote, c.highlights ?? [])}“`,
  )
  return { answer: `${EXTRACTIVE_LABEL}:\n\n${lines.join('\n\n')}`, citations }
}

/** The citation of a passage with its best-matching window as the quote. */
export function passageCitation(p: Passage, question: string): Citation {
  const snippet = makeSnippet(p.text.replace(/\s+/g, ' ').trim(), question, QUOTE_CHARS)
  return { n: p.n, documentId: p.documentId, chunkId: p.chunkId, title: p.title, path: p.path, page: p.page, quote: snippet.text }
}

/**
 * Up to two sentences that together cover the question best, in text order, with the matches inside them.
 * Each question word weighs 1 / (sentences containing it): a word that only one sentence has ("fällig")
 * counts more than the topic word every sentence repeats ("Hundesteuer").
 */
function matchingSentences(text: string, question: string): { quote: string; highlights: Range[] } {
  const sentences = text
    .split(SENTENCE_END)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s !== '')
  const words = [...new Set(question.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '' && !STOPWORDS.has(normalizeWord(w))))]
  const covers = sentences.map((sentence) => new Set(words.filter((w) => highlightRanges(sentence, w).length > 0)))
  const weight = new Map(words.map((w) => [w, 1 / Math.max(1, covers.filter((c) => c.has(w)).length)]))
  const chosen: number[] = []
  const covered = new Set<string>()
  while (chosen.length < MAX_SENTENCES) {
    let best = -1
    let bestScore = 0
    covers.forEach((cover, i) => {
      if (chosen.includes(i)) return
      let score = 0
      for (const w of cover) if (!covered.has(w)) score += weight.get(w) ?? 0
      if (score > bestScore) {
        best = i
        bestScore = score
      }
    })
    if (best < 0) break
    chosen.push(best)
    for (const w of covers[best] ?? []) covered.add(w)
  }
  if (chosen.length === 0) {
    const snippet = makeSnippet(text.replace(/\s+/g, ' ').trim(), question, QUOTE_CHARS)
    return { quote: snippet.text, highlights: snippet.highlights }
  }
  chosen.sort((a, b) => a - b)
  let quote = ''
  let previous = -1
  const highlights: Range[] = []
  for (const i of chosen) {
    const sentence = sentences[i] ?? ''
    // adjacent sentences read on; a gap between them is marked
    const joiner = quote === '' ? '' : i === previous + 1 ? ' ' : ' … '
    const offset = quote.length + joiner.length
    quote += joiner + sentence
    previous = i
    for (const [start, end] of highlightRanges(sentence, question)) highlights.push([start + offset, end + offset])
  }
  if (quote.length <= QUOTE_CHARS * 2) return { quote, highlights }
  const snippet = makeSnippet(quote, question, QUOTE_CHARS * 2)
  return { quote: snippet.text, highlights: snippet.highlights }
}

function emphasise(text: string, ranges: Range[]): string {
  let out = ''
  let pos = 0
  for (const [start, end] of ranges) {
    if (start < pos) continue
    out += `${text.slice(pos, start)}**${text.slice(start, end)}**`
    pos = end
  }
  return out + text.slice(pos)
}
