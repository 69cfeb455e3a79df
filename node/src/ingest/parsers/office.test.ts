import '../../polyfill.ts'
import { burn } from '@kenjiuno/msgreader/lib/Burner.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { docx, failureOf, odf, options, pptx, texts, xlsx, zip } from './fixtures.ts'
import { parseDocument } from './index.ts'

const rows = (doc: { blocks: { kind: string; level?: number; page?: number; text: string }[] }) =>
  doc.blocks.map((b) => [b.kind, b.level, b.page, b.text])

test('DOCX: headings with levels, § paragraphs, lists and tables, core properties', async () => {
  const doc = await parseDocument(await docx(), 'satzung.docx', options())
  assert.equal(
    doc.blocks.map((b) => [b.kind, b.level, b.text]),
    [
      ['heading', 1, 'Satzung über die Straßenreinigung'],
      ['heading', 2, 'Allgemeines'],
      ['heading', 2, '§ 1 Geltungsbereich'],
      ['paragraph', undefined, 'Diese Satzung gilt für alle öffentlichen Straßen, Wege und Plätze.'],
      ['list', undefined, '- Gehwege vor Grundstücken\n- Fußgängerzonen'],
      ['table', undefined, 'Leistung | Gebühr\nStraßenreinigung | 12,50 €'],
    ],
  )
  assert.is(doc.metadata.title, 'Satzung über die Straßenreinigung')
  assert.is(doc.metadata.author, 'Jörg Müller')
})

test('DOCX cut off in transfer is corrupt', async () => {
  const whole = await docx()
  const err = await failureOf(parseDocument(whole.subarray(0, Math.floor(whole.length / 2)), 'satzung.docx', options()))
  assert.is(err.name, 'ParseError')
  assert.is(err.reason, 'corrupt')
})

test('password-protected Office file (OLE with EncryptedPackage) is encrypted', async () => {
  const stream = (name: string) => ({ name, type: 2, length: 8, binaryProvider: () => new Uint8Array(8) })
  const ole = burn([{ name: 'Root Entry', type: 5, length: 0, children: [1, 2] }, stream('EncryptionInfo'), stream('EncryptedPackage')])
  for (const name of ['bericht.docx', 'tabelle.xlsx', 'folien.pptx']) {
    assert.is((await failureOf(parseDocument(ole, name, options()))).reason, 'encrypted', name)
  }
})

test('XLSX: each sheet a section with its name, rows as " | " lines, dates and formula results', async () => {
  const doc = await parseDocument(await xlsx(), 'gebuehren.xlsx', options())
  assert.equal(rows(doc), [
    ['heading', 1, 1, 'Gebühren'],
    ['table', undefined, 1, 'Leistung | Betrag | Gültig ab\nMüllabfuhr | 120.5 | 01.01.2024\nStraßenreinigung | 241'],
    ['heading', 1, 2, 'Übersicht'],
    ['table', undefined, 2, 'Zuständig | Bürgerbüro'],
  ])
  assert.is(doc.metadata.title, 'Gebührenübersicht')
})

test('PPTX: one page per slide in presentation order, slide titles as headings', async () => {
  const doc = await parseDocument(pptx(), 'vortrag.pptx', options())
  assert.equal(rows(doc), [
    ['heading', 1, 1, 'Bürgerbeteiligung'],
    ['paragraph', undefined, 1, 'Öffentliche Auslegung für vier Wochen'],
    ['paragraph', undefined, 1, 'Anhörung der Träger'],
    ['heading', 1, 2, 'Nächste Schritte'],
    ['paragraph', undefined, 2, 'Beschluss im Gemeinderat'],
  ])
  assert.equal(doc.metadata, { title: 'Bauleitplanung', author: 'Jörg Müller' })
})

const cell = (t: string) => `<table:table-cell><text:p>${t}</text:p></table:table-cell>`
const row = (...cells: string[]) => `<table:table-row>${cells.map(cell).join('')}</table:table-row>`
const item = (t: string) => `<text:list-item><text:p>${t}</text:p></text:list-item>`

test('ODT: outline headings, § paragraphs, spaces, lists, tables; tracked deletions left out', async () => {
  const body = [
    '<text:h text:outline-level="1">Niederschrift der Ratssitzung</text:h>',
    '<text:p>§ 3 Gebühren</text:p>',
    '<text:p>Die Gebühr beträgt<text:s text:c="3"/>zwölf Euro',
    '<text:tracked-changes><text:p>gelöschter Entwurf</text:p></text:tracked-changes>.</text:p>',
    `<text:list>${item('Änderung der Hauptsatzung')}${item('Verschiedenes')}</text:list>`,
    `<table:table table:name="Abstimmung">${row('Ja', 'Nein')}${row('12', '3')}</table:table>`,
  ].join('')
  const doc = await parseDocument(odf('text', body, 'Niederschrift'), 'niederschrift.odt', options())
  assert.equal(
    doc.blocks.map((b) => [b.kind, b.level, b.text]),
    [
      ['heading', 1, 'Niederschrift der Ratssitzung'],
      ['heading', 2, '§ 3 Gebühren'],
      ['paragraph', undefined, 'Die Gebühr beträgt zwölf Euro.'],
      ['list', undefined, '- Änderung der Hauptsatzung\n- Verschiedenes'],
      ['table', undefined, 'Ja | Nein\n12 | 3'],
    ],
  )
  assert.equal(doc.metadata, { title: 'Niederschrift', author: 'Jörg Müller', date: '2024-03-05T10:00:00' })
})

test('ODS: sheets as sections; a row padded to 16384 repeated empty columns costs nothing', async () => {
  const gap = '<table:table-cell table:number-columns-repeated="2"/>'
  const body = [
    `<table:table table:name="Gebühren"><table:table-row>${cell('Leistung')}${gap}${cell('Betrag')}`,
    '<table:table-cell table:number-columns-repeated="16380"/></table:table-row>',
    `<table:table-row>${cell('Müllabfuhr')}${gap}${cell('120')}</table:table-row>`,
    '<table:table-row table:number-rows-repeated="1048000">',
    '<table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>',
    `<table:table table:name="Übersicht">${row('Bürgerbüro')}</table:table>`,
  ].join('')
  const doc = await parseDocument(odf('spreadsheet', body), 'gebuehren.ods', options())
  assert.equal(rows(doc), [
    ['heading', 1, 1, 'Gebühren'],
    ['table', undefined, 1, 'Leistung |  |  | Betrag\nMüllabfuhr |  |  | 120'],
    ['heading', 1, 2, 'Übersicht'],
    ['table', undefined, 2, 'Bürgerbüro'],
  ])
})

test('ODP: one page per slide, title frames as headings', async () => {
  const frame = (text: string, cls = '') =>
    `<draw:frame${cls ? ` presentation:class="${cls}"` : ''}><draw:text-box><text:p>${text}</text:p></draw:text-box></draw:frame>`
  const body = [
    `<draw:page>${frame('Bürgerbeteiligung', 'title')}${frame('Öffentliche Auslegung')}</draw:page>`,
    `<draw:page>${frame('Nächste Schritte')}</draw:page>`,
  ].join('')
  const doc = await parseDocument(odf('presentation', body), 'vortrag.odp', options())
  assert.equal(rows(doc), [
    ['heading', 1, 1, 'Bürgerbeteiligung'],
    ['paragraph', undefined, 1, 'Öffentliche Auslegung'],
    ['paragraph', undefined, 2, 'Nächste Schritte'],
  ])
})

test('ODF saved with a password is encrypted; ODT without content.xml is corrupt', async () => {
  const manifest = [
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">',
    '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry>',
    '</manifest:manifest>',
  ].join('')
  const locked = zip({ mimetype: 'application/vnd.oasis.opendocument.text', 'content.xml': 'binär', 'META-INF/manifest.xml': manifest })
  assert.is((await failureOf(parseDocument(locked, 'geheim.odt', options()))).reason, 'encrypted')
  const empty = zip({ mimetype: 'application/vnd.oasis.opendocument.text' })
  assert.is((await failureOf(parseDocument(empty, 'leer.odt', options()))).reason, 'corrupt')
})

test('office text is found even when the file carries the wrong extension', async () => {
  const doc = await parseDocument(await docx(), 'anhang.bin', options())
  assert.ok(texts(doc.blocks).includes('Allgemeines'))
})

test.run()
