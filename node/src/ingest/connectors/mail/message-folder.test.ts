import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { SourceItem } from '../../types.ts'
import { changeProbe } from './change-probe.ts'
import { createMailConnector } from './index.ts'

let dir = ''
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wn-emlfolder-'))
})
test.after(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function scanAll(location: string): Promise<SourceItem[]> {
  const items: SourceItem[] = []
  const connector = createMailConnector({ location, visibility: 'groups' })
  for await (const item of connector.scan(new AbortController().signal)) items.push(item)
  return items
}

const eml = [
  'Message-ID: <x@rathaus.example>',
  'Date: Fri, 3 Feb 2023 08:00:00 +0100',
  'Subject: =?UTF-8?Q?Bauantrag_Gr=C3=BCnstra=C3=9Fe?=',
  '',
  'Text',
  '',
].join('\r\n')
// Not a real Outlook message: the connector passes .msg bytes through untouched, so only the container's magic
// number matters here. Parsing real .msg files is tested with the parsers.
const msg = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504, 7)])

test('folder: .eml and .msg files found recursively, other files ignored, bytes unchanged', async () => {
  const root = join(dir, 'Ablage')
  await mkdir(join(root, '2023', 'Bauamt'), { recursive: true })
  await writeFile(join(root, 'Antwort.EML'), eml)
  await writeFile(join(root, '2023', 'Bauamt', 'Bauantrag Grünstraße.eml'), eml)
  await writeFile(join(root, '2023', 'Besprechung.msg'), msg)
  await writeFile(join(root, '2023', 'notizen.txt'), 'keine Mail')
  await symlink(root, join(root, '2023', 'schleife'))

  const items = await scanAll(root)
  assert.equal(items.map((i) => i.path).sort(), ['2023/Bauamt/Bauantrag Grünstraße.eml', '2023/Besprechung.msg', 'Antwort.EML'])
  const byPath = new Map(items.map((i) => [i.path, i]))
  const outlook = byPath.get('2023/Besprechung.msg')
  assert.is(outlook?.fileName, 'Besprechung.msg')
  assert.equal(Buffer.from((await outlook?.read()) ?? new Uint8Array()), msg)
  assert.is(outlook?.size, msg.length)
  const mail = byPath.get('2023/Bauamt/Bauantrag Grünstraße.eml')
  assert.is(mail?.mtimeMs, Date.parse('2023-02-03T08:00:00+01:00'))
  assert.is(Buffer.from((await mail?.read()) ?? new Uint8Array()).toString(), eml)
  // visibility 'groups': the source's groups decide, no per-item principals
  assert.is(mail?.principals, undefined)
})

test('folder: the watcher reports a new .eml file by its path and ignores other files', async () => {
  const root = join(dir, 'Beobachtet')
  await mkdir(join(root, 'Unterordner'), { recursive: true })
  const connector = createMailConnector({ location: root, owner: 'mueller' })
  const probe = changeProbe()
  const stop = await connector.watch?.(probe.onChange)
  try {
    await writeFile(join(root, 'Unterordner', 'notiz.txt'), 'keine Mail')
    await writeFile(join(root, 'Unterordner', 'neu.eml'), eml)
    await probe.until((batches) => batches.some((b) => b?.includes('Unterordner/neu.eml')))
    assert.not.ok(probe.batches.some((b) => b?.some((p) => p.endsWith('.txt'))))
  } finally {
    await stop?.()
  }
})

test('a missing location fails the scan instead of looking empty', async () => {
  try {
    await scanAll(join(dir, 'gibt-es-nicht'))
    assert.unreachable('scan should fail')
  } catch (error) {
    assert.is((error as { code?: string }).code, 'mail_location_invalid')
  }
})

test.run()
