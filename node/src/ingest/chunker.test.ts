import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CHUNK_MAX_CHARS, chunkDocument } from './chunker.ts'
import type { TextBlock } from './types.ts'

const sentence = (i: number) => `Satz ${i} erläutert die Gebührenpflicht nach der Satzung der Verbandsgemeinde. `

test('offsets point at the exact passage in the document text', () => {
  const blocks: TextBlock[] = [
    { kind: 'heading', level: 1, text: 'Friedhofssatzung' },
    { kind: 'paragraph', text: 'Diese Satzung gilt für alle Friedhöfe.' },
    { kind: 'heading', level: 2, text: '§ 3 Gebühren' },
    { kind: 'paragraph', text: 'Für die Nutzung werden Gebühren erhoben.' },
  ]
  const { text, chunks } = chunkDocument(blocks)
  for (const chunk of chunks) assert.is(text.slice(chunk.start, chunk.end), chunk.text)
  const fees = chunks.find((c) => c.text.includes('Gebühren erhoben'))
  assert.ok(fees)
  assert.is(fees?.section, 'Friedhofssatzung › § 3 Gebühren')
  assert.ok(fees?.text.startsWith('§ 3 Gebühren'), 'a § section starts a new chunk')
})

test('pages are never mixed in one chunk and each chunk knows its page', () => {
  const blocks: TextBlock[] = [
    { kind: 'paragraph', page: 1, text: 'Seite eins.' },
    { kind: 'paragraph', page: 2, text: 'Seite zwei.' },
  ]
  const { chunks } = chunkDocument(blocks)
  assert.equal(
    chunks.map((c) => [c.page, c.text]),
    [
      [1, 'Seite eins.'],
      [2, 'Seite zwei.'],
    ],
  )
})

test('long sections are split at sentence ends with overlap, all text covered', () => {
  const long = Array.from({ length: 80 }, (_, i) => sentence(i)).join('')
  const { text, chunks } = chunkDocument([{ kind: 'paragraph', text: long }])
  assert.ok(chunks.length > 3)
  for (const chunk of chunks) {
    assert.ok(chunk.text.length <= CHUNK_MAX_CHARS, `chunk of ${chunk.text.length} chars`)
    assert.ok(/[.!?]$/.test(chunk.text), 'ends at a sentence end')
  }
  for (let i = 1; i < chunks.length; i++) {
    const prev = chunks[i - 1]
    const cur = chunks[i]
    assert.ok(prev && cur && cur.start <= prev.end, 'no gap between consecutive chunks')
  }
  assert.is(chunks.at(-1)?.end, text.trimEnd().length)
  for (let i = 0; i < 80; i++) assert.ok(chunks.some((c) => c.text.includes(`Satz ${i} `)), `sentence ${i} kept`)
})

test('an empty document has no chunks', () => {
  assert.equal(chunkDocument([{ kind: 'paragraph', text: '   ' }]).chunks, [])
})

test.run()
