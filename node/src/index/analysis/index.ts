/**
 * German text analysis for the lexical index: tokenising (file numbers and hyphenated words kept usable),
 * folding (ä = ae, ß = ss), stopwords, Snowball German stems, compound parts from the Hunspell word list,
 * and highlighting / snippets that match the way the index matches. Pure and synchronous; the word list is
 * loaded at first use and cached.
 */
export {
  analyzeForIndex,
  analyzeQuery,
  GermanAnalyzer,
  germanAnalyzer,
  type IndexFields,
  JOINER,
  type QueryFields,
  type EncodedSpans,
  type TextAnalyzer,
  type TextSpan,
  type TokenTerms,
} from './analyzer.ts'
export { splitCompound } from './compound.ts'
export { LexiconMissingError } from './errors.ts'
export { highlightRanges, makeSnippet, type Range, type Snippet } from './highlight.ts'
export { germanLexicon, type Lexicon, lexiconFromWords } from './lexicon.ts'
export { foldGerman, normalizeWord } from './normalize.ts'
export { STOPWORDS } from './stopwords.ts'
export { forEachToken, tokenize } from './tokenize.ts'
