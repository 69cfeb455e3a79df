import { type Lexicon, MIN_PART_CHARS } from './lexicon.ts'

/** Shorter words are not split: "Bauamt" (6) is the shortest kind of compound worth finding by its parts. */
export const MIN_COMPOUND_CHARS = 6
/** Words longer than this are noise (URLs, hashes, glued PDF lines): not split. */
const MAX_COMPOUND_CHARS = 60

/** Linking elements (Fugenelemente) that may sit between two parts: Arbeit-s-amt, Tag-es-ordnung, Kind-er-garten. */
const LINKING_ELEMENTS = ['', 's', 'es', 'n', 'en', 'er', 'e', 'ens']
/** Inflection endings the last part may carry although the word list holds only its base form. */
const HEAD_ENDINGS = new Set(['s', 'es', 'n', 'en', 'e', 'er', 'ern', 'ns', 'nen'])
const MAX_HEAD_ENDING_CHARS = 3

// Best segmentation of word[i..n), filled from the end: number of parts (0 = none), score, linking letters,
// where the first part ends and where the rest starts (after the linking element). Shared buffers: splitting
// allocates nothing but its result (the analyser is synchronous, so calls never overlap).
const parts = new Int32Array(MAX_COMPOUND_CHARS + 1)
const weight = new Int32Array(MAX_COMPOUND_CHARS + 1)
const linking = new Int32Array(MAX_COMPOUND_CHARS + 1)
const partEnd = new Int32Array(MAX_COMPOUND_CHARS + 1)
const restStart = new Int32Array(MAX_COMPOUND_CHARS + 1)
const ends = new Int32Array(MAX_COMPOUND_CHARS + 1)

/**
 * Splits a folded lower-case German compound into dictionary words: "baugenehmigungsverfahren" →
 * ["baugenehmigung", "verfahren"] at the first level; callers split parts again. Returns undefined for words
 * that are not compounds of known words. Among all segmentations the one with the fewest parts wins; ties go
 * to longer parts (sum of squared lengths), then to fewer linking letters. That keeps "Arbeitsamt" from
 * becoming "Arbeit" + "samt" and makes "Bürger|meister" beat "Burg|er|meister". Stopwords are never parts,
 * so that prefixes such as "vor", "aus", "hin" do not split "Vorlage" or "Ausschuss".
 */
export function splitCompound(word: string, lexicon: Lexicon): string[] | undefined {
  const n = word.length
  if (n < MIN_COMPOUND_CHARS || n > MAX_COMPOUND_CHARS) return undefined
  parts.fill(0, 0, n + 1)
  for (let i = n - MIN_PART_CHARS; i >= 0; i--) {
    const count = lexicon.partEndsAt(word, i, ends)
    for (let e = 0; e < count; e++) {
      const j = ends[e] as number
      // the rest of the word as the last part (head), possibly inflected: "...|verfahren|s"
      if (i > 0 && (j === n || (n - j <= MAX_HEAD_ENDING_CHARS && HEAD_ENDINGS.has(word.slice(j))))) {
        consider(i, 1, (n - i) ** 2, 0, n, n)
      }
      if (j > n - MIN_PART_CHARS) continue
      for (const link of LINKING_ELEMENTS) {
        if (link !== '' && !word.startsWith(link, j)) continue
        const rest = j + link.length
        if (parts[rest] === 0) continue
        const count = (parts[rest] as number) + 1
        consider(i, count, (rest - i) ** 2 + (weight[rest] as number), link.length + (linking[rest] as number), j, rest)
      }
    }
  }
  if ((parts[0] as number) < 2) return undefined
  const result: string[] = []
  for (let i = 0; i < n; i = restStart[i] as number) result.push(word.slice(i, partEnd[i]))
  return result
}

/** Keeps a segmentation of word[i..n) if it beats the best so far: fewer parts, then weight, then linking letters. */
function consider(i: number, p: number, w: number, l: number, end: number, rest: number): void {
  const current = parts[i] as number
  if (current !== 0) {
    if (p > current) return
    if (p === current && (w < (weight[i] as number) || (w === weight[i] && l >= (linking[i] as number)))) return
  }
  parts[i] = p
  weight[i] = w
  linking[i] = l
  partEnd[i] = end
  restStart[i] = rest
}
