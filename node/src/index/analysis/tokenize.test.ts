import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { forEachToken, tokenize } from './tokenize.ts'

test('offsets point at each token in the original text', () => {
  const text = 'Az. 8079/2026, E-Mail an Frau Müller (Straßen-\nbauamt) über 1.500,00 €.'
  const spans: string[] = []
  forEachToken(text, (start, end) => spans.push(text.slice(start, end)))
  assert.equal(spans, ['Az', '8079/2026', 'E-Mail', 'an', 'Frau', 'Müller', 'Straßen-\nbauamt', 'über', '1.500,00'])
})

test('token text undoes line-end hyphenation and marks connectors', () => {
  assert.equal(tokenize('Stra-\n  ßenbau, Pla-\nnung, Nord-\nSüd, E-Mail'), ['Straßenbau', 'Planung', 'Nord', 'Süd', 'E-Mail'])
  assert.equal(tokenize('14.03.2007 Ende.Der'), ['14-03-2007', 'Ende', 'Der'])
})

test('soft hyphens inside words are ignored', () => {
  assert.equal(tokenize('Bau\u00adgenehmigung'), ['Baugenehmigung'])
})

test.run()
