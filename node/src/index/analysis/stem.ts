import { newStemmer } from 'snowball-stemmers'

/** Distinct words whose stem is remembered. */
const STEM_CACHE_ENTRIES = 100_000
const LOWER_ASCII = /^[a-z]+$/

const reference = newStemmer('german')
const cache = new Map<string, string>()

/**
 * Snowball German stem of a folded, lower-case word ("gebuhren" → "gebuhr"). Words of the letters a–z (all
 * German words after folding) take a direct implementation of the Snowball German algorithm, which gives the
 * same stems as the snowball-stemmers package (checked on every word of the benchmark corpora and the
 * dictionary, see stem.test.ts) at a tenth of its cost; anything else goes to that package.
 */
export function stemGerman(folded: string): string {
  let stem = cache.get(folded)
  if (stem === undefined) {
    if (cache.size >= STEM_CACHE_ENTRIES) cache.clear()
    stem = LOWER_ASCII.test(folded) ? snowballGermanAscii(folded) : reference.stem(folded)
    cache.set(folded, stem)
  }
  return stem
}

/** The reference implementation (tests compare against it). */
export function referenceStem(word: string): string {
  return reference.stem(word)
}

// Snowball German (https://snowballstem.org/algorithms/german/stemmer.html) for words of a–z. In the prelude
// "u" and "y" between vowels become "U" and "Y", which are not vowels; the postlude turns them back.
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y'])
const S_ENDING = new Set(['b', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'r', 't'])
const ST_ENDING = new Set(['b', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 't'])
/** R1 starts at least this far into the word. */
const R1_MIN = 3
/** "st" is removed only with at least this many letters before its st-ending ("hop 3"). */
const ST_HOP = 3

export function snowballGermanAscii(word: string): string {
  let w = prelude(word)
  const [p1, p2] = regions(w)
  w = step1(w, p1)
  w = step2(w, p1)
  w = step3(w, p1, p2)
  return w.replaceAll('U', 'u').replaceAll('Y', 'y')
}

function isVowel(w: string, i: number): boolean {
  return VOWELS.has(w[i] as string)
}

function prelude(word: string): string {
  if (!word.includes('u') && !word.includes('y')) return word
  const chars = word.split('')
  for (let i = 1; i + 1 < chars.length; i++) {
    const c = chars[i]
    if ((c === 'u' || c === 'y') && VOWELS.has(chars[i - 1] as string) && VOWELS.has(chars[i + 1] as string)) chars[i] = c.toUpperCase()
  }
  return chars.join('')
}

/** R1 and R2 start offsets: after the first non-vowel that follows a vowel (R1 at least 3), then again. */
function regions(w: string): [number, number] {
  const n = w.length
  if (n < R1_MIN) return [n, n]
  let i = 0
  while (i < n && !isVowel(w, i)) i++
  while (i < n && isVowel(w, i)) i++
  if (i >= n) return [n, n]
  i++
  const p1 = Math.max(i, R1_MIN)
  while (i < n && !isVowel(w, i)) i++
  while (i < n && isVowel(w, i)) i++
  if (i >= n) return [p1, n]
  return [p1, i + 1]
}

function step1(w: string, p1: number): string {
  const suffix = longestSuffix(w, ['ern', 'em', 'en', 'er', 'es', 'e', 's'])
  if (suffix === undefined || w.length - suffix.length < p1) return w
  const start = w.length - suffix.length
  switch (suffix) {
    case 'em':
    case 'ern':
    case 'er':
      return w.slice(0, start)
    case 'e':
    case 'en':
    case 'es': {
      const rest = w.slice(0, start)
      return rest.endsWith('niss') ? rest.slice(0, -1) : rest
    }
    default: // 's'
      return start > 0 && S_ENDING.has(w[start - 1] as string) ? w.slice(0, start) : w
  }
}

function step2(w: string, p1: number): string {
  const suffix = longestSuffix(w, ['est', 'en', 'er', 'st'])
  if (suffix === undefined || w.length - suffix.length < p1) return w
  const start = w.length - suffix.length
  if (suffix !== 'st') return w.slice(0, start)
  // "st" goes only after a valid st-ending that has at least three letters before it
  return start - 1 >= ST_HOP && ST_ENDING.has(w[start - 1] as string) ? w.slice(0, start) : w
}

function step3(w: string, p1: number, p2: number): string {
  const suffix = longestSuffix(w, ['isch', 'lich', 'heit', 'keit', 'end', 'ung', 'ig', 'ik'])
  if (suffix === undefined || w.length - suffix.length < p2) return w
  const start = w.length - suffix.length
  const rest = w.slice(0, start)
  switch (suffix) {
    case 'end':
    case 'ung':
      return rest.endsWith('ig') && rest[rest.length - 3] !== 'e' && rest.length - 2 >= p2 ? rest.slice(0, -2) : rest
    case 'ig':
    case 'ik':
    case 'isch':
      return rest.endsWith('e') ? w : rest
    case 'lich':
    case 'heit':
      return (rest.endsWith('er') || rest.endsWith('en')) && rest.length - 2 >= p1 ? rest.slice(0, -2) : rest
    default: {
      // 'keit'
      const inner = longestSuffix(rest, ['lich', 'ig'])
      return inner !== undefined && rest.length - inner.length >= p2 ? rest.slice(0, -inner.length) : rest
    }
  }
}

/** The longest of `suffixes` (given longest first) that `w` ends with. */
function longestSuffix(w: string, suffixes: readonly string[]): string | undefined {
  for (const suffix of suffixes) if (w.endsWith(suffix)) return suffix
  return undefined
}
