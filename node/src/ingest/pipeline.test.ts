import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { renameSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { addSource } from './add-source.ts'
import type { WissensnetzNode } from '../node.ts'
import { LOCAL_OPERATOR } from '../store/access.ts'
import { openTestNode, tempDir, writeFiles } from '../test/helpers.ts'
import { IngestPipeline } from './pipeline.ts'
import { DEFAULT_PARSE_LIMITS, type Connector, type SourceItem } from './types.ts'

/** A pipeline that waits for the whole list before reading would wait for ever: it is aborted instead. */
const SLOW_SCAN_TIMEOUT_MS = 20_000

const SATZUNG = `Satzung über die Erhebung von Gebühren

§ 1 Geltungsbereich
Diese Satzung gilt für das Baugenehmigungsverfahren der Verbandsgemeinde.

§ 2 Gebührenhöhe
Die Gebühr für eine Baugenehmigung beträgt mindestens 50 Euro.`

async function titles(node: WissensnetzNode, query: string, who = LOCAL_OPERATOR): Promise<string[]> {
  const result = await node.search.search(who, query, { limit: 20 })
  return result.hits.map((h) => h.path)
}

/** A source item with the given text, as a connector that is no plain folder would list it. */
function textItem(name: string, text: string, read?: () => Promise<void>): SourceItem {
  return {
    path: name,
    fileName: name,
    size: text.length,
    mtimeMs: 1,
    read: async () => {
      await read?.()
      return new TextEncoder().encode(text)
    },
  }
}

/** A pipeline over the node's store that lists `connector` for every source. */
function pipelineOver(node: WissensnetzNode, connector: Connector, concurrency: number): IngestPipeline {
  return new IngestPipeline({ documents: node.documents, accessSets: node.accessSets, writer: node.writer, connectorFor: () => connector, limits: DEFAULT_PARSE_LIMITS, ocr: false, concurrency })
}

async function ingestAll(node: WissensnetzNode) {
  const results = []
  for (const source of node.sources.list()) {
    results.push(await node.pipeline.ingestSource(source, { signal: new AbortController().signal }))
  }
  return results
}

test('a folder is ingested, searchable, and unchanged files are skipped on the next run', async () => {
  const docs = tempDir('docs')
  writeFiles(docs, {
    'Bauamt/satzung.txt': SATZUNG,
    'Hauptamt/urlaub.md': '# Urlaubsregelung\n\nUrlaubsanträge sind zwei Wochen vorher einzureichen.',
    '.versteckt/geheim.txt': 'Dieser Text darf nicht erscheinen: Geheimwort.',
    'Bauamt/~$satzung.txt': 'Sperrdatei von Office: Geheimwort.',
  })
  const node = await openTestNode()
  try {
    addSource(node.sources, { kind: 'folder', location: docs, name: 'Ablage' })
    const [first] = await ingestAll(node)
    assert.is(first?.phase, 'done')
    assert.is(first?.filesTotal, 2, 'hidden files and Office lock files are not ingested')
    assert.equal(await titles(node, 'Baugenehmigung'), ['Bauamt/satzung.txt'])
    assert.equal(await titles(node, 'Geheimwort'), [])
    const hit = (await node.search.search(LOCAL_OPERATOR, 'Gebührenhöhe Baugenehmigung', { limit: 5 })).hits[0]
    assert.is(hit?.section?.includes('§ 2'), true, 'the hit knows its § section')
    assert.ok(hit?.highlights.length, 'the snippet highlights matches')

    const [second] = await ingestAll(node)
    assert.is(second?.filesSkipped, 2)
    assert.is(second?.filesChanged, 0)
  } finally {
    await node.close()
  }
})

test('changes, renames and deletions propagate to the index', async () => {
  const docs = tempDir('docs')
  writeFiles(docs, { 'a.txt': 'Die Kehrmaschine fährt montags.', 'b.txt': 'Die Friedhofsgebühr wird jährlich erhoben.' })
  const node = await openTestNode()
  try {
    addSource(node.sources, { kind: 'folder', location: docs, name: 'Ablage' })
    await ingestAll(node)
    writeFileSync(join(docs, 'a.txt'), 'Der Streudienst beginnt um vier Uhr.')
    utimesSync(join(docs, 'a.txt'), new Date(), new Date(Date.now() + 5000))
    renameSync(join(docs, 'b.txt'), join(docs, 'c.txt'))
    const [run] = await ingestAll(node)
    assert.is(run?.filesRemoved, 1)
    assert.equal(await titles(node, 'Kehrmaschine'), [], 'old content is gone')
    assert.equal(await titles(node, 'Streudienst'), ['a.txt'])
    assert.equal(await titles(node, 'Friedhofsgebühr'), ['c.txt'], 'a renamed file is found under its new path only')
    rmSync(join(docs, 'c.txt'))
    await ingestAll(node)
    assert.equal(await titles(node, 'Friedhofsgebühr'), [])
    assert.is(node.documents.counts().indexed, 1)
  } finally {
    await node.close()
  }
})

test('a corrupt file gets a recorded reason and does not stop the ingest', async () => {
  const docs = tempDir('docs')
  writeFiles(docs, {
    'kaputt.pdf': '%PDF-1.7\n1 0 obj << /Type /Catalog >> kaputt',
    'leer.txt': '   \n  ',
    'ok.txt': 'Die Hundesteuer ist am 1. Juli fällig.',
  })
  const node = await openTestNode()
  try {
    addSource(node.sources, { kind: 'folder', location: docs, name: 'Ablage' })
    const [run] = await ingestAll(node)
    assert.is(run?.errors, 2)
    const failures = node.documents.failures(10)
    assert.equal(failures.map((f) => [f.path, f.errorCode]).sort(), [
      ['kaputt.pdf', 'corrupt'],
      ['leer.txt', 'no_text'],
    ])
    assert.ok(failures.every((f) => (f.errorMessage ?? '').length > 0), 'each failure has a readable reason')
    assert.equal(await titles(node, 'Hundesteuer'), ['ok.txt'])
  } finally {
    await node.close()
  }
})

test('a file over the size limit is recorded as too large without being read into memory', async () => {
  const docs = tempDir('docs')
  writeFiles(docs, { 'klein.txt': 'Die Hundesteuer ist am 1. Juli fällig.', 'riesig.txt': '' })
  // sparse: 5 GB on paper, nothing on disk. Reading it would fail (over Node's 2 GB buffer limit) as read_failed.
  truncateSync(join(docs, 'riesig.txt'), 5 * 1024 ** 3)
  const node = await openTestNode(undefined, false, { maxFileMegabytes: 1 })
  try {
    addSource(node.sources, { kind: 'folder', location: docs, name: 'Ablage' })
    const [run] = await ingestAll(node)
    assert.is(run?.errors, 1)
    const [failure] = node.documents.failures(10)
    assert.is(failure?.errorCode, 'too_large')
    assert.match(failure?.errorMessage ?? '', /ingest\.maxFileMegabytes/)
    assert.equal(await titles(node, 'Hundesteuer'), ['klein.txt'])
  } finally {
    await node.close()
  }
})

test('access groups are enforced inside the search: no hit, no snippet, no count', async () => {
  const docs = tempDir('docs')
  writeFiles(docs, { 'Personal/akte.txt': 'Personalakte mit Beurteilung.', 'Allgemein/info.txt': 'Beurteilung der Straßenschäden.' })
  const node = await openTestNode()
  try {
    node.sources.add({
      name: 'Ablage',
      kind: 'folder',
      location: docs,
      options: { access: [{ pattern: 'Personal/**', groups: ['personalamt'] }] },
      principals: ['group:alle'],
    })
    await ingestAll(node)
    const bauamt = { principals: ['group:alle'] }
    const personal = { principals: ['group:alle', 'group:personalamt'] }
    const stranger = { principals: ['group:extern'] }
    assert.equal(await titles(node, 'Beurteilung', bauamt), ['Allgemein/info.txt'])
    assert.equal((await titles(node, 'Beurteilung', personal)).sort(), ['Allgemein/info.txt', 'Personal/akte.txt'])
    const none = await node.search.search(stranger, 'Beurteilung', { limit: 10 })
    assert.equal(none.hits, [])
  } finally {
    await node.close()
  }
})

test('filters narrow by source, type and date', async () => {
  const a = tempDir('a')
  const b = tempDir('b')
  writeFiles(a, { 'x.txt': 'Sondernutzung im Ortskern.', 'y.md': '# Sondernutzung\n\nGenehmigung für Tische.' })
  writeFiles(b, { 'z.txt': 'Sondernutzung für Märkte.' })
  const node = await openTestNode()
  try {
    addSource(node.sources, { kind: 'folder', location: a, name: 'A' })
    addSource(node.sources, { kind: 'folder', location: b, name: 'B' })
    await ingestAll(node)
    const by = async (filters: object) =>
      (await node.search.search(LOCAL_OPERATOR, 'Sondernutzung', { limit: 10, filters })).hits.map((h) => h.path).sort()
    assert.equal(await by({ sources: ['B'] }), ['z.txt'])
    assert.equal(await by({ types: ['md'] }), ['y.md'])
    assert.equal(await by({ sources: ['A'], types: ['txt'] }), ['x.txt'])
  } finally {
    await node.close()
  }
})

test('a mailbox is visible to its owner and delegates only; attachments become child documents', async () => {
  const { DEMO_DIR } = await import('../cli/commands.ts')
  const node = await openTestNode()
  try {
    addSource(node.sources, {
      kind: 'mail',
      location: `${DEMO_DIR}postfach-bauamt.mbox`,
      name: 'Postfach',
      options: { owner: 'wendling', delegates: ['klein'] },
    })
    const [run] = await ingestAll(node)
    assert.is(run?.errors, 0)
    const owner = await node.search.search({ principals: ['user:wendling'] }, 'Carport', { limit: 10 })
    const delegate = await node.search.search({ principals: ['user:klein'] }, 'Carport', { limit: 10 })
    const colleague = await node.search.search({ principals: ['user:schmitz', 'group:bauamt'] }, 'Carport', { limit: 10 })
    assert.ok(owner.hits.length > 0, 'the owner finds the mail')
    assert.equal(delegate.hits.length, owner.hits.length, 'a delegate sees the same')
    assert.equal(colleague.hits, [], 'a colleague sees nothing of the mailbox')
    const children = node.db.prepare('SELECT COUNT(*) AS n FROM documents WHERE parent_id IS NOT NULL').get() as { n: number }
    assert.ok(children.n >= 2, 'the attachments are indexed as child documents of their messages')
  } finally {
    await node.close()
  }
})

test('documents are ingested while a slow scan is still listing the source', async () => {
  const node = await openTestNode()
  try {
    const source = addSource(node.sources, { kind: 'folder', location: tempDir('unused'), name: 'Langsame Freigabe' })
    // a share that lists its second file only after the first one has been read: a pipeline that waited
    // for the whole list before reading anything would never finish
    let firstRead: () => void = () => {}
    const firstWasRead = new Promise<void>((resolve) => (firstRead = resolve))
    const connector: Connector = {
      async *scan(signal) {
        yield textItem('erste.txt', 'Die Friedhofssatzung regelt die Gebühren.', async () => firstRead())
        await Promise.race([firstWasRead, new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))])
        if (signal.aborted) return
        yield textItem('zweite.txt', 'Die Hundesteuer wird jährlich erhoben.')
      },
    }
    for (const concurrency of [0, 2]) {
      const pipeline = pipelineOver(node, connector, concurrency)
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(), SLOW_SCAN_TIMEOUT_MS)
      try {
        const result = await pipeline.ingestSource(source, { signal: controller.signal })
        assert.is(result.phase, 'done', `concurrency ${concurrency}: the run finished instead of waiting for the scan`)
        assert.is(result.filesTotal, 2)
      } finally {
        clearTimeout(timer)
        await pipeline.close()
      }
    }
    assert.equal(await titles(node, 'Hundesteuer'), ['zweite.txt'])
  } finally {
    await node.close()
  }
})

test('a parsed document becomes searchable within about a second while the next one is still being read', async () => {
  const node = await openTestNode()
  try {
    const source = addSource(node.sources, { kind: 'folder', location: tempDir('unused'), name: 'Scanner' })
    let foundWhileReading = false
    const connector: Connector = {
      async *scan() {
        yield textItem('bescheid.txt', 'Der Bescheid über die Kanalgebühren.')
        // a slow second file (OCR, a hanging share): the first must not wait for it to become searchable
        yield textItem('scan.txt', 'Ein gescannter Brief zur Hundesteuer.', async () => {
          for (let waited = 0; waited < 5000 && !foundWhileReading; waited += 100) {
            foundWhileReading = (await titles(node, 'Kanalgebühren')).includes('bescheid.txt')
            if (!foundWhileReading) await new Promise((resolve) => setTimeout(resolve, 100))
          }
        })
      },
    }
    const pipeline = pipelineOver(node, connector, 0)
    try {
      const result = await pipeline.ingestSource(source, { signal: new AbortController().signal })
      assert.is(result.phase, 'done')
    } finally {
      await pipeline.close()
    }
    assert.ok(foundWhileReading, 'the first document was found while the second was still being read')
  } finally {
    await node.close()
  }
})

test.run()
