import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { answerParagraphs } from './answer.ts'
import { principalLabel, splitList } from './format.ts'
import { segments } from './highlight.ts'
import { locateQuote } from './passage.ts'
import { SseParser } from './sse.ts'

test('segments mark the ranges and survive unsorted, overlapping and out-of-range highlights', () => {
  assert.equal(segments('Hundesteuer 60 Euro', [[0, 11]]), [
    { text: 'Hundesteuer', mark: true },
    { text: ' 60 Euro', mark: false },
  ])
  const messy = segments('abcdef', [
    [4, 99],
    [1, 3],
    [2, 4],
    [5, 2],
  ])
  assert.is(messy.map((s) => s.text).join(''), 'abcdef', 'no text lost or doubled')
  assert.equal(
    messy.filter((s) => s.mark).map((s) => s.text),
    ['bc', 'd', 'ef'],
  )
  assert.equal(segments('', undefined), [{ text: '', mark: false }])
})

test('a citation quote is found in the document despite folded whitespace, ellipses and bold marks', () => {
  const text = 'Einleitung.\n\n§ 15 Urnengrabstätten\n  Urnengrabstätten sind   Grabstätten für Urnen.\nEnde.'
  const range = locateQuote(text, '… **Urnengrabstätten** sind Grabstätten für Urnen. …')
  assert.ok(range !== null)
  assert.is(text.slice(range.start, range.end), 'Urnengrabstätten sind   Grabstätten für Urnen.')
  const joined = locateQuote(text, 'Einleitung. … Urnengrabstätten sind Grabstätten für Urnen.')
  assert.is(text.slice(joined?.start, joined?.end), 'Urnengrabstätten sind   Grabstätten für Urnen.', 'the longest piece wins')
  assert.is(locateQuote(text, 'steht nicht im Dokument'), null)
})

test('SSE events are parsed across chunk boundaries; heartbeats are ignored', () => {
  const parser = new SseParser()
  assert.equal(parser.push('event: token\ndata: {"text":"Hal'), [])
  assert.equal(parser.push('lo"}\n\n: heartbeat\n\nevent: done\r\ndata: {"a":1}\r\n\r\n'), [
    { event: 'token', data: '{"text":"Hallo"}' },
    { event: 'done', data: '{"a":1}' },
  ])
  assert.equal(parser.push('data: a\ndata: b\n\n'), [{ event: 'message', data: 'a\nb' }])
})

test('answers become paragraphs with citation buttons only for numbers that were cited', () => {
  const [first, second] = answerParagraphs('Die Gebühr beträgt 880 € [1, 2].\n\nSiehe **Tabelle** [7].', new Set([1, 2]))
  assert.equal(first, [
    { kind: 'text', text: 'Die Gebühr beträgt 880 € ' },
    { kind: 'cite', n: 1 },
    { kind: 'cite', n: 2 },
    { kind: 'text', text: '.' },
  ])
  assert.equal(second, [
    { kind: 'text', text: 'Siehe ' },
    { kind: 'strong', text: 'Tabelle' },
    { kind: 'text', text: ' [7].' },
  ])
})

test('list input is split, trimmed and deduplicated; principals read as people read them', () => {
  assert.equal(splitList(' Satzungen, bauamt,,Satzungen ,Bauamt '), ['Satzungen', 'bauamt'])
  assert.equal(splitList('eins\nzwei, drei', /\n/), ['eins', 'zwei, drei'])
  assert.is(principalLabel('*', 'alle'), 'alle')
  assert.is(principalLabel('group:bauamt', 'alle'), 'bauamt')
})

test.run()
