import { MIN_COMPOUND_CHARS, splitCompound } from './compound.ts'
import { germanLexicon, type Lexicon } from './lexicon.ts'
import { foldGerman } from './normalize.ts'
import { stemGerman } from './stem.ts'
import { isStopword } from './stopwords.ts'
import { CONNECTOR, forEachToken } from './tokenize.ts'

/** Distinct tokens whose analysis is remembered; the cache is emptied when full (vocabularies are Zipfian). */
const TOKEN_CACHE_ENTRIES = 200_000
/** Compound parts are looked for this deep: "Bau|genehmigung|s|verfahren" needs two levels. */
const MAX_SPLIT_DEPTH = 3
/** A hyphenated or numbered token with more pieces than this is a list or noise: no joined term for it. */
const MAX_JOINED_PIECES = 6
/** Joined number terms use this separator; the FTS5 tokenizer is told to keep it inside a token. */
export const JOINER = '_'

const NO_TERMS: readonly string[] = []
const DIGIT = /\d/
const LETTERS_ONLY = /^[a-z]+$/

/** What the lexical index needs from an analyser (the German one, or a plain one for baselines). */
export interface TextAnalyzer {
  /** all terms of a text in order, one per occurrence */
  analyzeForIndex(text: string): string[]
  /** distinct terms of a query */
  analyzeQuery(text: string): string[]
}

/**
 * Turns text into the terms that the lexical index stores and queries look up: lower case, German folding
 * (ä = ae, ß = ss), stopwords removed, Snowball German stems, and for compounds also the stems of their parts,
 * so that "Baugenehmigungsverfahren" is found by "Verfahren" and "Baugenehmigung" and the other way round.
 * Hyphenated words yield their pieces and the joined word ("E-Mail" also gives "email"); numbers with
 * separators yield their pieces and one joined term ("8079/2026" → 8079, 2026, 8079_2026).
 */
export class GermanAnalyzer implements TextAnalyzer {
  readonly #lexicon: () => Lexicon
  readonly #cache = new Map<string, readonly string[]>()

  constructor(lexicon: () => Lexicon = germanLexicon) {
    this.#lexicon = lexicon
  }

  /** All terms of a text in order, one entry per occurrence (term frequency matters for BM25). */
  analyzeForIndex(text: string): string[] {
    const out: string[] = []
    forEachToken(text, (_start, _end, token) => {
      const terms = this.termsOf(token)
      for (let i = 0; i < terms.length; i++) out.push(terms[i] as string)
    })
    return out
  }

  /**
   * Distinct terms of a query. Stopwords are dropped unless the query has nothing else ("Wer war es?"), so
   * that such a query still finds something.
   */
  analyzeQuery(text: string): string[] {
    return [...this.queryTerms(text).terms]
  }

  /** Query terms, and whether they are stopwords because the query had nothing else. */
  queryTerms(text: string): { terms: Set<string>; onlyStopwords: boolean } {
    const terms = new Set<string>()
    const stopTerms = new Set<string>()
    forEachToken(text, (_start, _end, token) => {
      for (const term of this.termsOf(token)) terms.add(term)
      if (terms.size === 0) for (const term of this.termsOf(token, true)) stopTerms.add(term)
    })
    return terms.size > 0 || stopTerms.size === 0 ? { terms, onlyStopwords: false } : { terms: stopTerms, onlyStopwords: true }
  }

  /** Terms of one token (cached). `keepStopwords` is for queries made only of stopwords. */
  termsOf(token: string, keepStopwords = false): readonly string[] {
    if (keepStopwords) return this.#analyzeToken(token, true)
    let terms = this.#cache.get(token)
    if (terms === undefined) {
      if (this.#cache.size >= TOKEN_CACHE_ENTRIES) this.#cache.clear()
      terms = this.#analyzeToken(token, false)
      this.#cache.set(token, terms)
    }
    return terms
  }

  #analyzeToken(token: string, keepStopwords: boolean): readonly string[] {
    if (!token.includes(CONNECTOR)) return this.#analyzeWord(token, keepStopwords)
    const pieces = token.split(CONNECTOR).filter((piece) => piece !== '')
    const terms = new Set<string>()
    for (const piece of pieces) for (const term of this.#analyzeWord(piece, keepStopwords)) terms.add(term)
    if (pieces.length > 1 && pieces.length <= MAX_JOINED_PIECES) {
      const folded = pieces.map((piece) => foldGerman(piece.toLowerCase()))
      const joined = folded.join('')
      // letters only: "E-Mail" = "Email", "Stadt-Verwaltung" = "Stadtverwaltung"; with digits an exact code term
      if (LETTERS_ONLY.test(joined)) terms.add(stemGerman(joined))
      else terms.add(folded.join(JOINER))
    }
    return terms.size === 0 ? NO_TERMS : [...terms]
  }

  #analyzeWord(word: string, keepStopwords: boolean): readonly string[] {
    const folded = foldGerman(word.toLowerCase())
    if (DIGIT.test(folded)) return [folded]
    if (folded.length < 2) return NO_TERMS
    if (!keepStopwords && isStopword(folded)) return NO_TERMS
    const stem = stemGerman(folded)
    if (folded.length < MIN_COMPOUND_CHARS || !LETTERS_ONLY.test(folded)) return [stem]
    const terms = [stem]
    this.#addParts(folded, terms, 1)
    return terms
  }

  #addParts(word: string, terms: string[], depth: number): void {
    const parts = splitCompound(word, this.#lexicon())
    if (parts === undefined) return
    for (const part of parts) {
      const stem = stemGerman(part)
      if (!terms.includes(stem)) terms.push(stem)
      if (depth < MAX_SPLIT_DEPTH && part.length >= MIN_COMPOUND_CHARS) this.#addParts(part, terms, depth + 1)
    }
  }
}

let shared: GermanAnalyzer | undefined

/** The process-wide analyser (its token cache and the word list are shared by indexing and search). */
export function germanAnalyzer(): GermanAnalyzer {
  shared ??= new GermanAnalyzer()
  return shared
}

export function analyzeForIndex(text: string): string[] {
  return germanAnalyzer().analyzeForIndex(text)
}

export function analyzeQuery(text: string): string[] {
  return germanAnalyzer().analyzeQuery(text)
}
