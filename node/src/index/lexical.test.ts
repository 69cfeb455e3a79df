import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { setQuiet } from '../log.ts'
import { type Db, openDatabase } from '../store/db.ts'
import { LexicalIndex } from './lexical.ts'

setQuiet(true)

interface Fixture {
  db: Db
  index: LexicalIndex
  dir: string
  /** adds a document with one chunk per text; returns the chunk ids */
  addDocument(title: string, texts: string[], accessSetId?: number): number[]
  close(): void
}

function fixture(init: ConstructorParameters<typeof LexicalIndex>[1] = {}): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'wissensnetz-lexical-'))
  const db = openDatabase(join(dir, 'node.db'))
  db.exec(`INSERT INTO sources (id, name, kind, location) VALUES (1, 'ablage', 'folder', '/ablage');
    INSERT INTO access_sets (id, principals) VALUES (1, '["*"]'), (2, '["bauamt"]');`)
  const index = new LexicalIndex(db, init)
  let docs = 0
  const insertDoc = db.prepare(`INSERT INTO documents (id, source_id, path, file_name, title, status, access_set_id)
    VALUES (?, 1, ?, ?, ?, 'indexed', ?)`)
  const insertChunk = db.prepare('INSERT INTO chunks (document_id, ord, start_offset, end_offset, access_set_id) VALUES (?, ?, 0, 0, ?)')
  return {
    db,
    index,
    dir,
    addDocument(title, texts, accessSetId = 1) {
      const docId = ++docs
      return db.transaction(() => {
        insertDoc.run(docId, `doc${docId}.txt`, `doc${docId}.txt`, title, accessSetId)
        return texts.map((text, ord) => {
          const chunkId = Number(insertChunk.run(docId, ord, accessSetId).lastInsertRowid)
          index.add(chunkId, title, text)
          return chunkId
        })
      })()
    },
    close() {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const ids = (hits: Array<{ chunkId: number }>): number[] => hits.map((h) => h.chunkId)

test('a compound finds its parts and the parts find the compound', () => {
  const f = fixture()
  try {
    const [compound] = f.addDocument('Merkblatt', ['Das Baugenehmigungsverfahren dauert in der Regel drei Monate.'])
    const [parts] = f.addDocument('Hinweis', ['Für die Baugenehmigung ist ein Verfahren beim Bauamt nötig.'])
    f.addDocument('Sonstiges', ['Die Hundesteuer wird jährlich erhoben.'])
    assert.equal(new Set(ids(f.index.search('Verfahren', { limit: 10 }))), new Set([compound, parts]))
    assert.equal(new Set(ids(f.index.search('Baugenehmigung', { limit: 10 }))), new Set([compound, parts]))
    assert.equal(new Set(ids(f.index.search('Baugenehmigungsverfahren', { limit: 10 }))), new Set([compound, parts]))
    assert.is(ids(f.index.search('Baugenehmigungsverfahren', { limit: 10 }))[0], compound, 'the exact compound ranks first')
  } finally {
    f.close()
  }
})

test('umlaut spellings and inflections find each other', () => {
  const f = fixture()
  try {
    const [street] = f.addDocument('Anlieger', ['Anwohner der Goethestraße zahlen Gebühren für die Müllabfuhr.'])
    f.addDocument('Anderes', ['Der Rat tagt am Montag.'])
    assert.equal(ids(f.index.search('Goethestrasse', { limit: 10 })), [street])
    assert.equal(ids(f.index.search('Gebuehr', { limit: 10 })), [street])
    assert.equal(ids(f.index.search('Muellabfuhr', { limit: 10 })), [street])
  } finally {
    f.close()
  }
})

test('where-clause filtering excludes chunks the caller may not see', () => {
  const f = fixture()
  try {
    const [open] = f.addDocument('Satzung', ['Die Friedhofssatzung regelt die Gebühren.'], 1)
    const [restricted] = f.addDocument('Entwurf', ['Entwurf der Friedhofssatzung mit neuen Gebühren.'], 2)
    assert.equal(new Set(ids(f.index.search('Friedhofssatzung', { limit: 10 }))), new Set([open, restricted]))
    assert.equal(ids(f.index.search('Friedhofssatzung', { limit: 10, where: { sql: 'c.access_set_id IN (1)', params: [] } })), [open])
    assert.equal(ids(f.index.search('Friedhofssatzung', { limit: 10, where: { sql: 'd.title = ?', params: ['Entwurf'] } })), [restricted])
    assert.equal(f.index.search('Friedhofssatzung', { limit: 10, where: { sql: 'c.access_set_id IN (3)', params: [] } }), [])
  } finally {
    f.close()
  }
})

test('a filtered search finds the visible matches even when hundreds of better ones are hidden', () => {
  const f = fixture()
  try {
    for (let i = 0; i < 250; i++) f.addDocument('Hundesteuer', [`Hundesteuer Hundesteuer Hundesteuer Bescheid ${i}`], 2)
    const [visible] = f.addDocument('Haushalt', ['Im Haushalt steht auch die Hundesteuer neben vielen anderen Einnahmen der Stadt.'], 1)
    const hits = f.index.search('Hundesteuer', { limit: 5, where: { sql: 'c.access_set_id IN (1)', params: [] } })
    assert.equal(ids(hits), [visible])
    assert.is(f.index.search('Hundesteuer', { limit: 5 }).length, 5)
  } finally {
    f.close()
  }
})

test('remove() and deleting a document make its hits disappear', () => {
  const f = fixture()
  try {
    const [first, second] = f.addDocument('Protokoll', ['Beschluss zur Hundesteuer.', 'Die Hundesteuer steigt.'])
    const [other] = f.addDocument('Vorlage', ['Hundesteuer für Zweithunde.'])
    f.index.remove([first as number])
    assert.equal(new Set(ids(f.index.search('Hundesteuer', { limit: 10 }))), new Set([second, other]))
    f.db.prepare('DELETE FROM documents WHERE id = 1').run()
    assert.equal(ids(f.index.search('Hundesteuer', { limit: 10 })), [other], 'chunks deleted with their document leave the index')
    f.index.remove([first as number, second as number])
    assert.equal(ids(f.index.search('Hundesteuer', { limit: 10 })), [other], 'removing twice is harmless')
  } finally {
    f.close()
  }
})

test('adding a chunk again replaces its terms', () => {
  const f = fixture()
  try {
    const [chunk] = f.addDocument('Notiz', ['Sperrmüll wird im März abgeholt.'])
    f.index.add(chunk as number, 'Notiz', 'Grünschnitt wird im April abgeholt.')
    assert.equal(f.index.search('Sperrmüll', { limit: 10 }), [])
    assert.equal(ids(f.index.search('Grünschnitt', { limit: 10 })), [chunk])
  } finally {
    f.close()
  }
})

test('ranking: the passage about the question beats passages that only mention a word of it', () => {
  const f = fixture()
  try {
    f.addDocument('Haushalt', ['Der Haushalt der Stadt umfasst viele Posten, darunter Personal, Gebäude und Straßen.'])
    const [fees] = f.addDocument('Gebührensatzung', [
      'Die Gebühren für die Bestattung auf dem Friedhof richten sich nach der Friedhofsgebührensatzung der Stadt.',
    ])
    f.addDocument('Friedhof', ['Der Friedhof ist im Winter von 8 bis 17 Uhr geöffnet.'])
    f.addDocument('Bauamt', ['Für Gebäude und Straßen ist das Bauamt zuständig.'])
    const hits = f.index.search('Welche Gebühren kostet eine Bestattung auf dem Friedhof?', { limit: 10 })
    assert.is(hits[0]?.chunkId, fees)
    for (let i = 1; i < hits.length; i++) assert.ok((hits[i - 1]?.score ?? 0) >= (hits[i]?.score ?? 0), 'sorted by score, best first')
  } finally {
    f.close()
  }
})

test('a file number ranks the passage that has it above passages with its pieces apart', () => {
  const f = fixture()
  try {
    const [pieces] = f.addDocument('Haushalt', ['Auf Seite 8079 steht der Plan für das Jahr 2026.'])
    const [exact] = f.addDocument('Bescheid', ['Unser Zeichen 8079/2026, bitte bei Antwort angeben.'])
    assert.equal(ids(f.index.search('8079/2026', { limit: 10 })), [exact, pieces])
  } finally {
    f.close()
  }
})

test('a passage with the query words next to each other ranks above one with them far apart', () => {
  const f = fixture()
  try {
    // the same words, only their order differs
    const [apart] = f.addDocument('Bericht', ['Anbindung Bus Sommer Plan Wagen Halt Linie Takt Netz Schule'])
    const [together] = f.addDocument('Bericht', ['Wagen Halt Linie Anbindung Schule Bus Sommer Plan Takt Netz'])
    assert.equal(ids(f.index.search('Anbindung der Schule', { limit: 10 })), [together, apart])
  } finally {
    f.close()
  }
})

test('limit, empty queries and queries of stopwords only', () => {
  const f = fixture()
  try {
    for (let i = 0; i < 5; i++) f.addDocument(`Vorlage ${i}`, [`Die Sitzung Nummer ${i} des Rates.`])
    assert.is(f.index.search('Sitzung', { limit: 3 }).length, 3)
    assert.equal(f.index.search('', { limit: 3 }), [])
    assert.equal(f.index.search('?!', { limit: 3 }), [])
    assert.is(f.index.search('des', { limit: 10 }).length, 0, 'stopwords are not indexed, so they find nothing')
  } finally {
    f.close()
  }
})

test('common-terms cut-off: a term in most chunks is dropped when the query has rarer terms', () => {
  const f = fixture({ commonTermFraction: 0.5, commonTermsMinChunks: 1 })
  try {
    for (let i = 0; i < 6; i++) f.addDocument('Stadt', [`Die Stadt informiert über Termin ${i}.`])
    const [rare] = f.addDocument('Stadt', ['Die Stadt informiert über die Hundesteuer.'])
    const fields = f.index.queryFields('Stadt Hundesteuer')
    assert.ok(fields.terms.some((t) => t.startsWith('hundesteu')))
    assert.not.ok(fields.terms.includes('stadt'), 'the common term is dropped')
    assert.equal(ids(f.index.search('Stadt Hundesteuer', { limit: 10 })), [rare])
    assert.is(f.index.search('Stadt', { limit: 10 }).length, 7, 'a query of common terms only keeps its rarest term')
  } finally {
    f.close()
  }
})

test.run()
