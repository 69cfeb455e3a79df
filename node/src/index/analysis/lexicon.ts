import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LexiconMissingError } from './errors.ts'
import { logger } from '../../log.ts'
import { normalizeWord } from './normalize.ts'
import { isStopword } from './stopwords.ts'
import { WordTrie } from './trie.ts'

const log = logger('node:index:lexical')

/** Words shorter than this are never compound parts ("ab", "an", "be" would split nearly anything). */
export const MIN_PART_CHARS = 3

/**
 * Hunspell suffix flags whose forms are kept: derivations that make new lemmas (-ung, -bar, -lich, -chen,
 * feminine -in/-innen) and irregular plurals (Haus → Häuser, Ergebnis → Ergebnisse). Regular inflection
 * (-e, -en, -s, -es, adjective and verb endings) is not expanded: the splitter strips those endings itself,
 * and leaving them out keeps the word list at a fifth of its full size.
 */
const DERIVATION_FLAGS = new Set(['J', 'B', 'L', 'M', 'F', 'p', 'q', 'Q'])
// Hunspell flag that marks forbidden compounds in igerman98's affix file
const FORBIDDEN_FLAG = 'd'

/**
 * The word list that compound splitting checks parts against: the German Hunspell dictionary (igerman98,
 * package dictionary-de, read from node_modules at first use, never copied). Its ~75,000 stems include the
 * forms that only occur inside compounds ("genehmigungs", "schul", "wohn"), which is exactly what a splitter
 * needs. Acronyms and abbreviations are left out; three-letter parts must be nouns ("Bau", "Amt", "Rat")
 * because short lower-case entries are mostly prefixes and function words.
 */
export interface Lexicon {
  has(folded: string): boolean
  /** writes into `ends` the indexes j such that folded[start, j) is a possible part (ascending); returns the count */
  partEndsAt(folded: string, start: number, ends: Int32Array): number
  readonly size: number
}

let cached: Lexicon | undefined

export function germanLexicon(): Lexicon {
  cached ??= loadGermanLexicon()
  return cached
}

/** A lexicon from plain words (tests, or a node's own term list). */
export function lexiconFromWords(list: Iterable<string>): Lexicon {
  const words = new WordTrie()
  for (const word of list) addEntry(words, word, new Map())
  return asLexicon(words)
}

function asLexicon(words: WordTrie): Lexicon {
  return {
    has: (folded) => words.has(folded),
    partEndsAt: (folded, start, ends) => words.wordEndsAt(folded, start, MIN_PART_CHARS, ends),
    size: words.size,
  }
}

function loadGermanLexicon(): Lexicon {
  const started = performance.now()
  const dir = dictionaryDir()
  const dic = readFileSync(join(dir, 'index.dic'), 'utf8')
  const rules = parseSuffixRules(readFileSync(join(dir, 'index.aff'), 'utf8'))
  const words = new WordTrie()
  let start = dic.indexOf('\n') + 1 // the first line holds the entry count
  while (start < dic.length) {
    let end = dic.indexOf('\n', start)
    if (end === -1) end = dic.length
    addEntry(words, dic.slice(start, end), rules)
    start = end + 1
  }
  log.trace('german lexicon loaded', { words: words.size, ms: Math.round(performance.now() - started) })
  return asLexicon(words)
}

/** node_modules/dictionary-de above this file; found by walking up like Node's resolver (which is slow under tsx). */
function dictionaryDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'node_modules', 'dictionary-de')
    if (existsSync(join(candidate, 'index.dic'))) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new LexiconMissingError('dictionary-de')
    dir = parent
  }
}

interface SuffixRule {
  strip: string
  add: string
  /** the word must end like this; hunspell's condition syntax is a subset of RegExp */
  condition: RegExp
}

/** Hunspell suffix rules by flag: `SFX <flag> <strip> <add>[/<flags>] <condition>`. */
function parseSuffixRules(aff: string): Map<string, SuffixRule[]> {
  const rules = new Map<string, SuffixRule[]>()
  for (const line of aff.split('\n')) {
    if (!line.startsWith('SFX ')) continue
    const [, flag, strip, addWithFlags, condition] = line.trim().split(/\s+/)
    if (flag === undefined || strip === undefined || addWithFlags === undefined || condition === undefined) continue
    if (!DERIVATION_FLAGS.has(flag) || addWithFlags === 'Y' || addWithFlags === 'N') continue // header line
    const add = addWithFlags.split('/')[0] as string
    let list = rules.get(flag)
    if (list === undefined) rules.set(flag, (list = []))
    list.push({ strip: strip === '0' ? '' : strip, add: add === '0' ? '' : add, condition: new RegExp(`${condition}$`) })
  }
  return rules
}

function addEntry(words: WordTrie, line: string, rules: Map<string, SuffixRule[]>): void {
  const slash = line.indexOf('/')
  const word = slash === -1 ? line.trim() : line.slice(0, slash)
  const flags = slash === -1 ? '' : line.slice(slash + 1)
  if (word.length < MIN_PART_CHARS || flags.includes(FORBIDDEN_FLAG)) return
  let upper = 0
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i)
    if (code >= 0x61 && code <= 0x7a) continue
    if (code >= 0x41 && code <= 0x5a) {
      upper++
      continue
    }
    if (code < 0xc0) return // not a letter: abbreviations ("Nr."), comments, hyphenated entries
    const ch = word[i] as string
    if (ch !== ch.toLowerCase()) upper++
  }
  if (upper > 1) return // acronyms: "AOK", "GmbH", "PCs"
  if (word.length === MIN_PART_CHARS && upper === 0) return // "ver", "ent", "hin": prefixes and particles
  addPart(words, normalizeWord(word))
  for (const flag of flags) {
    const list = rules.get(flag)
    if (list === undefined) continue
    for (const rule of list) {
      if (!word.endsWith(rule.strip) || !rule.condition.test(word)) continue
      addPart(words, normalizeWord(word.slice(0, word.length - rule.strip.length) + rule.add))
    }
  }
}

/** Stopwords are never parts ("vor|lage", "aus|schuss", "hin|weis" are not compounds of them). */
function addPart(words: WordTrie, folded: string): void {
  if (folded.length >= MIN_PART_CHARS && !isStopword(folded)) words.add(folded)
}
