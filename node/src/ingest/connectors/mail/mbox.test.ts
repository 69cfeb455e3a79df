import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { SourceItem } from '../../types.ts'
import { changeProbe } from './change-probe.ts'
import { createMailConnector } from './index.ts'

let dir = ''
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wn-mbox-'))
})
test.after(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function scanAll(location: string, options: { owner?: string; delegates?: string[] } = { owner: 'mueller' }): Promise<SourceItem[]> {
  const items: SourceItem[] = []
  for await (const item of createMailConnector({ location, ...options }).scan(new AbortController().signal)) items.push(item)
  return items
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8')

// As written by an mboxrd writer: a body line "From …" is stored as ">From …", ">From" as ">>From".
const first = [
  'Message-ID: <a1@rathaus.example>',
  'Date: Mon, 6 Mar 2023 09:15:00 +0100',
  'From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <mueller@rathaus.example>',
  'Subject: =?UTF-8?Q?Stra=C3=9Fenreinigung_Geb=C3=BChren?=',
  '',
  'Guten Tag,',
  '',
  'From the minutes of the council:',
  '>From quoted earlier',
  '',
].join('\n')
const firstStored = first.replace('\nFrom the minutes', '\n>From the minutes').replace('\n>From quoted', '\n>>From quoted')
const second = ['Message-ID: <b2@rathaus.example>', 'Date: Tue, 7 Mar 2023 10:00:00 +0100 (CET)', 'Subject: Haushalt', '', 'Zweite.', '']
  .join('\n')
const third = ['Date: Wed, 8 Mar 2023 11:30:00 +0100', 'Subject: ohne Message-ID', '', 'Dritte Nachricht, ohne Kennung.', ''].join('\n')
const fourth = ['Message-ID: <d4@rathaus.example>', 'Date: Thu, 9 Mar 2023 12:00:00 +0100', 'Subject: Nachtrag', '', 'Vierte.', '']
  .join('\n')

const postmark = (n: number): string => `From sender${n}@rathaus.example Mon Mar  6 09:15:0${n} 2023\n`
const mbox = (...messages: string[]): string => messages.map((m, i) => `${postmark(i + 1)}${m}\n`).join('')

test('mbox: three messages, mboxrd escaping undone, umlaut headers untouched, owner principal', async () => {
  const file = join(dir, 'Posteingang.mbox')
  await writeFile(file, mbox(firstStored, second, third))
  const items = await scanAll(file, { owner: 'mueller', delegates: ['schmidt'] })
  assert.is(items.length, 3)
  assert.ok(items.every((i) => i.fileName.endsWith('.eml')))
  assert.equal(items[0]?.principals, ['user:mueller', 'user:schmidt'])

  const bytes = await items[0]?.read()
  assert.ok(bytes)
  assert.is(text(bytes), first)
  assert.is(items[0]?.size, Buffer.byteLength(first))
  assert.ok(text(bytes).includes('=?ISO-8859-1?Q?J=FCrgen_M=FCller?='))
  assert.is(text((await items[1]?.read()) ?? new Uint8Array()), second)
  assert.is(text((await items[2]?.read()) ?? new Uint8Array()), third)
  assert.is(items[1]?.mtimeMs, Date.parse('2023-03-07T10:00:00+01:00'))
})

test('mbox: paths stay the same when a message is appended', async () => {
  const file = join(dir, 'stabil.mbox')
  await writeFile(file, mbox(firstStored, second, third))
  const before = (await scanAll(file)).map((i) => i.path)
  await appendFile(file, `${postmark(4)}${fourth}\n`)
  const afterItems = await scanAll(file)
  assert.is(afterItems.length, 4)
  assert.equal(afterItems.slice(0, 3).map((i) => i.path), before)
  assert.ok(before.every((p) => p.startsWith('stabil.mbox#')))
  assert.is(new Set(afterItems.map((i) => i.path)).size, 4)
  assert.is(text((await afterItems[3]?.read()) ?? new Uint8Array()), fourth)
})

test('mbox: a malformed message does not stop the scan', async () => {
  const file = join(dir, 'kaputt.mbox')
  const binary = Buffer.from([0, 0xff, 0xfe, 0x0a])
  const junk = Buffer.concat([Buffer.from('kein Header, nur Müll\n'), binary, Buffer.from('Date: kein Datum\n')])
  const head = Buffer.from(`${postmark(1)}${second}\n${postmark(2)}`)
  await writeFile(file, Buffer.concat([head, junk, Buffer.from(`\n${postmark(3)}${fourth}\n`)]))
  const items = await scanAll(file)
  assert.is(items.length, 3)
  assert.equal(Buffer.from((await items[1]?.read()) ?? new Uint8Array()), junk)
  // no usable Date header: the separator line's date stands in
  assert.is(items[1]?.mtimeMs, new Date(2023, 2, 6, 9, 15, 2).getTime())
  assert.is(text((await items[2]?.read()) ?? new Uint8Array()), fourth)
})

test('mbox: a file rewritten after the scan is reported, not misread', async () => {
  const file = join(dir, 'umgeschrieben.mbox')
  await writeFile(file, mbox(second, fourth))
  const items = await scanAll(file)
  await writeFile(file, mbox(fourth))
  try {
    await items[1]?.read()
    assert.unreachable('read should fail')
  } catch (error) {
    assert.is((error as { code?: string }).code, 'parse_read_failed')
  }
})

test('mbox: large file read in chunks, CRLF lines and an overlong line keep every message intact', async () => {
  const file = join(dir, 'gross.mbox')
  const messages: string[] = []
  for (let n = 1; n <= 400; n += 1) {
    const body = n === 200 ? 'x'.repeat(300 * 1024) : `Zeile ${n} `.repeat(600)
    messages.push(`Message-ID: <m${n}@rathaus.example>\r\nSubject: Nr. ${n}\r\n\r\n${body}\r\n>From escaped ${n}\r\n`)
  }
  await writeFile(file, messages.map((m) => `From a@b Sat Jan  1 00:00:00 2022\r\n${m}\r\n`).join(''))
  const items = await scanAll(file, { owner: 'mueller' })
  assert.is(items.length, 400)
  for (const index of [0, 199, 399]) {
    const bytes = text((await items[index]?.read()) ?? new Uint8Array())
    assert.is(bytes, messages[index]?.replace('>From escaped', 'From escaped'))
    assert.is(items[index]?.size, Buffer.byteLength(bytes))
  }
})

test('mbox: an appended message makes the watcher ask for a rescan of the whole file', async () => {
  const file = join(dir, 'beobachtet.mbox')
  await writeFile(file, mbox(second))
  const probe = changeProbe()
  const stop = await createMailConnector({ location: file, owner: 'mueller' }).watch?.(probe.onChange)
  try {
    await appendFile(file, `${postmark(2)}${fourth}\n`)
    // offsets of later messages may have moved: no single paths, a full rescan
    await probe.until((batches) => batches.includes(undefined))
  } finally {
    await stop?.()
  }
})

test.run()
