import '../../polyfill.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_PARSE_LIMITS } from '../types.ts'
import { failureOf, missingOcrTools, options, pdf, scannedPdf, texts } from './fixtures.ts'
import { parseDocument } from './index.ts'
import { forgetOcrProbe } from './ocr.ts'

const SCOPE = 'Diese Satzung gilt für die Straßenreinigung in allen Ortsteilen der Gemeinde, einschließlich der Gehwege und Plätze.'

const statute = () =>
  pdf(
    (doc) => {
      doc.text('§ 1 Geltungsbereich')
      doc.text(SCOPE)
      doc.moveDown()
      doc.text('Zweiter Absatz über die Müllabfuhr.')
      doc.addPage()
      doc.text('§ 2')
      doc.text('Inkrafttreten')
      doc.text('Diese Satzung tritt am Tag nach der öffentlichen Bekanntmachung in Kraft.')
    },
    { info: { Title: 'Straßenreinigungssatzung', Author: 'Jörg Müller', CreationDate: new Date(Date.UTC(2024, 2, 5, 12)) } },
  )

test('PDF text layer: pages, paragraphs and § sections, with umlauts and metadata', async () => {
  const doc = await parseDocument(await statute(), 'satzung.pdf', options())
  assert.equal(
    doc.blocks.map((b) => [b.page, b.kind, b.text]),
    [
      [1, 'heading', '§ 1 Geltungsbereich'],
      [1, 'paragraph', SCOPE],
      [1, 'paragraph', 'Zweiter Absatz über die Müllabfuhr.'],
      [2, 'heading', '§ 2 Inkrafttreten'],
      [2, 'paragraph', 'Diese Satzung tritt am Tag nach der öffentlichen Bekanntmachung in Kraft.'],
    ],
  )
  assert.equal(doc.metadata, { title: 'Straßenreinigungssatzung', author: 'Jörg Müller', date: '2024-03-05' })
  assert.is(doc.ocrPages, 0)
  assert.is(doc.mime, 'application/pdf')
})

test('PDF with a user password is encrypted', async () => {
  const locked = await pdf((doc) => doc.text('Personalakte Müller'), { userPassword: 'geheim', ownerPassword: 'verwaltung' })
  const err = await failureOf(parseDocument(locked, 'akte.pdf', options()))
  assert.is(err.name, 'ParseError')
  assert.is(err.reason, 'encrypted')
})

test('PDF that is garbage behind its header, or cut off, is corrupt', async () => {
  const garbage = new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4000, 'x')]))
  assert.is((await failureOf(parseDocument(garbage, 'kaputt.pdf', options()))).reason, 'corrupt')
  const cut = (await statute()).subarray(0, 300)
  assert.is((await failureOf(parseDocument(cut, 'abgeschnitten.pdf', options()))).reason, 'corrupt')
})

const ocrMissing = missingOcrTools()
if (ocrMissing) console.log(`SKIP OCR test: ${ocrMissing}`)

;(ocrMissing ? test.skip : test)('scanned PDF without text layer is read by German OCR', async () => {
  const scan = await scannedPdf(['Bescheid über Gebühren', 'Die Straßenreinigung wird teurer.'])
  const doc = await parseDocument(scan, 'scan.pdf', options())
  const text = texts(doc.blocks).join(' ')
  assert.is(doc.ocrPages, 1)
  assert.ok(doc.blocks.every((b) => b.page === 1))
  assert.ok(/Gebühren/.test(text), `umlaut word expected in OCR text: ${text}`)
  assert.ok(/Straßenreinigung/.test(text), `ß word expected in OCR text: ${text}`)
  const capped = options({ limits: { ...DEFAULT_PARSE_LIMITS, maxOcrPages: 0 } })
  assert.is((await failureOf(parseDocument(scan, 'scan.pdf', capped))).reason, 'no_text', 'no page is OCR’d beyond maxOcrPages')
})

test('scanned PDF on a machine without tesseract is ocr_unavailable; with OCR switched off it is no_text', async () => {
  const scan = await pdf((doc) => doc.rect(50, 50, 200, 100).fill('#333333'))
  const emptyPath = await mkdtemp(join(tmpdir(), 'wissensnetz-nopath-'))
  const savedPath = process.env.PATH
  process.env.PATH = emptyPath
  forgetOcrProbe()
  try {
    assert.is((await failureOf(parseDocument(scan, 'scan.pdf', options()))).reason, 'ocr_unavailable')
  } finally {
    process.env.PATH = savedPath
    forgetOcrProbe()
    await rm(emptyPath, { recursive: true, force: true })
  }
  assert.is((await failureOf(parseDocument(scan, 'scan.pdf', options({ ocr: false })))).reason, 'no_text')
})

test.run()
