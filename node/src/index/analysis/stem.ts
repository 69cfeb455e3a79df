import snowball from 'snowball-stemmers'

/** Distinct words whose stem is remembered (the JS Snowball port costs microseconds per call). */
const STEM_CACHE_ENTRIES = 100_000

const german = snowball.newStemmer('german')
const cache = new Map<string, string>()

/** Snowball German stem of a folded, lower-case word ("gebuhren" → "gebuhr"). */
export function stemGerman(folded: string): string {
  let stem = cache.get(folded)
  if (stem === undefined) {
    if (cache.size >= STEM_CACHE_ENTRIES) cache.clear()
    stem = german.stem(folded)
    cache.set(folded, stem)
  }
  return stem
}
