import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { WordTrie } from './trie.ts'

const WORDS = ['bau', 'bauamt', 'baum', 'amt', 'amtes', 'genehmigung', 'verfahren', 'verfahrens', 'zeugnis', 'ab']

function endsAt(trie: WordTrie, word: string, start: number, minLength: number): number[] {
  const ends = new Int32Array(word.length)
  return Array.from(ends.subarray(0, trie.wordEndsAt(word, start, minLength, ends)))
}

test('finds words and every word that starts at a position', () => {
  const trie = new WordTrie()
  for (const word of WORDS) assert.ok(trie.add(word))
  assert.not.ok(trie.add('straße'), 'only a–z')
  assert.is(trie.size, WORDS.length)
  assert.ok(WORDS.every((word) => trie.has(word)))
  assert.not.ok(trie.has('ba'), 'a prefix is no word')
  assert.not.ok(trie.has('bauamtx'))
  assert.not.ok(trie.has('straße'))
  assert.equal(endsAt(trie, 'bauamtes', 0, 3), [3, 6])
  assert.equal(endsAt(trie, 'bauamtes', 3, 3), [6, 8])
  assert.equal(endsAt(trie, 'abbau', 0, 2), [2])
  assert.equal(endsAt(trie, 'abbau', 0, 3), [])
})

test('a trie read back from its bytes answers the same, and refuses new words', () => {
  const trie = new WordTrie()
  for (const word of WORDS) trie.add(word)
  const { trie: loaded, length } = WordTrie.deserialize(trie.serialize())
  assert.is(length, trie.serialize().length)
  assert.is(loaded.size, trie.size)
  for (const word of [...WORDS, 'ba', 'bauamtx', 'baumamt', 'xyz', 'b']) assert.is(loaded.has(word), trie.has(word), word)
  for (const word of ['bauamtes', 'genehmigungsverfahrens', 'baumzeugnis']) {
    for (let start = 0; start < word.length; start++) assert.equal(endsAt(loaded, word, start, 3), endsAt(trie, word, start, 3), `${word}@${start}`)
  }
  assert.throws(() => loaded.add('neu'), /read-only/)
  assert.throws(() => WordTrie.deserialize(trie.serialize().subarray(0, 20)), RangeError)
})

test('words added after a lookup are found', () => {
  const trie = new WordTrie()
  trie.add('bau')
  assert.not.ok(trie.has('baum'))
  trie.add('baum')
  assert.ok(trie.has('baum') && trie.has('bau'))
})

test.run()
