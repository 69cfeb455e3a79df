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
  /** the same terms as two streams: words in text order, and extra terms (compound parts) */
  analyzeFields?(text: string): IndexFields
  /** distinct terms of a query */
  analyzeQuery(text: string): string[]
  /** the main term of each content word of a query, in order (for proximity) */
  querySequence?(text: string): string[]
}

export interface IndexFields {
  /** one or two terms per word, in text order, so that neighbouring words stay neighbours */
  words: string[]
  /** stems of compound parts ("bau", "genehm", "verfahr" for "Baugenehmigungsverfahren") */
  parts: string[]
}

/** The terms of one token: its word terms (stem first) and the stems of its compound parts. */
export interface TokenTerms {
  words: readonly string[]
  parts: readonly string[]
}

const NO_TOKEN_TERMS: TokenTerms = { words: NO_TERMS, parts: NO_TERMS }

export interface GermanAnalyzerInit {
  /** the word list for compound splitting (default: the German Hunspell list, loaded at first use) */
  lexicon?: () => Lexicon
  /** add the stems of compound parts (default true) */
  compoundParts?: boolean
  /** reduce words to their Snowball stems (default true) */
  stemming?: boolean
  /** also keep the folded word itself when it differs from its stem, so exact forms rank higher (default true) */
  surfaceForms?: boolean
}

/**
 * Turns text into the terms that the lexical index stores and queries look up: lower case, German folding
 * (ä = ae, ß = ss), stopwords removed, Snowball German stems plus the exact (folded) word, and for compounds
 * also the stems of their parts, so that "Baugenehmigungsverfahren" is found by "Verfahren" and
 * "Baugenehmigung" and the other way round. Hyphenated words yield their pieces and the joined word ("E-Mail"
 * also gives "email"); numbers with separators yield their pieces and one joined term ("8079/2026" → 8079,
 * 2026, 8079_2026).
 */
export class GermanAnalyzer implements TextAnalyzer {
  readonly #lexicon: () => Lexicon
  readonly #compoundParts: boolean
  readonly #stemming: boolean
  readonly #surfaceForms: boolean
  readonly #cache = new Map<string, TokenTerms>()

  constructor(init: GermanAnalyzerInit = {}) {
    this.#lexicon = init.lexicon ?? germanLexicon
    this.#compoundParts = init.compoundParts ?? true
    this.#stemming = init.stemming ?? true
    this.#surfaceForms = init.surfaceForms ?? true
  }

  /** All terms of a text in order, one entry per occurrence (term frequency matters for BM25). */
  analyzeForIndex(text: string): string[] {
    const out: string[] = []
    forEachToken(text, (_start, _end, token) => {
      const { words, parts } = this.tokenTerms(token)
      for (let i = 0; i < words.length; i++) out.push(words[i] as string)
      for (let i = 0; i < parts.length; i++) out.push(parts[i] as string)
    })
    return out
  }

  analyzeFields(text: string): IndexFields {
    const words: string[] = []
    const parts: string[] = []
    forEachToken(text, (_start, _end, token) => {
      const terms = this.tokenTerms(token)
      for (let i = 0; i < terms.words.length; i++) words.push(terms.words[i] as string)
      for (let i = 0; i < terms.parts.length; i++) parts.push(terms.parts[i] as string)
    })
    return { words, parts }
  }

  /**
   * Distinct terms of a query. Stopwords are dropped unless the query has nothing else ("Wer war es?"), so
   * that such a query still finds something.
   */
  analyzeQuery(text: string): string[] {
    return [...this.queryTerms(text).terms]
  }

  querySequence(text: string): string[] {
    return this.queryTerms(text).sequence
  }

  /**
   * Query terms; the stem of each content word in order (for proximity); and whether the terms are stopwords
   * because the query had nothing else.
   */
  queryTerms(text: string): { terms: Set<string>; sequence: string[]; onlyStopwords: boolean } {
    const terms = new Set<string>()
    const sequence: string[] = []
    const stopTerms = new Set<string>()
    forEachToken(text, (_start, _end, token) => {
      const { words, parts } = this.tokenTerms(token)
      for (const term of words) terms.add(term)
      for (const term of parts) terms.add(term)
      if (words.length > 0) sequence.push(words[0] as string)
      if (terms.size === 0) for (const term of this.termsOf(token, true)) stopTerms.add(term)
    })
    if (terms.size > 0 || stopTerms.size === 0) return { terms, sequence, onlyStopwords: false }
    return { terms: stopTerms, sequence: [...stopTerms], onlyStopwords: true }
  }

  /** All terms of one token. `keepStopwords` is for queries made only of stopwords. */
  termsOf(token: string, keepStopwords = false): readonly string[] {
    const { words, parts } = keepStopwords ? this.#analyzeToken(token, true) : this.tokenTerms(token)
    return parts.length === 0 ? words : [...words, ...parts]
  }

  /** Word terms and part terms of one token (cached). */
  tokenTerms(token: string): TokenTerms {
    let terms = this.#cache.get(token)
    if (terms === undefined) {
      if (this.#cache.size >= TOKEN_CACHE_ENTRIES) this.#cache.clear()
      terms = this.#analyzeToken(token, false)
      this.#cache.set(token, terms)
    }
    return terms
  }

  #analyzeToken(token: string, keepStopwords: boolean): TokenTerms {
    if (!token.includes(CONNECTOR)) return this.#analyzeWord(token, keepStopwords)
    const pieces = token.split(CONNECTOR).filter((piece) => piece !== '')
    const words: string[] = []
    const parts: string[] = []
    for (const piece of pieces) {
      const terms = this.#analyzeWord(piece, keepStopwords)
      for (const term of terms.words) if (!words.includes(term)) words.push(term)
      for (const term of terms.parts) if (!parts.includes(term)) parts.push(term)
    }
    if (pieces.length > 1 && pieces.length <= MAX_JOINED_PIECES) {
      const folded = pieces.map((piece) => foldGerman(piece.toLowerCase()))
      const joined = folded.join('')
      // letters only: "E-Mail" = "Email", "Stadt-Verwaltung" = "Stadtverwaltung"; with digits an exact code term
      const term = LETTERS_ONLY.test(joined) ? (this.#stemming ? stemGerman(joined) : joined) : folded.join(JOINER)
      if (!words.includes(term)) words.push(term)
    }
    if (words.length === 0 && parts.length === 0) return NO_TOKEN_TERMS
    return { words, parts: parts.filter((part) => !words.includes(part)) }
  }

  #analyzeWord(word: string, keepStopwords: boolean): TokenTerms {
    const folded = foldGerman(word.toLowerCase())
    if (DIGIT.test(folded)) return { words: [folded], parts: NO_TERMS }
    if (folded.length < 2) return NO_TOKEN_TERMS
    if (!keepStopwords && isStopword(folded)) return NO_TOKEN_TERMS
    const stem = this.#stemming ? stemGerman(folded) : folded
    const words = this.#surfaceForms && stem !== folded ? [stem, folded] : [stem]
    if (!this.#compoundParts || folded.length < MIN_COMPOUND_CHARS || !LETTERS_ONLY.test(folded)) return { words, parts: NO_TERMS }
    const parts: string[] = []
    this.#addParts(folded, words, parts, 1)
    return { words, parts }
  }

  #addParts(word: string, words: readonly string[], parts: string[], depth: number): void {
    const split = splitCompound(word, this.#lexicon())
    if (split === undefined) return
    for (const part of split) {
      const stem = this.#stemming ? stemGerman(part) : part
      if (!parts.includes(stem) && !words.includes(stem)) parts.push(stem)
      if (depth < MAX_SPLIT_DEPTH && part.length >= MIN_COMPOUND_CHARS) this.#addParts(part, words, parts, depth + 1)
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
