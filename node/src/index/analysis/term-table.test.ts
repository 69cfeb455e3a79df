import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { hashSpan, MAX_TABLE_TOKEN_CHARS, TermTable } from './term-table.ts'

const lookup = <V>(table: TermTable<V>, text: string, start: number, end: number): V | undefined => table.find(text, start, end, hashSpan(text, start, end))

test('a token is found by any span of any text that spells it', () => {
  const table = new TermTable<string>(16)
  table.add('Die Gebühr', 4, 10, hashSpan('Die Gebühr', 4, 10), 'gebuhr')
  assert.is(table.get('Gebühr'), 'gebuhr')
  assert.is(lookup(table, 'Eine Gebühr von', 5, 11), 'gebuhr')
  assert.is(lookup(table, 'Eine Gebühr von', 5, 10), undefined, 'a prefix is another token')
  assert.is(table.get('gebühr'), undefined, 'case matters')
})

test('colliding and neighbouring slots keep their own values', () => {
  const table = new TermTable<number>(8) // 6 entries before it starts over
  const words = ['Amt', 'Bau', 'Rat', 'Tag', 'Ort', 'Weg']
  for (const [i, word] of words.entries()) table.add(word, 0, word.length, hashSpan(word, 0, word.length), i)
  assert.equal(
    words.map((word) => table.get(word)),
    [0, 1, 2, 3, 4, 5],
  )
  assert.is(table.size, 6)
})

test('a full table starts over empty instead of growing without bound', () => {
  const table = new TermTable<number>(8)
  for (let i = 0; i < 7; i++) table.add(`w${i}`, 0, 2, hashSpan(`w${i}`, 0, 2), i)
  assert.is(table.size, 1, 'the seventh entry found the table full and cleared it')
  assert.is(table.get('w6'), 6)
  assert.is(table.get('w0'), undefined)
})

test('tokens longer than the limit are not kept', () => {
  const table = new TermTable<number>(8)
  const long = 'x'.repeat(MAX_TABLE_TOKEN_CHARS + 1)
  table.add(long, 0, long.length, hashSpan(long, 0, long.length), 1)
  assert.is(table.get(long), undefined)
  assert.is(table.size, 0)
})

test('the key pool grows for many long tokens', () => {
  const table = new TermTable<number>(1 << 14)
  const words = Array.from({ length: 5000 }, (_, i) => `${'langeswort'.repeat(5)}${i}`)
  for (const [i, word] of words.entries()) table.add(word, 0, word.length, hashSpan(word, 0, word.length), i)
  assert.ok(words.every((word, i) => table.get(word) === i))
})

test.run()
