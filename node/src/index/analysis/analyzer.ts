import { MIN_COMPOUND_CHARS, splitCompound } from './compound.ts'
import { germanLexicon, type Lexicon } from './lexicon.ts'
import { foldGerman } from './normalize.ts'
import { stemGerman } from './stem.ts'
import { isStopword } from './stopwords.ts'
import { hashSpan, TokenCache } from './token-cache.ts'
import { CONNECTOR, forEachToken, forEachTokenSpan } from './tokenize.ts'

/** Slots of the token cache (3/4 usable); it starts over when full, as vocabularies are Zipfian. */
const TOKEN_CACHE_SLOTS = 1 << 19
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
  /** the terms of a text as separate streams (see IndexFields); analysers without it index one stream */
  analyzeFields?(text: string): IndexFields
  /** distinct terms of a query */
  analyzeQuery(text: string): string[]
  /** a query's terms by stream, and its words in order for proximity */
  analyzeQueryFields?(text: string): QueryFields
}

export interface IndexFields {
  /** one stem per word (hyphenated words: their pieces and the joined word), in text order */
  words: string[]
  /** stems of compound parts ("bau", "genehm", "verfahr" for "Baugenehmigungsverfahren") */
  parts: string[]
  /** each word as written (folded, not stemmed): exact matches rank above other forms of a word */
  exact: string[]
}

export interface QueryFields {
  /** distinct stems and compound parts */
  terms: string[]
  /** distinct exact (folded, unstemmed) words */
  exact: string[]
  /** the stem of each content word, in order */
  sequence: string[]
}

/** The terms of one token by stream (see IndexFields). */
export interface TokenTerms {
  words: readonly string[]
  parts: readonly string[]
  exact: readonly string[]
}

const NO_TOKEN_TERMS: TokenTerms = { words: NO_TERMS, parts: NO_TERMS, exact: NO_TERMS }

export interface GermanAnalyzerInit {
  /** the word list for compound splitting (default: the German Hunspell list, loaded at first use) */
  lexicon?: () => Lexicon
  /** add the stems of compound parts (default true) */
  compoundParts?: boolean
  /** reduce words to their Snowball stems (default true) */
  stemming?: boolean
}

/**
 * Turns text into the terms that the lexical index stores and queries look up: lower case, German folding
 * (ä = ae, ß = ss), stopwords removed, Snowball German stems, and for compounds also the stems of their
 * parts, so that "Baugenehmigungsverfahren" is found by "Verfahren" and "Baugenehmigung" and the other way
 * round. Each word is also kept as written (folded), so that exact forms can rank above other forms.
 * Hyphenated words yield their pieces and the joined word ("E-Mail" also gives "email"); numbers with
 * separators yield their pieces and one joined term ("8079/2026" → 8079, 2026, 8079_2026).
 */
export class GermanAnalyzer implements TextAnalyzer {
  readonly #lexicon: () => Lexicon
  readonly #compoundParts: boolean
  readonly #stemming: boolean
  readonly #cache = new TokenCache<TokenTerms>(TOKEN_CACHE_SLOTS)

  constructor(init: GermanAnalyzerInit = {}) {
    this.#lexicon = init.lexicon ?? germanLexicon
    this.#compoundParts = init.compoundParts ?? true
    this.#stemming = init.stemming ?? true
  }

  /** Stems and compound parts of a text in order, one entry per occurrence (term frequency matters for BM25). */
  analyzeForIndex(text: string): string[] {
    const out: string[] = []
    forEachTokenSpan(text, (start, end, token) => {
      const { words, parts } = token === undefined ? this.#spanTerms(text, start, end) : this.tokenTerms(token)
      for (let i = 0; i < words.length; i++) out.push(words[i] as string)
      for (let i = 0; i < parts.length; i++) out.push(parts[i] as string)
    })
    return out
  }

  analyzeFields(text: string): IndexFields {
    const words: string[] = []
    const parts: string[] = []
    const exact: string[] = []
    forEachTokenSpan(text, (start, end, token) => {
      const terms = token === undefined ? this.#spanTerms(text, start, end) : this.tokenTerms(token)
      for (let i = 0; i < terms.words.length; i++) words.push(terms.words[i] as string)
      for (let i = 0; i < terms.parts.length; i++) parts.push(terms.parts[i] as string)
      for (let i = 0; i < terms.exact.length; i++) exact.push(terms.exact[i] as string)
    })
    return { words, parts, exact }
  }

  /**
   * Distinct stems and compound parts of a query. Stopwords are dropped unless the query has nothing else
   * ("Wer war es?"); then they are its terms, which the index (storing no stopwords) does not find but
   * highlighting in a shown text does.
   */
  analyzeQuery(text: string): string[] {
    return this.analyzeQueryFields(text).terms
  }

  analyzeQueryFields(text: string): QueryFields {
    const { terms, exact, sequence } = this.queryTerms(text)
    return { terms: [...terms], exact: [...exact], sequence }
  }

  /** Query terms by stream, and whether they are stopwords because the query had nothing else. */
  queryTerms(text: string): { terms: Set<string>; exact: Set<string>; sequence: string[]; onlyStopwords: boolean } {
    const terms = new Set<string>()
    const exact = new Set<string>()
    const sequence: string[] = []
    const stopTerms = new Set<string>()
    forEachToken(text, (_start, _end, token) => {
      const tokenTerms = this.tokenTerms(token)
      for (const term of tokenTerms.words) terms.add(term)
      for (const term of tokenTerms.parts) terms.add(term)
      for (const term of tokenTerms.exact) exact.add(term)
      if (tokenTerms.words.length > 0) sequence.push(tokenTerms.words[0] as string)
      if (terms.size === 0) for (const term of this.termsOf(token, true)) stopTerms.add(term)
    })
    if (terms.size > 0 || stopTerms.size === 0) return { terms, exact, sequence, onlyStopwords: false }
    return { terms: stopTerms, exact: new Set(), sequence: [...stopTerms], onlyStopwords: true }
  }

  /** Stems and compound parts of one token. `keepStopwords` is for queries made only of stopwords. */
  termsOf(token: string, keepStopwords = false): readonly string[] {
    const { words, parts } = keepStopwords ? this.#analyzeToken(token, true) : this.tokenTerms(token)
    return parts.length === 0 ? words : [...words, ...parts]
  }

  /** The terms of one token by stream (cached). */
  tokenTerms(token: string): TokenTerms {
    return this.#spanTerms(token, 0, token.length)
  }

  /** The terms of the plain token text[start, end) (cached). */
  #spanTerms(text: string, start: number, end: number): TokenTerms {
    const hash = hashSpan(text, start, end)
    let terms = this.#cache.getSpan(text, start, end, hash)
    if (terms === undefined) {
      const token = start === 0 && end === text.length ? text : text.slice(start, end)
      terms = this.#analyzeToken(token, false)
      this.#cache.set(token, hash, terms)
    }
    return terms
  }

  #analyzeToken(token: string, keepStopwords: boolean): TokenTerms {
    if (!token.includes(CONNECTOR)) return this.#analyzeWord(token, keepStopwords)
    const pieces = token.split(CONNECTOR).filter((piece) => piece !== '')
    const words: string[] = []
    const parts: string[] = []
    const exact: string[] = []
    for (const piece of pieces) {
      const terms = this.#analyzeWord(piece, keepStopwords)
      for (const term of terms.words) if (!words.includes(term)) words.push(term)
      for (const term of terms.parts) if (!parts.includes(term)) parts.push(term)
      for (const term of terms.exact) if (!exact.includes(term)) exact.push(term)
    }
    if (pieces.length > 1 && pieces.length <= MAX_JOINED_PIECES) {
      const folded = pieces.map((piece) => foldGerman(piece.toLowerCase()))
      const joined = folded.join('')
      // letters only: "E-Mail" = "Email", "Stadt-Verwaltung" = "Stadtverwaltung"; with digits an exact code term
      const letters = LETTERS_ONLY.test(joined)
      const term = letters ? this.#stem(joined) : folded.join(JOINER)
      if (!words.includes(term)) words.push(term)
      const exactTerm = letters ? joined : term
      if (!exact.includes(exactTerm)) exact.push(exactTerm)
    }
    if (words.length === 0 && parts.length === 0) return NO_TOKEN_TERMS
    return { words, parts: parts.filter((part) => !words.includes(part)), exact }
  }

  #analyzeWord(word: string, keepStopwords: boolean): TokenTerms {
    const folded = foldGerman(word.toLowerCase())
    if (DIGIT.test(folded)) return { words: [folded], parts: NO_TERMS, exact: [folded] }
    if (folded.length < 2) return NO_TOKEN_TERMS
    if (!keepStopwords && isStopword(folded)) return NO_TOKEN_TERMS
    const words = [this.#stem(folded)]
    const exact = [folded]
    if (!this.#compoundParts || folded.length < MIN_COMPOUND_CHARS || !LETTERS_ONLY.test(folded)) return { words, parts: NO_TERMS, exact }
    const parts: string[] = []
    this.#addParts(folded, words, parts, 1)
    return { words, parts, exact }
  }

  #stem(folded: string): string {
    return this.#stemming ? stemGerman(folded) : folded
  }

  #addParts(word: string, words: readonly string[], parts: string[], depth: number): void {
    const lexicon = this.#lexicon()
    // a word of the dictionary is not split: "Karlsruhe" is no "Karl" + "Ruhe", "starben" no "Star" + "ben"
    if (lexicon.isWord(word)) return
    const split = splitCompound(word, lexicon)
    if (split === undefined) return
    for (const part of split) {
      const stem = this.#stem(part)
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
