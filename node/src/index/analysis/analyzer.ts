import { MIN_COMPOUND_CHARS, splitCompound } from './compound.ts'
import { germanLexicon, type Lexicon } from './lexicon.ts'
import { foldGerman } from './normalize.ts'
import { stemGerman } from './stem.ts'
import { isStopword } from './stopwords.ts'
import { hashSpan, TermTable } from './term-table.ts'
import { CachedTerms, DocumentStreams, type EncodedSpans, grown, type TokenTerms, writeUtf8 } from './token-terms.ts'
import { CONNECTOR, forEachToken, forEachTokenSpan } from './tokenize.ts'

export type { EncodedSpans, TokenTerms }

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
  /**
   * The fields of several spans of one text (a document's chunks), UTF-8 encoded, after a prefix (the title's
   * terms): the text is analysed once, so overlapping chunks do not pay twice for their overlap
   */
  encodeSpans?(text: string, spans: readonly TextSpan[], prefix: string): EncodedSpans
}

/** [start, end) character offsets into a text. */
export interface TextSpan {
  start: number
  end: number
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

const NO_TOKEN_TERMS = new CachedTerms(NO_TERMS, NO_TERMS, NO_TERMS)
const INITIAL_DOCUMENT_TOKENS = 1 << 12
const INITIAL_OUTPUT_BYTES = 1 << 16

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
  readonly #table = new TermTable<CachedTerms>(TOKEN_CACHE_SLOTS)
  // encodeSpans' buffers, reused: the terms and offsets of each token of a text, the encoded output
  #tokenTerms: CachedTerms[] = []
  #tokenStarts = new Int32Array(INITIAL_DOCUMENT_TOKENS)
  #tokenEnds = new Int32Array(INITIAL_DOCUMENT_TOKENS)
  #out = new Uint8Array(INITIAL_OUTPUT_BYTES)
  readonly #streams = new DocumentStreams()

  constructor(init: GermanAnalyzerInit = {}) {
    this.#lexicon = init.lexicon ?? germanLexicon
    this.#compoundParts = init.compoundParts ?? true
    this.#stemming = init.stemming ?? true
  }

  /** Stems and compound parts of a text in order, one entry per occurrence (term frequency matters for BM25). */
  analyzeForIndex(text: string): string[] {
    const out: string[] = []
    forEachTokenSpan(text, (start, end, token, hash) => {
      const { words, parts } = token === undefined ? this.#spanTerms(text, start, end, hash) : this.tokenTerms(token)
      for (let i = 0; i < words.length; i++) out.push(words[i] as string)
      for (let i = 0; i < parts.length; i++) out.push(parts[i] as string)
    })
    return out
  }

  analyzeFields(text: string): IndexFields {
    const words: string[] = []
    const parts: string[] = []
    const exact: string[] = []
    forEachTokenSpan(text, (start, end, token, hash) => {
      const terms = token === undefined ? this.#spanTerms(text, start, end, hash) : this.tokenTerms(token)
      for (let i = 0; i < terms.words.length; i++) words.push(terms.words[i] as string)
      for (let i = 0; i < terms.parts.length; i++) parts.push(terms.parts[i] as string)
      for (let i = 0; i < terms.exact.length; i++) exact.push(terms.exact[i] as string)
    })
    return { words, parts, exact }
  }

  /**
   * The fields of each span of `text`, as analyzeFields(text.slice(span.start, span.end)) would give them,
   * each stream joined by spaces and UTF-8 encoded, after `prefix` (see EncodedSpans). Spans must be ordered
   * by start (they may overlap, as a document's chunks do). The text is tokenised once and each span takes the
   * tokens inside it; a span whose edge cuts through a token is analysed on its own, so that the result is
   * exactly that of analysing its text alone. Each token's terms are encoded once, when first seen; the
   * document's tokens are written once into three streams, and each span's fields are ranges of them (see
   * DocumentStreams), which the index receives without a string in between.
   */
  encodeSpans(text: string, spans: readonly TextSpan[], prefix: string): EncodedSpans {
    const count = this.#tokenize(text)
    const terms = this.#tokenTerms
    const starts = this.#tokenStarts
    const ends = this.#tokenEnds
    const streams = this.#streams
    streams.write(terms, count)
    terms.length = 0 // the buffers outlive the call; the terms they held need not
    // layout: the prefix, the document's three streams, then the fields of spans that cut a token
    const offsets = new Int32Array(2 + 6 * spans.length)
    let pos = this.#writeText(prefix, 0)
    offsets[1] = pos
    if (pos + streams.size > this.#out.length) this.#out = grown(this.#out, pos + streams.size)
    const streamStarts = streams.copyTo(this.#out, pos)
    pos += streams.size
    let first = 0
    for (let s = 0; s < spans.length; s++) {
      const span = spans[s] as TextSpan
      while (first < count && (starts[first] as number) < span.start) first++
      let last = first
      while (last < count && (starts[last] as number) < span.end) last++
      const cut = (first > 0 && (ends[first - 1] as number) > span.start) || (last > first && (ends[last - 1] as number) > span.end)
      const at = 2 + 6 * s
      if (cut) {
        const fields = this.analyzeFields(text.slice(span.start, span.end))
        for (const [k, stream] of [fields.words, fields.parts, fields.exact].entries()) {
          offsets[at + 2 * k] = pos
          pos = this.#writeText(stream.join(' '), pos)
          offsets[at + 2 * k + 1] = pos
        }
        continue
      }
      for (let k = 0; k < 3; k++) {
        const [from, to] = streams.range(k, first, last)
        offsets[at + 2 * k] = (streamStarts[k] as number) + from
        offsets[at + 2 * k + 1] = (streamStarts[k] as number) + to
      }
    }
    return { bytes: this.#out.slice(0, pos), offsets }
  }

  /** Writes `text` as UTF-8 into the output at `pos`; returns the new end. */
  #writeText(text: string, pos: number): number {
    if (pos + 3 * text.length > this.#out.length) this.#out = grown(this.#out, pos + 3 * text.length)
    return pos + writeUtf8(text, this.#out, pos)
  }

  /** Fills the per-document buffers with every token of `text`; returns how many. */
  #tokenize(text: string): number {
    const terms = this.#tokenTerms
    let count = 0
    forEachTokenSpan(text, (start, end, token, hash) => {
      if (count === this.#tokenStarts.length) this.#growTokenBuffers()
      this.#tokenStarts[count] = start
      this.#tokenEnds[count] = end
      terms[count++] = token === undefined ? this.#spanTerms(text, start, end, hash) : this.tokenTerms(token)
    })
    return count
  }

  #growTokenBuffers(): void {
    const grow = (from: Int32Array): Int32Array<ArrayBuffer> => {
      const to = new Int32Array(from.length * 2)
      to.set(from)
      return to
    }
    this.#tokenStarts = grow(this.#tokenStarts)
    this.#tokenEnds = grow(this.#tokenEnds)
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
  tokenTerms(token: string): CachedTerms {
    return this.#spanTerms(token, 0, token.length, hashSpan(token, 0, token.length))
  }

  /** The terms of the plain token text[start, end), whose hashSpan() is `hash` (cached). */
  #spanTerms(text: string, start: number, end: number, hash: number): CachedTerms {
    let terms = this.#table.find(text, start, end, hash)
    if (terms === undefined) {
      const token = start === 0 && end === text.length ? text : text.slice(start, end)
      terms = this.#analyzeToken(token, false)
      this.#table.add(text, start, end, hash, terms)
    }
    return terms
  }

  #analyzeToken(token: string, keepStopwords: boolean): CachedTerms {
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
    return new CachedTerms(words, parts.filter((part) => !words.includes(part)), exact)
  }

  #analyzeWord(word: string, keepStopwords: boolean): CachedTerms {
    const folded = foldGerman(word.toLowerCase())
    if (DIGIT.test(folded)) return new CachedTerms([folded], NO_TERMS, [folded])
    if (folded.length < 2) return NO_TOKEN_TERMS
    if (!keepStopwords && isStopword(folded)) return NO_TOKEN_TERMS
    const words = [this.#stem(folded)]
    const exact = [folded]
    if (!this.#compoundParts || folded.length < MIN_COMPOUND_CHARS || !LETTERS_ONLY.test(folded)) return new CachedTerms(words, NO_TERMS, exact)
    const parts: string[] = []
    this.#addParts(folded, words, parts, 1)
    return new CachedTerms(words, parts.length === 0 ? NO_TERMS : parts, exact)
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
