import '../../polyfill.ts'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_PARSE_LIMITS } from '../types.ts'
import type { ParseLimits } from '../types.ts'
import { EML, failureOf, options, zip } from './fixtures.ts'
import { parseDocument } from './index.ts'

const MiB = 1024 * 1024
const limits = (overrides: Partial<ParseLimits>) => options({ limits: { ...DEFAULT_PARSE_LIMITS, ...overrides } })

test('ZIP: entries become children; macOS metadata is left out; the archive lists its entries', async () => {
  const archive = zip({ 'Satzungen/Gebühren.txt': '§ 1 Gebühren', 'anfrage.eml': EML, '__MACOSX/._x': 'x', 'leer/': '' })
  const doc = await parseDocument(archive, 'ablage.zip', options())
  assert.equal(doc.children.map((c) => c.name), ['Satzungen/Gebühren.txt', 'anfrage.eml'])
  assert.is(new TextDecoder().decode(doc.children[0]?.data), '§ 1 Gebühren')
  assert.equal(doc.blocks, [{ kind: 'list', text: '- Satzungen/Gebühren.txt\n- anfrage.eml' }])
})

test('zip bomb (16 MiB of zeros in a few KiB) is too_large', async () => {
  const bomb = zip({ 'bombe.txt': new Uint8Array(16 * MiB) }, 9)
  assert.ok(bomb.length < MiB)
  const err = await failureOf(parseDocument(bomb, 'bombe.zip', options()))
  assert.is(err.name, 'ParseError')
  assert.is(err.reason, 'too_large')
})

/** Rewrites the declared sizes of the single entry so they look harmless: only counting real bytes catches it. */
function lyingBomb(): Uint8Array {
  const archive = Buffer.from(zip({ 'bombe.txt': new Uint8Array(16 * MiB) }, 9))
  const compressed = archive.readUInt32LE(18)
  archive.writeUInt32LE(compressed, 22)
  const central = archive.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
  archive.writeUInt32LE(compressed, central + 24)
  return new Uint8Array(archive)
}

test('zip bomb with forged sizes is stopped while inflating, also inside a DOCX', async () => {
  const bomb = lyingBomb()
  assert.is((await failureOf(parseDocument(bomb, 'bombe.zip', options()))).reason, 'too_large')
  assert.is((await failureOf(parseDocument(bomb, 'bombe.docx', options()))).reason, 'too_large')
})

test('zip over the total inflated size or the entry count is too_large', async () => {
  const files = Object.fromEntries([1, 2, 3].map((i) => [`teil${i}.txt`, new Uint8Array(512 * 1024).fill(65 + i)]))
  assert.is((await failureOf(parseDocument(zip(files), 'teile.zip', limits({ maxZipTotalBytes: MiB })))).reason, 'too_large')
  assert.is((await failureOf(parseDocument(zip(files), 'teile.zip', limits({ maxZipEntries: 2 })))).reason, 'too_large')
  const doc = await parseDocument(zip(files), 'teile.zip', limits({ maxZipTotalBytes: 2 * MiB }))
  assert.is(doc.children.length, 3)
})

test('zip nested beyond maxZipDepth is too_large', async () => {
  let archive = zip({ 'innen.txt': 'Bürgerbüro' })
  for (let level = 0; level < 5; level++) archive = zip({ [`ebene${level}.zip`]: archive })
  // parse as the pipeline does: each child one level deeper
  let data = archive
  let depth = 0
  for (;;) {
    try {
      const doc = await parseDocument(data, 'x.zip', options({ depth }))
      data = doc.children[0]?.data as Uint8Array
      depth++
    } catch (err) {
      assert.is((err as { reason?: string }).reason, 'too_large')
      break
    }
  }
  assert.is(depth, DEFAULT_PARSE_LIMITS.maxZipDepth)
})

test('zip whose every entry is password-protected is encrypted', async () => {
  const archive = Buffer.from(zip({ 'geheim.txt': 'Personalakte Müller' }, 6))
  // set the "encrypted" flag (bit 0) in the local and central header, as a password-protected zip has
  archive.writeUInt16LE(archive.readUInt16LE(6) | 1, 6)
  const central = archive.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
  archive.writeUInt16LE(archive.readUInt16LE(central + 8) | 1, central + 8)
  assert.is((await failureOf(parseDocument(new Uint8Array(archive), 'geheim.zip', options()))).reason, 'encrypted')
})

test('a file that only starts like a zip is corrupt', async () => {
  const start = zip({ 'a.txt': 'x'.repeat(1000) }).subarray(0, 40)
  assert.is((await failureOf(parseDocument(start, 'kaputt.zip', options()))).reason, 'corrupt')
})

test.run()
