export {
  analyzeForIndex,
  analyzeQuery,
  GermanAnalyzer,
  germanAnalyzer,
  type IndexFields,
  JOINER,
  type QueryFields,
  type TextAnalyzer,
  type TokenTerms,
} from './analyzer.ts'
export { splitCompound } from './compound.ts'
export { LexiconMissingError } from './errors.ts'
export { highlightRanges, makeSnippet, type Range, type Snippet } from './highlight.ts'
export { germanLexicon, type Lexicon, lexiconFromWords } from './lexicon.ts'
export { foldGerman, normalizeWord } from './normalize.ts'
export { STOPWORDS } from './stopwords.ts'
export { forEachToken, tokenize } from './tokenize.ts'
