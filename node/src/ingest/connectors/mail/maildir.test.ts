import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Connector, SourceItem } from '../../types.ts'
import { changeProbe } from './change-probe.ts'
import { createMailConnector } from './index.ts'

let dir = ''
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wn-maildir-'))
})
test.after(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function scanAll(connector: Connector): Promise<SourceItem[]> {
  const items: SourceItem[] = []
  for await (const item of connector.scan(new AbortController().signal)) items.push(item)
  return items.sort((a, b) => a.path.localeCompare(b.path))
}

const message = (subject: string, date: string): string =>
  `Message-ID: <${subject}@rathaus.example>\nDate: ${date}\nSubject: ${subject}\n\nInhalt ${subject}\n`

async function makeMaildir(root: string): Promise<void> {
  for (const folder of ['', '.Sent', '.Archiv.2023', '.Entw&APw-rfe']) {
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(root, folder, sub), { recursive: true })
  }
  await writeFile(join(root, 'new', '1700000001.M1P1.host'), message('neu', 'Mon, 6 Mar 2023 09:15:00 +0100'))
  await writeFile(join(root, 'cur', '1700000002.M2P1.host:2,'), message('gelesen', 'Tue, 7 Mar 2023 09:15:00 +0100'))
  await writeFile(join(root, '.Sent', 'cur', '1700000003.M3P1.host:2,S'), message('gesendet', 'Wed, 8 Mar 2023 09:15:00 +0100'))
  await writeFile(join(root, '.Archiv.2023', 'cur', '1700000004.M4P1.host:2,S'), message('archiv', 'Thu, 9 Mar 2023 09:15:00 +0100'))
  await writeFile(join(root, '.Entw&APw-rfe', 'cur', '1700000005.M5P1.host:2,D'), message('entwurf', 'Fri, 10 Mar 2023 09:15:00 +0100'))
  // half-delivered and bookkeeping files are no messages
  await writeFile(join(root, 'tmp', '1700000009.M9P1.host'), 'halb')
  await writeFile(join(root, 'dovecot-uidlist'), '3 V1 N1\n')
}

test('Maildir: messages of cur/, new/ and Maildir++ folders, with readable mailbox names', async () => {
  const root = join(dir, 'Maildir')
  await makeMaildir(root)
  const items = await scanAll(createMailConnector({ location: root, owner: 'mueller' }))
  assert.equal(
    items.map((i) => i.path),
    [
      'Archiv/2023/1700000004.M4P1.host',
      'Entwürfe/1700000005.M5P1.host',
      'INBOX/1700000001.M1P1.host',
      'INBOX/1700000002.M2P1.host',
      'Sent/1700000003.M3P1.host',
    ],
  )
  assert.ok(items.every((i) => i.fileName.endsWith('.eml')))
  assert.ok(items.every((i) => i.principals?.join() === 'user:mueller'))
  const inbox = items.find((i) => i.path === 'INBOX/1700000001.M1P1.host')
  assert.is(inbox?.mtimeMs, Date.parse('2023-03-06T09:15:00+01:00'))
  assert.is(Buffer.from((await inbox?.read()) ?? new Uint8Array()).toString(), message('neu', 'Mon, 6 Mar 2023 09:15:00 +0100'))
})

test('Maildir: reading a message and flagging it keeps its path, and read() still finds it', async () => {
  const root = join(dir, 'Flags')
  await makeMaildir(root)
  const connector = createMailConnector({ location: root, owner: 'mueller' })
  const before = await scanAll(connector)
  // what a mail client does when the user opens the message
  await rename(join(root, 'new', '1700000001.M1P1.host'), join(root, 'cur', '1700000001.M1P1.host:2,S'))
  await rename(join(root, 'cur', '1700000002.M2P1.host:2,'), join(root, 'cur', '1700000002.M2P1.host:2,FS'))

  const stale = before.find((i) => i.path === 'INBOX/1700000001.M1P1.host')
  assert.ok(Buffer.from((await stale?.read()) ?? new Uint8Array()).toString().includes('Inhalt neu'))

  const afterItems = await scanAll(connector)
  assert.equal(
    afterItems.map((i) => i.path),
    before.map((i) => i.path),
  )
  assert.equal(
    afterItems.map((i) => i.mtimeMs),
    before.map((i) => i.mtimeMs),
  )
})

test('Maildir: a message deleted after the scan is a recorded read failure', async () => {
  const root = join(dir, 'Geloescht')
  await makeMaildir(root)
  const items = await scanAll(createMailConnector({ location: root, owner: 'mueller' }))
  await rm(join(root, '.Sent', 'cur', '1700000003.M3P1.host:2,S'))
  try {
    await items.find((i) => i.path === 'Sent/1700000003.M3P1.host')?.read()
    assert.unreachable('read should fail')
  } catch (error) {
    assert.is((error as { code?: string }).code, 'parse_read_failed')
  }
})

test('Maildir: the watcher reports a delivered message and a flag change by item path', async () => {
  const root = join(dir, 'Watch')
  await makeMaildir(root)
  const connector = createMailConnector({ location: root, owner: 'mueller' })
  const probe = changeProbe()
  const stop = await connector.watch?.(probe.onChange)
  assert.ok(stop)
  const changed = (path: string) => probe.until((batches) => batches.some((b) => b?.includes(path)))
  try {
    // delivery: written to tmp/, then moved to new/
    await writeFile(join(root, 'tmp', '1700000010.M10P1.host'), message('zugestellt', 'Sat, 11 Mar 2023 09:15:00 +0100'))
    await rename(join(root, 'tmp', '1700000010.M10P1.host'), join(root, 'new', '1700000010.M10P1.host'))
    await changed('INBOX/1700000010.M10P1.host')
    await rename(join(root, '.Sent', 'cur', '1700000003.M3P1.host:2,S'), join(root, '.Sent', 'cur', '1700000003.M3P1.host:2,FS'))
    await changed('Sent/1700000003.M3P1.host')
    assert.not.ok(probe.batches.some((b) => b?.some((p) => p.includes('tmp'))))
  } finally {
    await stop?.()
  }
})

test.run()
