/**
 * Folds a lower-cased German word so that spelling variants meet: ä/ae → a, ö/oe → o, ü/ue → u, ß → ss, and
 * other diacritics are dropped (é → e). This is the German2 heuristic that Lucene's GermanNormalizationFilter
 * uses: "ue" is folded only where it cannot be a diphthong or "que" (so "neue", "Feuer", "Quelle" stay intact),
 * which lets "Mueller" meet "Müller" and "Strasse" meet "Straße" while the Snowball stemmer still sees
 * umlaut-free words and unifies plurals such as "Städte"/"Stadt".
 */

// States of the small automaton below: after an ordinary letter, after a vowel, after a/o/u that may start "ae"/"oe"/"ue"
const PLAIN = 0
const AFTER_VOWEL = 1
const MAY_FOLD_E = 2

const COMBINING_MARKS = /\p{M}+/gu

export function foldGerman(lower: string): string {
  return mayNeedFolding(lower) ? foldSlow(lower) : lower
}

/** Most words have no umlaut, no "ae"/"oe"/"ue" and no diacritic: return those untouched without building a string. */
function mayNeedFolding(s: string): boolean {
  let previous = 0
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i)
    if (code > 0x7f) return true
    if (code === 0x65 && (previous === 0x61 || previous === 0x6f || previous === 0x75)) return true
    previous = code
  }
  return false
}

function foldSlow(lower: string): string {
  let out = ''
  let state = PLAIN
  let changed = false
  for (let i = 0; i < lower.length; i++) {
    const ch = lower[i] as string
    switch (ch) {
      case 'a':
      case 'o':
        state = MAY_FOLD_E
        out += ch
        break
      case 'u':
        state = state === PLAIN ? MAY_FOLD_E : AFTER_VOWEL
        out += ch
        break
      case 'e':
        if (state === MAY_FOLD_E) changed = true
        else out += ch
        state = AFTER_VOWEL
        break
      case 'i':
      case 'q':
      case 'y':
        state = AFTER_VOWEL
        out += ch
        break
      case 'ä':
        out += 'a'
        changed = true
        state = AFTER_VOWEL
        break
      case 'ö':
        out += 'o'
        changed = true
        state = AFTER_VOWEL
        break
      case 'ü':
        out += 'u'
        changed = true
        state = AFTER_VOWEL
        break
      case 'ß':
        out += 'ss'
        changed = true
        state = PLAIN
        break
      default:
        out += ch
        state = PLAIN
    }
  }
  const folded = changed ? out : lower
  return hasNonAscii(folded) ? stripDiacritics(folded) : folded
}

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true
  return false
}

/** é → e, ñ → n; letters of other scripts stay as they are. */
function stripDiacritics(s: string): string {
  return s.normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC')
}

/** Lower-cases and folds one word. */
export function normalizeWord(word: string): string {
  return foldGerman(word.toLowerCase())
}
