import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { GermanAnalyzer } from './analyzer.ts'

const analyzer = new GermanAnalyzer()
const indexTerms = (text: string): Set<string> => new Set(analyzer.analyzeForIndex(text))
/** true when a document with `text` contains a term of `query`, the way the lexical index matches */
const finds = (query: string, text: string): boolean => {
  const terms = indexTerms(text)
  return analyzer.analyzeQuery(query).some((t) => terms.has(t))
}
/** the main term (stem) of one word */
const stem = (word: string): string => analyzer.analyzeQuery(word)[0] as string

test('umlauts and ß are folded: Straße = Strasse, Müller = Mueller', () => {
  assert.is(stem('Straße'), stem('Strasse'))
  assert.is(stem('Müller'), stem('Mueller'))
  assert.is(stem('Gebühr'), stem('Gebuehr'))
  assert.is.not(stem('neue'), stem('nue'), 'a diphthong "eu" + "e" is not an umlaut')
})

test('inflected forms share a stem: Gebühren/Gebühr, Städte/Stadt', () => {
  assert.is(stem('Gebühren'), stem('Gebühr'))
  assert.is(stem('Städte'), stem('Stadt'))
  assert.is(stem('Verfahrens'), stem('Verfahren'))
})

test('a compound is found by its parts and its parts by the compound', () => {
  assert.ok(finds('Verfahren', 'Das Baugenehmigungsverfahren dauert.'))
  assert.ok(finds('Baugenehmigung', 'Das Baugenehmigungsverfahren dauert.'))
  assert.ok(finds('Genehmigung', 'Die Baugenehmigung liegt vor.'))
  assert.ok(finds('Baugenehmigungsverfahren', 'Die Baugenehmigung liegt vor.'))
  assert.ok(finds('Baugenehmigungsverfahren', 'Das Verfahren ruht.'))
  assert.ok(finds('Tagesordnung', 'Die Ordnung der Sitzung'), 'linking element -es-')
  assert.ok(finds('Arbeitsamt', 'Das Amt ist geschlossen'), 'linking element -s-')
})

test('compound parts are a separate stream from the words', () => {
  const fields = analyzer.analyzeFields('Baugenehmigungsverfahren Karlsruhe')
  assert.equal(fields.words, [stem('Baugenehmigungsverfahren'), stem('Karlsruhe')])
  assert.ok(fields.parts.includes(stem('Verfahren')))
  assert.equal(fields.exact, ['baugenehmigungsverfahren', 'karlsruhe'])
})

test('dictionary words and words that are no compounds are not split', () => {
  assert.not.ok(finds('Ruhe', 'Stadt Karlsruhe'), 'Karlsruhe is not Karl + Ruhe')
  assert.not.ok(finds('Samt', 'Das Arbeitsamt'), 'Arbeitsamt is not Arbeit + Samt')
  assert.not.ok(finds('Lage', 'Die Vorlage'), 'Vorlage: "vor" is a stopword, never a part')
})

test('stopwords are dropped, unless the query has nothing else', () => {
  assert.equal(analyzer.analyzeQuery('der die das und oder'), ['der', 'die', 'das', 'und', 'oder'])
  assert.not.ok(analyzer.analyzeQuery('Die Satzung der Stadt').includes('die'))
  assert.equal(analyzer.analyzeForIndex('und oder aber'), [])
})

test('file numbers and dates stay searchable as a whole and in pieces', () => {
  assert.ok(finds('8079/2026', 'Aktenzeichen 8079/2026'))
  const terms = indexTerms('Vorlage Nr. 8079/2026 vom 14.03.2007')
  assert.ok(terms.has('8079_2026'), 'the joined number')
  assert.ok(terms.has('8079') && terms.has('2026'), 'its pieces')
  assert.ok(terms.has('14_03_2007'))
  assert.not.ok(indexTerms('Aktenzeichen 8079/2026').has('8079_2025'), 'another file number is another joined term')
})

test('hyphenated words match their closed spelling; PDF line-end hyphenation is undone', () => {
  assert.ok(finds('Email', 'Bitte per E-Mail antworten'))
  assert.ok(finds('Stadtverwaltung', 'die Stadt-Verwaltung'))
  assert.ok(finds('Planungsausschuss', 'im Pla-\nnungsausschuss vorgestellt'))
  assert.not.ok(finds('Pla', 'im Pla-\nnungsausschuss vorgestellt'))
})

test('the same text always gives the same terms (the token cache does not change results)', () => {
  const text = 'Die Gebührensatzung der Verbandsgemeinde Mayen-Koblenz, Az. 12/2024.'
  const first = new GermanAnalyzer().analyzeForIndex(text)
  assert.equal(analyzer.analyzeForIndex(text), first)
  assert.equal(analyzer.analyzeForIndex(text), first)
})

test('analysing a document\'s spans at once gives what analysing each span alone gives', () => {
  const text = [
    'Die Gebührensatzung der Verbandsgemeinde Mayen-Koblenz, Az. 12/2024, gilt ab 01.01.2025.',
    'Im Pla-\nnungsausschuss wurde die E-Mail vom Bauamt besprochen; die Stadt-Verwaltung antwortet.',
    'Baugenehmigungsverfahren dauern in Karlsruhe etwa drei Monate.',
  ].join('\n\n')
  // chunks that overlap, spans that cut through words, hyphenated words, numbers and line-end hyphenation
  const spans = [
    { start: 0, end: 60 },
    { start: 40, end: 95 },
    { start: 52, end: 53 },
    { start: 92, end: 130 },
    { start: 95, end: 106 },
    { start: 100, end: text.length },
    { start: text.length, end: text.length },
  ]
  const fresh = new GermanAnalyzer()
  const expected = spans.map(({ start, end }) => {
    const fields = new GermanAnalyzer().analyzeFields(text.slice(start, end))
    return { words: fields.words.join(' '), parts: fields.parts.join(' '), exact: fields.exact.join(' ') }
  })
  const decoded = (): { title: string; spans: typeof expected } => {
    const { bytes, offsets } = fresh.encodeSpans(text, spans, 'titel_terme ä')
    const field = (i: number): string => new TextDecoder().decode(bytes.subarray(offsets[i], offsets[i + 1]))
    return { title: field(0), spans: spans.map((_, s) => ({ words: field(2 + 6 * s), parts: field(4 + 6 * s), exact: field(6 + 6 * s) })) }
  }
  assert.equal(decoded(), { title: 'titel_terme ä', spans: expected })
  assert.equal(decoded(), { title: 'titel_terme ä', spans: expected }, 'the same again, from the token table')
  assert.ok(expected[1]?.words.includes('12_2024'), 'the fixture exercises joined numbers')
})

test.run()
