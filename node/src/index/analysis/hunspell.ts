import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { normalizeWord } from './normalize.ts'
import { isStopword } from './stopwords.ts'
import { WordTrie } from './trie.ts'

/** Words shorter than this are never compound parts ("ab", "an", "be" would split nearly anything). */
export const MIN_PART_CHARS = 3

/**
 * Hunspell suffix flags whose forms are also compound parts: derivations that make new lemmas (-ung, -bar,
 * -lich, -chen, feminine -in/-innen) and irregular plurals (Haus → Häuser). Regular inflection (-e, -en, -s,
 * adjective and verb endings) only marks standalone words: the splitter strips such endings itself.
 */
const DERIVATION_FLAGS = new Set(['J', 'B', 'L', 'M', 'F', 'p', 'q', 'Q'])
// igerman98's affix file: forbidden compound; only inside compounds; pseudo-root that needs an affix
const FORBIDDEN_FLAG = 'd'
const ONLY_IN_COMPOUND_FLAG = 'o'
const NEEDS_AFFIX_FLAG = 'h'

export interface WordTries {
  /** possible compound parts, including forms that only occur inside compounds ("genehmigungs", "schul") */
  parts: WordTrie
  /** words that stand on their own, in all their forms ("karlsruhe", "starben"): these are never split */
  words: WordTrie
}

interface SuffixRule {
  strip: string
  add: string
  /** the word must end like this; hunspell's condition syntax is a subset of RegExp */
  condition: RegExp
  /** its forms are compound parts too */
  derivation: boolean
}

/** Reads a Hunspell dictionary (index.dic, index.aff in `dir`) into the two word tries. */
export function readHunspell(dir: string): WordTries {
  const dic = readFileSync(join(dir, 'index.dic'), 'utf8')
  const rules = parseSuffixRules(readFileSync(join(dir, 'index.aff'), 'utf8'))
  const tries: WordTries = { parts: new WordTrie(), words: new WordTrie() }
  let start = dic.indexOf('\n') + 1 // the first line holds the entry count
  while (start < dic.length) {
    let end = dic.indexOf('\n', start)
    if (end === -1) end = dic.length
    addEntry(tries, dic.slice(start, end), rules)
    start = end + 1
  }
  return tries
}

/** Hunspell suffix rules by flag: `SFX <flag> <strip> <add>[/<flags>] <condition>`. */
function parseSuffixRules(aff: string): Map<string, SuffixRule[]> {
  const rules = new Map<string, SuffixRule[]>()
  for (const line of aff.split('\n')) {
    if (!line.startsWith('SFX ')) continue
    const [, flag, strip, addWithFlags, condition] = line.trim().split(/\s+/)
    if (flag === undefined || strip === undefined || addWithFlags === undefined || condition === undefined) continue
    if (addWithFlags === 'Y' || addWithFlags === 'N') continue // group header
    const [add = '', continuation = ''] = addWithFlags.split('/')
    if (add.includes('-') || continuation.includes(ONLY_IN_COMPOUND_FLAG)) continue
    let list = rules.get(flag)
    if (list === undefined) rules.set(flag, (list = []))
    list.push({
      strip: strip === '0' ? '' : strip,
      add: add === '0' ? '' : add,
      condition: new RegExp(`${condition}$`),
      derivation: DERIVATION_FLAGS.has(flag),
    })
  }
  return rules
}

/** One dictionary line "Wort/FLAGS" (or a plain word when `rules` is empty). */
export function addEntry(tries: WordTries, line: string, rules: Map<string, SuffixRule[]> = new Map()): void {
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
  const folded = normalizeWord(word)
  // three-letter parts must be nouns ("Bau", "Amt", "Rat"); short lower-case entries are prefixes and particles
  if (word.length > MIN_PART_CHARS || upper === 1) addPart(tries.parts, folded)
  const standalone = !flags.includes(ONLY_IN_COMPOUND_FLAG) && !flags.includes(NEEDS_AFFIX_FLAG)
  if (standalone) tries.words.add(folded)
  for (const flag of flags) {
    const list = rules.get(flag)
    if (list === undefined) continue
    for (const rule of list) {
      if (!word.endsWith(rule.strip) || !rule.condition.test(word)) continue
      const form = normalizeWord(word.slice(0, word.length - rule.strip.length) + rule.add)
      if (rule.derivation) addPart(tries.parts, form)
      if (standalone) tries.words.add(form)
    }
  }
}

/** Stopwords are never parts ("vor|lage", "aus|schuss", "hin|weis" are not compounds of them). */
function addPart(parts: WordTrie, folded: string): void {
  if (folded.length >= MIN_PART_CHARS && !isStopword(folded)) parts.add(folded)
}
