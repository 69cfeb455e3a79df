// npm run bench:ingest — ingest of the Karlsruhe council corpus (6,041 documents, ~32 MB of text) through the
// real pipeline (folder source, parser, chunker, German analysis, SQLite FTS5, one transaction per document)
// into a persistent data directory. Baseline measured in the same run: MiniSearch indexing the same texts in
// memory. Goal: ≥ 5 MB/s on a 2-core machine.
import '../node/src/polyfill.ts'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import MiniSearch from 'minisearch'
import { addSource } from '../node/src/ingest/add-source.ts'
import { setQuiet } from '../node/src/log.ts'
import { WissensnetzNode } from '../node/src/node.ts'
import { resolveDataDir } from '../node/src/store/datadir.ts'
import { type CorpusDoc, dataFile, missingFiles, readJsonl } from './lib/data.ts'

setQuiet(true)
const corpusFile = dataFile('karlsruhe-oparl', 'corpus.jsonl')
const missing = missingFiles(corpusFile)
if (missing.length > 0) {
  console.log(`SKIP bench:ingest: ${missing.join(', ')} not found (../shared/data is not part of a user's clone)`)
  process.exit(0)
}

const docs = readJsonl<CorpusDoc>(corpusFile)
const textBytes = docs.reduce((n, d) => n + Buffer.byteLength(d.text, 'utf8'), 0)
const MB = textBytes / 1e6
console.log(`Karlsruhe corpus: ${docs.length} documents, ${MB.toFixed(1)} MB of text`)

// Baseline: MiniSearch in memory over the same texts.
const cpu0 = process.cpuUsage()
const t0 = performance.now()
const mini = new MiniSearch<CorpusDoc>({ fields: ['title', 'text'], idField: 'id' })
mini.addAll(docs)
const miniSeconds = (performance.now() - t0) / 1000
const miniCpu = cpuSeconds(cpu0)
console.log(`baseline MiniSearch (in memory):   ${miniSeconds.toFixed(1)} s, ${(MB / miniSeconds).toFixed(2)} MB/s (CPU ${miniCpu.toFixed(1)} s)`)

// Ours: files on disk, ingested through the real pipeline.
const work = mkdtempSync(join(tmpdir(), 'wn-bench-ingest-'))
const folder = join(work, 'corpus')
mkdirSync(folder)
for (const d of docs) writeFileSync(join(folder, `${d.id}.txt`), `${d.title}\n\n${d.text}`)
const node = await WissensnetzNode.open({
  dataDir: resolveDataDir(join(work, 'data')),
  exclusive: true,
  models: false,
  configOverrides: (c) => ({ ...c, ingest: { ...c.ingest, watch: false, rescanIntervalMinutes: 0 } }),
})
const threads = node.config.ingest.concurrency
const source = addSource(node.sources, { kind: 'folder', location: folder, name: 'karlsruhe' })
const cpu1 = process.cpuUsage()
const t1 = performance.now()
const result = await node.pipeline.ingestSource(source, { signal: new AbortController().signal })
const oursSeconds = (performance.now() - t1) / 1000
const oursCpu = cpuSeconds(cpu1)
const t2 = performance.now()
const rescan = await node.pipeline.ingestSource(source, { signal: new AbortController().signal })
const rescanSeconds = (performance.now() - t2) / 1000
const counts = node.documents.counts()
await node.close()
const dbBytes = statSync(join(work, 'data', 'wissensnetz.db')).size
console.log(
  `ours (pipeline into SQLite + FTS5): ${oursSeconds.toFixed(1)} s, ${(MB / oursSeconds).toFixed(2)} MB/s, ` +
    `${(docs.length / oursSeconds).toFixed(0)} documents/s, ${counts.chunks} chunks, ${result.errors} errors, database ${(dbBytes / 1e6).toFixed(0)} MB, ` +
    `CPU ${oursCpu.toFixed(1)} s on ${threads} parser thread(s) + main (${(MB / oursCpu).toFixed(2)} MB per CPU-second)`,
)
console.log(`rescan of the unchanged corpus:    ${rescanSeconds.toFixed(1)} s (${rescan.filesSkipped} skipped)`)
console.log(`ratio ours / baseline throughput:  ${(miniSeconds / oursSeconds).toFixed(2)}`)
console.log(`goal ≥ 5 MB/s: ${MB / oursSeconds >= 5 ? 'reached' : 'NOT reached'}`)
console.log(`load average: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores (a loaded machine slows wall time, not CPU time)`)
rmSync(work, { recursive: true, force: true })

/** CPU seconds of the whole process (all threads) since `since`. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1e6
}
