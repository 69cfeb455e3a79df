import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkCitations, stripCitations } from './citations.ts'

test('citations of passages in the context are kept, others dropped and counted', () => {
  const checked = checkCitations('Die Steuer beträgt 96 Euro [7] [1]. Siehe auch [2] und [1].', 2)
  assert.equal(checked.cited, [1, 2])
  assert.is(checked.dropped, 1)
  assert.is(checked.answer, 'Die Steuer beträgt 96 Euro [1]. Siehe auch [2] und [1].')
})

test('lists and "Quelle n" forms are understood; years in brackets are not citations', () => {
  const checked = checkCitations('Laut [1, 3] und [Quelle 2; 9] gilt das seit [2024].', 3)
  assert.equal(checked.cited, [1, 3, 2])
  assert.is(checked.dropped, 1)
  assert.is(checked.answer, 'Laut [1][3] und [2] gilt das seit [2024].')
})

test('zero and numbers beyond the context are dropped, the text around stays readable', () => {
  const checked = checkCitations('Nichts [0] dazu [12].', 2)
  assert.equal(checked.cited, [])
  assert.is(checked.dropped, 2)
  assert.is(checked.answer, 'Nichts dazu.')
})

test('an answer without citations passes unchanged', () => {
  const text = 'Die Quellen beantworten diese Frage nicht.'
  assert.equal(checkCitations(text, 3), { answer: text, cited: [], dropped: 0 })
})

test('stripCitations removes markers for the conversation history', () => {
  assert.is(stripCitations('Es sind 96 Euro [1][2].'), 'Es sind 96 Euro.')
})

test.run()
