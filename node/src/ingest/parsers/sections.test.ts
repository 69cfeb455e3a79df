import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { isSectionHeading, textToBlocks } from './sections.ts'

test('section titles of German statutes are recognised', () => {
  const titles = ['§ 3 Gebühren', '§ 12a Inkrafttreten', '§12 Fälligkeit', '§ 4. Übergangsregelung', '§ 7 (weggefallen)', '§ 5']
  titles.push('§ 2Grundsätze der Zusammenarbeit')
  for (const line of titles) {
    assert.ok(isSectionHeading(line), line)
  }
})

test('citations of a § inside running text are not section titles', () => {
  const citations = [
    '§ 3 Abs. 2 gilt entsprechend.',
    '§ 3 der Satzung bleibt unberührt',
    '§ 34 BauGB ist anzuwenden',
    '§§ 3 und 4 gelten entsprechend',
    '§ 3 Satz 2 findet Anwendung',
    `§ 3 ${'sehr '.repeat(40)}lange Zeile`,
    'Gemäß § 3 Gebühren',
    '§ 4 Ausnahmen und Befreiungen ........................ 5',
  ]
  for (const line of citations) assert.not.ok(isSectionHeading(line), line)
})

test('raw text becomes paragraphs cut at § titles, with hard wraps and hyphenation undone', () => {
  const text = [
    'Präambel der Satzung.',
    '',
    '§ 1 Geltungsbereich',
    'Diese Satzung gilt für alle Straßen-',
    'reinigungsbezirke der',
    'Gemeinde.',
    '§ 2',
    'Gebühren',
    '§ 3Fälligkeit',
    'Die Gebühr beträgt 3 €.',
  ].join('\n')
  assert.equal(textToBlocks(text, 4), [
    { kind: 'paragraph', text: 'Präambel der Satzung.', page: 4 },
    { kind: 'heading', level: 2, text: '§ 1 Geltungsbereich', page: 4 },
    { kind: 'paragraph', text: 'Diese Satzung gilt für alle Straßenreinigungsbezirke der Gemeinde.', page: 4 },
    { kind: 'heading', level: 2, text: '§ 2 Gebühren', page: 4 },
    { kind: 'heading', level: 2, text: '§ 3 Fälligkeit', page: 4 },
    { kind: 'paragraph', text: 'Die Gebühr beträgt 3 €.', page: 4 },
  ])
})

test('bullet lines stay a list', () => {
  assert.equal(textToBlocks('- Gehwege\n- Fußgängerzonen'), [{ kind: 'list', text: '- Gehwege\n- Fußgängerzonen' }])
})

test.run()
