import '../../polyfill.ts'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { failureOf, options, texts } from './fixtures.ts'
import { parseDocument } from './index.ts'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

test('TXT: UTF-8 with BOM, § sections become headings', async () => {
  const text = '\uFEFFFriedhofssatzung\n\n§ 3 Gebühren\nDie Gebühr für Grabstätten beträgt 300 €.'
  const doc = await parseDocument(utf8(text), 'satzung.txt', options())
  assert.equal(texts(doc.blocks), ['Friedhofssatzung', '§ 3 Gebühren', 'Die Gebühr für Grabstätten beträgt 300 €.'])
  assert.is(doc.blocks[1]?.kind, 'heading')
  assert.is(doc.blocks[1]?.level, 2)
  assert.is(doc.mime, 'text/plain')
})

test('TXT: a windows-1252 file from a Windows share keeps its umlauts, € and quotes', async () => {
  // "Grün: 5 € „Sträße“" as Windows writes it: ü ä ß are Latin-1, € „ “ live in 0x80–0x9F
  const cp1252 = Uint8Array.from([
    0x47, 0x72, 0xfc, 0x6e, 0x3a, 0x20, 0x35, 0x20, 0x80, 0x20, 0x84, 0x53, 0x74, 0x72, 0xe4, 0xdf, 0x65, 0x93,
  ])
  const doc = await parseDocument(cp1252, 'notiz.txt', options())
  assert.equal(texts(doc.blocks), ['Grün: 5 € „Sträße“'])
})

test('TXT: UTF-16 with BOM (Windows Notepad "Unicode")', async () => {
  const data = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Bürgerbüro Öffnungszeiten', 'utf16le')]))
  const doc = await parseDocument(data, 'zeiten.txt', options())
  assert.equal(texts(doc.blocks), ['Bürgerbüro Öffnungszeiten'])
})

test('TXT: empty or blank file is no_text', async () => {
  const err = await failureOf(parseDocument(utf8(' \n\n \t'), 'leer.txt', options()))
  assert.is(err.reason, 'no_text')
})

test('Markdown: headings, lists, tables and quotes keep their structure', async () => {
  const md = [
    '# Geschäftsordnung',
    '',
    'Der **Ältestenrat** berät.',
    '',
    '## Sitzungen',
    '',
    '- öffentlich',
    '- nichtöffentlich',
    '',
    '| Gremium | Turnus |',
    '|---|---|',
    '| Rat | monatlich |',
    '',
    '> Zitat über Ämter',
  ].join('\n')
  const doc = await parseDocument(utf8(md), 'go.md', options())
  assert.equal(
    doc.blocks.map((b) => [b.kind, b.level, b.text]),
    [
      ['heading', 1, 'Geschäftsordnung'],
      ['paragraph', undefined, 'Der Ältestenrat berät.'],
      ['heading', 2, 'Sitzungen'],
      ['list', undefined, '- öffentlich\n- nichtöffentlich'],
      ['table', undefined, 'Gremium | Turnus\nRat | monatlich'],
      ['quote', undefined, 'Zitat über Ämter'],
    ],
  )
  assert.is(doc.metadata.title, 'Geschäftsordnung')
})

test('HTML: title, headings, paragraphs, lists and tables; scripts and styles dropped', async () => {
  const html = `<!doctype html><html><head><title>Gebühren &amp; Beiträge</title><style>p{color:red}</style>
    <script>var geheim = "nicht indexieren"</script></head><body><h1>Satzung</h1><p>§ 3 Gebühren</p>
    <p>Die Gebühr für <b>Straßen</b>reinigung beträgt 12&nbsp;€.</p><ul><li>Gehwege</li><li>Plätze</li></ul>
    <table><tr><th>Straße</th><th>Gebühr</th></tr><tr><td>Hauptstraße</td><td>12 €</td></tr></table></body></html>`
  const doc = await parseDocument(utf8(html), 'seite.html', options())
  assert.is(doc.metadata.title, 'Gebühren & Beiträge')
  assert.equal(
    doc.blocks.map((b) => [b.kind, b.text]),
    [
      ['heading', 'Satzung'],
      ['heading', '§ 3 Gebühren'],
      ['paragraph', 'Die Gebühr für Straßenreinigung beträgt 12 €.'],
      ['list', '- Gehwege\n- Plätze'],
      ['table', 'Straße | Gebühr\nHauptstraße | 12 €'],
    ],
  )
  assert.not.ok(doc.blocks.some((b) => b.text.includes('geheim') || b.text.includes('color')))
})

const RTF = String.raw`{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}{\colortbl;\red0\green0\blue0;}
{\stylesheet{\s0 Normal;}{\s1\outlinelevel0 heading 1;}{\s2 \'dcberschrift 2;}}
{\info{\title Geb\'fchrensatzung}{\author J\'f6rg M\'fcller}{\creatim\yr2024\mo3\dy5}}
\pard\s1 Satzung \'fcber Geb\'fchren\par
\pard\s2 Allgemeines\par
\pard \'a7 1 Geltungsbereich\par
\pard Die Stra\'dfenreinigung kostet 12 \'80 f\u252?r B\u252?rger.\par
\pard\intbl Stra\'dfe\cell Geb\'fchr\cell\row
\pard {\*\generator Writer 1.0}{\field{\*\fldinst HYPERLINK "https://example.org"}{\fldrslt Verkn\'fcpfung}}\par
{\pict\pngblip 89504e470d0a1a0a}}`

test('RTF: cp1252 escapes, \\u escapes, styles as headings, § titles, tables; font table and pictures skipped', async () => {
  const doc = await parseDocument(utf8(RTF), 'satzung.rtf', options())
  assert.equal(
    doc.blocks.map((b) => [b.kind, b.level, b.text]),
    [
      ['heading', 1, 'Satzung über Gebühren'],
      ['heading', 2, 'Allgemeines'],
      ['heading', 2, '§ 1 Geltungsbereich'],
      ['paragraph', undefined, 'Die Straßenreinigung kostet 12 € für Bürger.'],
      ['table', undefined, 'Straße | Gebühr'],
      ['paragraph', undefined, 'Verknüpfung'],
    ],
  )
  assert.equal(doc.metadata, { title: 'Gebührensatzung', author: 'Jörg Müller', date: '2024-03-05' })
})

test('RTF: a file that is not RTF inside is corrupt', async () => {
  const err = await failureOf(parseDocument(utf8('kein rtf'), 'brief.rtf', options()))
  assert.is(err.reason, 'corrupt')
})

test.run()
