import type { TextAnalyzer } from '../../node/src/index/analysis/index.ts'

const WORD = /[\p{L}\p{N}]+/gu

/**
 * The baseline: what FTS5's unicode61 tokenizer does on its own (letters and digits, lower case), without
 * folding, stopwords, stemming or compound splitting. Measured in the same run as the German analyser.
 */
export class PlainAnalyzer implements TextAnalyzer {
  analyzeForIndex(text: string): string[] {
    return text.toLowerCase().match(WORD) ?? []
  }

  analyzeQuery(text: string): string[] {
    return [...new Set(this.analyzeForIndex(text))]
  }

  querySequence(text: string): string[] {
    return this.analyzeForIndex(text)
  }
}
