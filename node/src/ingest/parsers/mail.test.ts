import '../../polyfill.ts'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_PARSE_LIMITS } from '../types.ts'
import { EML, failureOf, MSG_REQUEST, msg, options, texts } from './fixtures.ts'
import { parseDocument } from './index.ts'

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const decode = (d: Uint8Array): string => new TextDecoder().decode(d)

test('EML: encoded headers and quoted-printable umlauts decode; attachment becomes a child', async () => {
  const doc = await parseDocument(utf8(EML), 'nachricht.eml', options())
  assert.is(doc.metadata.title, 'Gebühren für Straßenreinigung')
  assert.ok(doc.metadata.from?.includes('Jörg Müller'))
  assert.equal(doc.metadata.to, ['buergerbuero@example.org'])
  assert.is(doc.metadata.date, '2024-03-05T09:15:00.000Z')
  assert.equal(
    doc.blocks.map((b) => [b.kind, b.text]),
    [
      ['heading', 'Gebühren für Straßenreinigung'],
      ['header', 'Von: "Jörg Müller" <joerg.mueller@example.org>\nAn: buergerbuero@example.org\nDatum: 2024-03-05'],
      ['paragraph', 'Sehr geehrte Damen und Herren,'],
      ['paragraph', 'die Gebühren für die Straßenreinigung steigen ab März. Bitte prüfen Sie den Bescheid.'],
      ['quote', 'Ursprüngliche Anfrage zur Gebühr'],
    ],
  )
  assert.equal(doc.children.map((c) => [c.name, decode(c.data)]), [['Anlage.txt', 'Übersicht der Gebühren für 2024']])
  assert.is(doc.mime, 'message/rfc822')
})

test('EML with only an HTML body is read as structured text', async () => {
  const mail = [
    'From: info@example.org',
    'Subject: Einladung',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<html><body><h2>Tagesordnung</h2><ol><li>Begrüßung</li><li>Haushalt</li></ol></body></html>',
  ].join('\r\n')
  const doc = await parseDocument(utf8(mail), 'einladung', options())
  assert.equal(texts(doc.blocks).slice(2), ['Tagesordnung', '- Begrüßung\n- Haushalt'])
})

test('mail nested deeper than the limit keeps its text but drops its attachments', async () => {
  const deep = options({ depth: DEFAULT_PARSE_LIMITS.maxZipDepth })
  const doc = await parseDocument(utf8(EML), 'weitergeleitet.eml', deep)
  assert.is(doc.children.length, 0)
  assert.ok(texts(doc.blocks).includes('Gebühren für Straßenreinigung'))
})

test('MSG: subject, sender, recipients, body and attachment', async () => {
  const doc = await parseDocument(msg(), 'antrag.msg', options())
  assert.is(doc.metadata.title, 'Antrag auf Gebührenermäßigung')
  assert.is(doc.metadata.from, 'Jörg Müller <joerg.mueller@example.org>')
  assert.equal(doc.metadata.to, ['buergerbuero@example.org'])
  assert.equal(texts(doc.blocks, 'paragraph'), ['Sehr geehrte Damen und Herren,', MSG_REQUEST])
  assert.equal(doc.children.map((c) => [c.name, decode(c.data)]), [['Gebühren.txt', 'Übersicht der Gebühren für 2024']])
})

test('MSG that is not an Outlook file inside is corrupt', async () => {
  const err = await failureOf(parseDocument(utf8('kein Outlook'), 'kaputt.msg', options()))
  assert.is(err.reason, 'corrupt')
})

test.run()
