import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { addSource } from '../ingest/add-source.ts'
import { openTestNode, tempDir, writeFiles } from '../test/helpers.ts'
import { LexicalIndex } from './lexical.ts'
import { readTermStats } from './term-stats.ts'

test('term statistics from the background scan select the same query terms as per-term lookups', async () => {
  const files: Record<string, string> = {}
  for (let i = 0; i < 240; i++) {
    const fee = i % 2 === 0 ? 'Die Gebühr wird im Januar erhoben.' : 'Ohne Kosten.'
    files[`vorgang-${i}.txt`] = `Vorgang ${i} der Verwaltung\n\nDie Verwaltung bearbeitet den Antrag. ${fee} Stichwort kennung${i}x.`
  }
  const docs = tempDir('term-stats')
  writeFiles(docs, files)
  const node = await openTestNode()
  try {
    addSource(node.sources, { kind: 'folder', location: docs, name: 'Vorgänge' })
    await node.scheduler.triggerAll()
    const snapshot = await readTermStats(node.dataDir.databaseFile, 1 / 20)
    const chunks = node.documents.counts().chunks
    assert.is(node.catalog.size, chunks, 'the catalogue counts the chunks the search bounds its work by')
    assert.is(snapshot.chunks, chunks)
    assert.is(snapshot.floor, Math.ceil(chunks / 20))
    const df = (term: string) => node.db.prepare('SELECT doc FROM chunk_fts_vocab WHERE term = ?').pluck().get(term) as number | undefined
    const listed = new Map(snapshot.terms.map((t, i) => [t, snapshot.frequencies[i]]))
    assert.is(listed.get('verwalt'), df('verwalt'), 'a frequent term with its exact frequency')
    assert.is(listed.get('gebuhr'), df('gebuhr'))
    assert.not.ok(listed.has('kennung7x'), 'rare terms are not listed')

    // a tight postings budget makes the choice of terms depend on their frequencies
    const plain = new LexicalIndex(node.db, { maxQueryPostings: 130 })
    const withStats = new LexicalIndex(node.db, { maxQueryPostings: 130 })
    withStats.useTermStats(snapshot)
    for (const query of ['Gebühr Verwaltung kennung7x', 'Antrag der Verwaltung', 'Kosten kennung12x Januar']) {
      assert.equal(withStats.queryFields(query).terms.sort(), plain.queryFields(query).terms.sort(), query)
      assert.equal(withStats.search(query, { limit: 5 }), plain.search(query, { limit: 5 }), query)
    }
    // the snapshot is what counts for listed terms: a (doctored) huge frequency drops the term from the budget
    const doctored = { ...snapshot, frequencies: snapshot.terms.map((t, i) => (t === 'gebuhr' ? 100_000 : (snapshot.frequencies[i] as number))) }
    withStats.useTermStats(doctored)
    assert.not.ok(withStats.queryFields('Gebühr Verwaltung kennung7x').terms.includes('gebuhr'))
    assert.ok(plain.queryFields('Gebühr Verwaltung kennung7x').terms.includes('gebuhr'))
    await node.removeSource('Vorgänge')
    assert.is(node.catalog.size, 0, 'removed chunks leave the count')
  } finally {
    await node.close()
  }
})

test.run()
