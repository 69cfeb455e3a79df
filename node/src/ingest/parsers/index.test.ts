import '../../polyfill.ts'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_PARSE_LIMITS } from '../types.ts'
import { EML, docx, failureOf, odf, options, pdf, pptx, xlsx, zip } from './fixtures.ts'
import { detectFormat, parseDocument, SUPPORTED_EXTENSIONS } from './index.ts'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

test('detectFormat trusts the bytes over the name', async () => {
  assert.is(detectFormat(await pdf((d) => d.text('x')), 'rechnung.txt'), 'pdf')
  assert.is(detectFormat(await docx(), 'anhang.zip'), 'docx')
  assert.is(detectFormat(await xlsx(), 'liste'), 'xlsx')
  assert.is(detectFormat(pptx(), 'folien.zip'), 'pptx')
  assert.is(detectFormat(odf('spreadsheet', ''), 'tabelle.zip'), 'ods')
  assert.is(detectFormat(zip({ 'a.txt': 'a' }), 'paket.docx'), 'zip')
  assert.is(detectFormat(utf8('{\\rtf1 Hallo}'), 'brief.doc'), 'rtf')
})

test('detectFormat falls back to the extension, then sniffs mail and HTML', () => {
  assert.is(detectFormat(utf8('Hallo'), 'NOTIZ.TXT'), 'txt')
  assert.is(detectFormat(utf8('# Titel'), 'readme.md'), 'markdown')
  assert.is(detectFormat(utf8(EML), 'nachricht'), 'eml')
  assert.is(detectFormat(utf8('<!DOCTYPE html><html></html>'), 'seite'), 'html')
  assert.is(detectFormat(utf8('irgendwas'), 'bild.png'), null)
  assert.is(detectFormat(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'alt.doc'), null)
  for (const ext of ['pdf', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'rtf', 'html', 'txt', 'md', 'eml', 'msg', 'zip']) {
    assert.ok(SUPPORTED_EXTENSIONS.includes(ext), ext)
  }
})

test('files over maxFileBytes are too_large before any parsing', async () => {
  const limits = { ...DEFAULT_PARSE_LIMITS, maxFileBytes: 10 }
  const err = await failureOf(parseDocument(utf8('Dieser Text ist zu lang'), 'a.txt', options({ limits })))
  assert.is(err.name, 'ParseError')
  assert.is(err.reason, 'too_large')
})

test('unknown formats and binary files with a text name are unsupported', async () => {
  assert.is((await failureOf(parseDocument(utf8('GIF89a'), 'bild.gif', options()))).reason, 'unsupported')
  const binary = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x49, 0x48])
  assert.is((await failureOf(parseDocument(binary, 'bild.txt', options()))).reason, 'unsupported')
})

test('every parser turns garbage into a ParseError, never a library error', async () => {
  const garbage = Uint8Array.from({ length: 2048 }, (_, i) => (i * 7919) % 251)
  const extensions = ['pdf', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'rtf', 'html', 'txt', 'md', 'eml', 'msg', 'zip']
  for (const name of extensions.map((ext) => `a.${ext}`)) {
    try {
      await parseDocument(garbage, name, options())
    } catch (err) {
      assert.is((err as Error).name, 'ParseError', name)
    }
  }
})

test('an aborted signal stops parsing with AbortError', async () => {
  const controller = new AbortController()
  controller.abort()
  const err = await failureOf(parseDocument(await docx(), 'a.docx', options({ signal: controller.signal })))
  assert.is(err.name, 'AbortError')
})

test.run()
