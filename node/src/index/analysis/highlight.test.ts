import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { highlightRanges, makeSnippet } from './highlight.ts'

const marked = (text: string, ranges: Array<[number, number]>): string[] => ranges.map(([s, e]) => text.slice(s, e))

test('highlights the words that match, in any inflection and inside compounds', () => {
  const text = 'Die Gebühren für das Baugenehmigungsverfahren werden nach der Satzung erhoben.'
  assert.equal(marked(text, highlightRanges(text, 'Gebühr Verfahren')), ['Gebühren', 'Baugenehmigungsverfahren'])
  assert.equal(highlightRanges(text, 'Hundesteuer'), [])
})

test('highlights follow umlaut folding and line-end hyphenation', () => {
  const text = 'Herr Müller wohnt in der Goethestraße; der Pla-\nnungsausschuss tagt.'
  const ranges = highlightRanges(text, 'Mueller Strasse Planungsausschuss')
  assert.equal(marked(text, ranges), ['Müller', 'Goethestraße', 'Pla-\nnungsausschuss'])
})

test('a snippet shows the best window with highlights relative to the snippet', () => {
  const filler = 'Allgemeine Vorbemerkungen ohne Bezug. '.repeat(40)
  const text = `${filler}Die Hundesteuer beträgt 120 Euro je Hund und Jahr. ${filler}`
  const snippet = makeSnippet(text, 'Hundesteuer Hund', 120)
  assert.ok(snippet.text.length <= 120, `snippet of ${snippet.text.length} chars`)
  assert.ok(snippet.text.startsWith('…') && snippet.text.endsWith('…'), 'cut on both sides')
  assert.ok(snippet.text.includes('Die Hundesteuer beträgt 120 Euro je Hund'))
  assert.equal(marked(snippet.text, snippet.highlights), ['Hundesteuer', 'Hund'])
})

test('a short text is its own snippet; no match gives the beginning', () => {
  const short = 'Kurze Notiz zur Hundesteuer.'
  assert.equal(makeSnippet(short, 'Hundesteuer', 200), { text: short, highlights: [[16, 27]] })
  const long = `Anfang des Textes. ${'Weiterer Inhalt folgt hier. '.repeat(20)}`
  const snippet = makeSnippet(long, 'Hundesteuer', 60)
  assert.ok(snippet.text.startsWith('Anfang des Textes.'))
  assert.equal(snippet.highlights, [])
})

test.run()
