import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { addSource } from '../ingest/add-source.ts'
import { WissensnetzNode } from '../node.ts'
import { LOCAL_OPERATOR } from '../store/access.ts'
import { resolveDataDir } from '../store/datadir.ts'
import { sharedPath, tempDir, writeFiles } from '../test/helpers.ts'

// The test model has no meaning in its vectors: these tests check the code paths (embedding in batches,
// HNSW persistence, access filtering inside the vector search), never the ranking it produces.
const MODEL = sharedPath('models/stories260K.gguf')

const open = (data: string, exclusive = true) =>
  WissensnetzNode.open({
    dataDir: resolveDataDir(data),
    exclusive,
    models: true,
    configOverrides: (c) => ({
      ...c,
      models: { ...c.models, embedding: MODEL, threads: 1 },
      ingest: { ...c.ingest, watch: false, rescanIntervalMinutes: 0, ocr: false, embedBatchSize: 8 },
    }),
  })

if (MODEL === null) {
  console.log('SKIP hybrid search tests: ../shared/models/stories260K.gguf not found (only in CI and on developer machines)')
  test('skipped: no test model', () => {})
} else {
  test('with an embedding model, ingest embeds every chunk, search is hybrid, and the vector index persists', async () => {
    const docs = tempDir('hybrid-docs')
    const files: Record<string, string> = {}
    for (let i = 0; i < 30; i++) files[`doc-${i}.txt`] = `Vermerk ${i} über die Sanierung der Grundschule und die Vergabe der Bauleistungen.`
    files['personal/akte.txt'] = 'Personalakte mit vertraulicher Beurteilung.'
    writeFiles(docs, files)
    const data = tempDir('hybrid-data')
    let node = await open(data)
    try {
      assert.ok(node.embedder !== null, 'the embedding model is loaded')
      node.sources.add({
        name: 'Ablage',
        kind: 'folder',
        location: docs,
        options: { access: [{ pattern: 'personal/**', groups: ['personal'] }] },
        principals: ['group:alle'],
      })
      await node.scheduler.triggerAll()
      assert.is(node.embedding?.pending(), 0, 'every chunk has a vector')
      const result = await node.search.search(LOCAL_OPERATOR, 'Sanierung der Grundschule', { limit: 5 })
      assert.is(result.mode, 'hybrid')
      assert.ok(result.hits.some((h) => h.matchedBy.includes('semantic')), 'the vector retriever contributed')

      // Vectors of documents a user may not see never come back, whatever their similarity.
      const outsider = await node.search.search({ principals: ['group:alle'] }, 'vertrauliche Beurteilung Personalakte', { limit: 50 })
      assert.not.ok(outsider.hits.some((h) => h.path.startsWith('personal/')))
    } finally {
      await node.close()
    }
    assert.ok(existsSync(join(data, 'vectors')) && readdirSync(join(data, 'vectors')).some((f) => f.endsWith('.hnsw')), 'index file saved')

    node = await open(data, false)
    try {
      assert.is(node.embedding?.pending(), 0)
      const again = await node.search.search(LOCAL_OPERATOR, 'Vergabe der Bauleistungen', { limit: 5 })
      assert.ok(again.hits.some((h) => h.matchedBy.includes('semantic')), 'the saved vectors are searched after a restart')
    } finally {
      await node.close()
    }
  })

  test('a deleted document leaves the vector index too', async () => {
    const docs = tempDir('hybrid-del')
    writeFiles(docs, { 'a.txt': 'Der Bauhof räumt Schnee.', 'b.txt': 'Die Kita öffnet um sieben Uhr.' })
    const node = await open(tempDir('hybrid-del-data'))
    try {
      const source = addSource(node.sources, { kind: 'folder', location: docs, name: 'A' })
      await node.scheduler.trigger(source.id)
      const { rmSync } = await import('node:fs')
      rmSync(join(docs, 'a.txt'))
      await node.scheduler.trigger(source.id)
      const result = await node.search.search(LOCAL_OPERATOR, 'Der Bauhof räumt Schnee.', { limit: 10 })
      assert.equal(
        result.hits.map((h) => h.path),
        ['b.txt'],
        'only the remaining document, found by its vector',
      )
    } finally {
      await node.close()
    }
  })
}

test.run()
