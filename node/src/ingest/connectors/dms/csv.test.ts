import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseCsv } from './csv.ts'

test('semicolon CSV with quoted fields, doubled quotes and line breaks inside quotes', () => {
  const text = 'Datei;Betreff;Datum\r\na.pdf;"Antrag; Nord";01.02.2024\r\nb.pdf;"Er sagte ""ja""\nund ging";2024-02-02\r\n'
  const records = parseCsv(text)
  assert.equal(
    records.map((r) => r.cells),
    [
      ['Datei', 'Betreff', 'Datum'],
      ['a.pdf', 'Antrag; Nord', '01.02.2024'],
      ['b.pdf', 'Er sagte "ja"\nund ging', '2024-02-02'],
    ],
  )
  assert.equal(
    records.map((r) => r.line),
    [1, 2, 3],
  )
})

test('the delimiter is taken from the header line', () => {
  assert.equal(parseCsv('Datei,Betreff\nx.txt,"a; b"\n')[1]?.cells, ['x.txt', 'a; b'])
  assert.equal(parseCsv('Datei\tBetreff\nx.txt\ty\n')[1]?.cells, ['x.txt', 'y'])
})

test('an unclosed quote breaks only its own row', () => {
  const records = parseCsv('Datei;Betreff\na.pdf;"kaputt\nb.pdf;heil\n\nc.pdf;auch heil\n')
  assert.is(records[1]?.error, 'Anführungszeichen nicht geschlossen')
  assert.is(records[1]?.cells[0], 'a.pdf')
  assert.equal(records[2]?.cells, ['b.pdf', 'heil'])
  assert.equal(records[3], { line: 5, cells: ['c.pdf', 'auch heil'] })
})

test('a quote inside an unquoted value is an ordinary character', () => {
  assert.equal(parseCsv('Datei;Betreff\na.pdf;Antrag "Nord" 2024\n')[1]?.cells, ['a.pdf', 'Antrag "Nord" 2024'])
})

test.run()
