import { createRequire } from 'node:module'
import type { Stemmer } from 'snowball-stemmers'

const LOWER_ASCII = /^[a-z]+$/

let reference: Stemmer | undefined

/**
 * The snowball-stemmers package's German stemmer, loaded at first use: the package holds every language
 * and takes ~70 ms to load, which each parser thread paid at start although only words outside a–z need it.
 */
function referenceStemmer(): Stemmer {
  reference ??= (createRequire(import.meta.url)('snowball-stemmers') as typeof import('snowball-stemmers')).newStemmer('german')
  return reference
}

/**
 * Snowball German stem of a folded, lower-case word ("gebuhren" → "gebuhr"). Words of the letters a–z (all
 * German words after folding) take a direct implementation of the Snowball German algorithm, which gives the
 * same stems as the snowball-stemmers package (checked on every word of the benchmark corpora and the
 * dictionary, see stem.test.ts) at 1/28 of its cost (0.3 µs a word); anything else goes to that
 * package. Not cached here: the analyser caches whole tokens, and a cache lookup cost as much as the stemming.
 */
export function stemGerman(folded: string): string {
  return LOWER_ASCII.test(folded) ? snowballGermanAscii(folded) : referenceStemmer().stem(folded)
}

/** The reference implementation (tests compare against it). */
export function referenceStem(word: string): string {
  return referenceStemmer().stem(word)
}

// Snowball German (https://snowballstem.org/algorithms/german/stemmer.html) for words of a–z, on the word's
// character codes in a reused buffer: every step only removes a suffix and the postlude undoes the prelude, so
// the stem is always a prefix of the word and the steps need only compute its length. In the prelude "u" and
// "y" between vowels become "U" and "Y", which are not vowels and match no suffix.
const A = 0x61
const E = 0x65
const I = 0x69
const O = 0x6f
const U = 0x75
const Y = 0x79
/** R1 starts at least this far into the word. */
const R1_MIN = 3
/** "st" is removed only with at least this many letters before its st-ending ("hop 3"). */
const ST_HOP = 3
const S_ENDING = letterSet('bdfghklmnrt')
const ST_ENDING = letterSet('bdfghklmnt')
const STEP1_SUFFIXES = codes(['ern', 'em', 'en', 'er', 'es', 'e', 's'])
const STEP2_SUFFIXES = codes(['est', 'en', 'er', 'st'])
const STEP3_SUFFIXES = codes(['isch', 'lich', 'heit', 'keit', 'end', 'ung', 'ig', 'ik'])
const KEIT_INNER_SUFFIXES = codes(['lich', 'ig'])
const NISS = codes(['niss'])[0] as Uint8Array
const IG = codes(['ig'])[0] as Uint8Array
const ER = codes(['er'])[0] as Uint8Array
const EN = codes(['en'])[0] as Uint8Array

let w = new Uint8Array(64)

export function snowballGermanAscii(word: string): string {
  const n = word.length
  if (n > w.length) w = new Uint8Array(n * 2)
  for (let i = 0; i < n; i++) w[i] = word.charCodeAt(i)
  for (let i = 1; i + 1 < n; i++) {
    const c = w[i] as number
    if ((c === U || c === Y) && isVowel(w[i - 1] as number) && isVowel(w[i + 1] as number)) w[i] = c - 0x20
  }
  // R1: after the first non-vowel that follows a vowel, at least R1_MIN; R2: the same again, from there
  const after = n < R1_MIN ? n : nextRegion(0, n)
  const p1 = after >= n ? n : Math.max(after, R1_MIN)
  const p2 = after >= n ? n : nextRegion(after, n)
  let length = step1(n, p1)
  length = step2(length, p1)
  length = step3(length, p1, p2)
  return length === n ? word : word.slice(0, length)
}

function isVowel(c: number): boolean {
  return c === A || c === E || c === I || c === O || c === U || c === Y
}

/** The start of the region after `from`: after the first non-vowel that follows a vowel. */
function nextRegion(from: number, n: number): number {
  let i = from
  while (i < n && !isVowel(w[i] as number)) i++
  while (i < n && isVowel(w[i] as number)) i++
  return i >= n ? n : i + 1
}

function step1(n: number, p1: number): number {
  const suffix = longestSuffix(n, STEP1_SUFFIXES)
  if (suffix === undefined || n - suffix.length < p1) return n
  const start = n - suffix.length
  if (suffix.length === 1 && suffix[0] === 0x73) return start > 0 && S_ENDING[w[start - 1] as number] === 1 ? start : n // 's'
  // 'e', 'en', 'es' after "niss": the final s goes too; 'em', 'ern', 'er' are just removed
  if (suffix[0] === E && (suffix.length === 1 || suffix[1] === 0x6e || suffix[1] === 0x73)) return endsWith(start, NISS) ? start - 1 : start
  return start
}

function step2(n: number, p1: number): number {
  const suffix = longestSuffix(n, STEP2_SUFFIXES)
  if (suffix === undefined || n - suffix.length < p1) return n
  const start = n - suffix.length
  if (suffix.length !== 2 || suffix[0] !== 0x73) return start // not 'st'
  // "st" goes only after a valid st-ending that has at least three letters before it
  return start - 1 >= ST_HOP && ST_ENDING[w[start - 1] as number] === 1 ? start : n
}

function step3(n: number, p1: number, p2: number): number {
  const suffix = longestSuffix(n, STEP3_SUFFIXES)
  if (suffix === undefined || n - suffix.length < p2) return n
  const rest = n - suffix.length
  const first = suffix[0] as number
  if (suffix.length === 3) {
    // 'end', 'ung': an "ig" before them goes too, unless preceded by "e"
    return endsWith(rest, IG) && (rest < 3 || w[rest - 3] !== E) && rest - 2 >= p2 ? rest - 2 : rest
  }
  if (first === I) return rest > 0 && w[rest - 1] === E ? n : rest // 'ig', 'ik', 'isch'
  if (first === 0x6c || first === 0x68) return (endsWith(rest, ER) || endsWith(rest, EN)) && rest - 2 >= p1 ? rest - 2 : rest // 'lich', 'heit'
  // 'keit'
  const inner = longestSuffix(rest, KEIT_INNER_SUFFIXES)
  return inner !== undefined && rest - inner.length >= p2 ? rest - inner.length : rest
}

/** The first of `suffixes` (given longest first) that w[0, n) ends with. */
function longestSuffix(n: number, suffixes: readonly Uint8Array[]): Uint8Array | undefined {
  for (const suffix of suffixes) if (endsWith(n, suffix)) return suffix
  return undefined
}

function endsWith(n: number, suffix: Uint8Array): boolean {
  if (suffix.length > n) return false
  for (let i = 0, j = n - suffix.length; i < suffix.length; i++, j++) if (w[j] !== suffix[i]) return false
  return true
}

function codes(words: readonly string[]): Uint8Array[] {
  return words.map((word) => Uint8Array.from(word, (ch) => ch.charCodeAt(0)))
}

/** A table over character codes: 1 for the letters given. */
function letterSet(letters: string): Uint8Array {
  const set = new Uint8Array(128)
  for (const ch of letters) set[ch.charCodeAt(0)] = 1
  return set
}
