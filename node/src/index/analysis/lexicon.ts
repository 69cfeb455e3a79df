import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { logger } from '../../log.ts'
import { LexiconMissingError } from './errors.ts'
import { addEntry, MIN_PART_CHARS, readHunspell, type WordTries } from './hunspell.ts'
import { normalizeWord } from './normalize.ts'
import { WordTrie } from './trie.ts'

export { MIN_PART_CHARS } from './hunspell.ts'

const log = logger('node:index:lexical')

/** Bump when the way the word list is built changes, so that old cache files are not used. */
const CACHE_FORMAT = 4
const CACHE_DIR = join(tmpdir(), 'wissensnetz')

/**
 * The word list that compound splitting checks parts against: the German Hunspell dictionary (igerman98,
 * npm package dictionary-de, read from node_modules, never copied into the project). Its ~75,000 entries
 * with their affix rules give the forms that only occur inside compounds ("genehmigungs", "schul") and every
 * standalone word form, which the analyser does not split ("Karlsruhe", "starben").
 */
export interface Lexicon {
  /** a word (base, derived or inflected form) that stands on its own: such words are not split */
  isWord(folded: string): boolean
  /** a possible compound part */
  has(folded: string): boolean
  /** writes into `ends` the indexes j such that folded[start, j) is a possible part (ascending); returns the count */
  partEndsAt(folded: string, start: number, ends: Int32Array): number
  /** number of possible parts */
  readonly size: number
}

let cached: Lexicon | undefined

/**
 * The German lexicon, built once per process. Expanding the dictionary takes about half a second, so the
 * result is also kept as a binary file in the temp directory (keyed by the dictionary's size and time),
 * which later processes read in milliseconds.
 */
export function germanLexicon(): Lexicon {
  cached ??= loadGermanLexicon()
  return cached
}

/** A lexicon from plain words (tests): `parts` may be compound parts, `standalone` are never split. */
export function lexiconFromWords(parts: Iterable<string>, standalone: Iterable<string> = []): Lexicon {
  const tries: WordTries = { parts: new WordTrie(), words: new WordTrie() }
  for (const word of parts) addEntry(tries, word)
  // only the words named standalone block splitting here, not every part (addEntry marks plain words both ways)
  tries.words = new WordTrie()
  for (const word of standalone) tries.words.add(normalizeWord(word))
  return asLexicon(tries)
}

function asLexicon(tries: WordTries): Lexicon {
  const { parts, words } = tries
  return {
    isWord: (folded) => words.has(folded),
    has: (folded) => parts.has(folded),
    partEndsAt: (folded, start, ends) => parts.wordEndsAt(folded, start, MIN_PART_CHARS, ends),
    size: parts.size,
  }
}

function loadGermanLexicon(): Lexicon {
  const started = performance.now()
  const dir = dictionaryDir()
  const dic = statSync(join(dir, 'index.dic'))
  const cacheFile = join(CACHE_DIR, `lexicon-de-v${CACHE_FORMAT}-${dic.size}-${Math.floor(dic.mtimeMs)}.bin`)
  let tries = readCache(cacheFile)
  const fromCache = tries !== undefined
  if (tries === undefined) {
    tries = readHunspell(dir)
    writeCache(cacheFile, tries)
  }
  const ms = Math.round(performance.now() - started)
  log.trace('german lexicon loaded', { parts: tries.parts.size, words: tries.words.size, fromCache, ms })
  return asLexicon(tries)
}

function readCache(file: string): WordTries | undefined {
  if (!existsSync(file)) return undefined
  try {
    const bytes = readFileSync(file)
    const parts = WordTrie.deserialize(bytes)
    const words = WordTrie.deserialize(bytes.subarray(parts.length))
    return { parts: parts.trie, words: words.trie }
  } catch (error) {
    log.warn('lexicon cache unreadable, rebuilding', error instanceof Error ? error.name : 'error')
    return undefined
  }
}

/** Best effort: a read-only temp directory only costs the next process the half second again. */
function writeCache(file: string, tries: WordTries): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true })
    const parts = tries.parts.serialize()
    const words = tries.words.serialize()
    const bytes = new Uint8Array(parts.length + words.length)
    bytes.set(parts)
    bytes.set(words, parts.length)
    // write then rename: a concurrent reader never sees half a file
    const temporary = `${file}.${process.pid}.tmp`
    writeFileSync(temporary, bytes)
    renameSync(temporary, file)
  } catch (error) {
    log.trace('lexicon cache not written', error instanceof Error ? error.name : 'error')
  }
}

/** node_modules/dictionary-de above this file, found by walking up like Node's resolver (which is slow under tsx). */
export function dictionaryDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'node_modules', 'dictionary-de')
    if (existsSync(join(candidate, 'index.dic'))) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new LexiconMissingError('dictionary-de')
    dir = parent
  }
}
