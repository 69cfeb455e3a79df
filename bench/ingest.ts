// npm run bench:ingest [-- --runs N] — ingest of the Karlsruhe council corpus (6,041 documents, ~32 MB of text)
// through the real pipeline (folder source, parser threads, chunker, German analysis, SQLite FTS5, batched
// commits) into a fresh persistent data directory. Baseline measured in the same run: MiniSearch indexing the
// same texts in memory. The two alternate, N times each (default 3), and the medians are compared: this
// machine is shared, and single runs of either swing by a quarter. Goal: ≥ 5 MB/s on a 2-core machine.
import '../node/src/polyfill.ts'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
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
const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '3' } } })
const runs = Math.max(1, Number(args.runs))
const GOAL_MB_PER_S = 5

const docs = readJsonl<CorpusDoc>(corpusFile)
const textBytes = docs.reduce((n, d) => n + Buffer.byteLength(d.text, 'utf8'), 0)
const MB = textBytes / 1e6
console.log(`Karlsruhe corpus: ${docs.length} documents, ${MB.toFixed(1)} MB of text; ${runs} runs of each, alternating`)

const work = mkdtempSync(join(tmpdir(), 'wn-bench-ingest-'))
const folder = join(work, 'corpus')
mkdirSync(folder)
for (const d of docs) writeFileSync(join(folder, `${d.id}.txt`), `${d.title}\n\n${d.text}`)

interface Run {
  seconds: number
  cpu: number
}
const baselineRuns: Run[] = []
const ourRuns: Run[] = []
for (let run = 1; run <= runs; run++) {
  const baseline = runBaseline()
  baselineRuns.push(baseline)
  console.log(`run ${run}: baseline MiniSearch (in memory): ${baseline.seconds.toFixed(2)} s, ${(MB / baseline.seconds).toFixed(2)} MB/s, CPU ${baseline.cpu.toFixed(1)} s`)
  // the baseline's garbage is collected now (npm run bench:ingest passes --expose-gc), not during our run
  ;(globalThis as { gc?: () => void }).gc?.()
  const ours = await runOurs(join(work, `data-${run}`), run === runs)
  ourRuns.push(ours)
  console.log(`run ${run}: ours (pipeline into SQLite + FTS5): ${ours.seconds.toFixed(2)} s, ${(MB / ours.seconds).toFixed(2)} MB/s, CPU ${ours.cpu.toFixed(1)} s`)
}

const oursMedian = median(ourRuns.map((r) => r.seconds))
const baselineMedian = median(baselineRuns.map((r) => r.seconds))
console.log(
  `ours, median of ${runs}: ${oursMedian.toFixed(2)} s, ${(MB / oursMedian).toFixed(2)} MB/s, ${(docs.length / oursMedian).toFixed(0)} documents/s ` +
    `(best ${(MB / Math.min(...ourRuns.map((r) => r.seconds))).toFixed(2)} MB/s), CPU ${median(ourRuns.map((r) => r.cpu)).toFixed(1)} s ` +
    `(${(MB / median(ourRuns.map((r) => r.cpu))).toFixed(2)} MB per CPU-second)`,
)
console.log(`baseline, median of ${runs}: ${baselineMedian.toFixed(2)} s, ${(MB / baselineMedian).toFixed(2)} MB/s`)
console.log(`ratio ours / baseline throughput (medians): ${(baselineMedian / oursMedian).toFixed(2)}`)
console.log(`goal ≥ ${GOAL_MB_PER_S} MB/s: ${MB / oursMedian >= GOAL_MB_PER_S ? 'reached' : 'NOT reached'} (median)`)
console.log(`load average: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores (a loaded machine slows wall time, not CPU time)`)
rmSync(work, { recursive: true, force: true })

/** MiniSearch over the same texts; its index is dropped on return, so our run does not garbage-collect it. */
function runBaseline(): Run {
  const cpu = process.cpuUsage()
  const started = performance.now()
  const mini = new MiniSearch<CorpusDoc>({ fields: ['title', 'text'], idField: 'id' })
  mini.addAll(docs)
  return { seconds: (performance.now() - started) / 1000, cpu: cpuSeconds(cpu) }
}

/** The real pipeline into a fresh data directory; the last run also rescans the unchanged corpus. */
async function runOurs(dataDir: string, last: boolean): Promise<Run> {
  const node = await WissensnetzNode.open({
    dataDir: resolveDataDir(dataDir),
    exclusive: true,
    models: false,
    configOverrides: (c) => ({ ...c, ingest: { ...c.ingest, watch: false, rescanIntervalMinutes: 0 } }),
  })
  try {
    const source = addSource(node.sources, { kind: 'folder', location: folder, name: 'karlsruhe' })
    const cpu = process.cpuUsage()
    const started = performance.now()
    const result = await node.pipeline.ingestSource(source, { signal: new AbortController().signal })
    const run = { seconds: (performance.now() - started) / 1000, cpu: cpuSeconds(cpu) }
    if (last) {
      const counts = node.documents.counts()
      const rescanStarted = performance.now()
      const rescan = await node.pipeline.ingestSource(source, { signal: new AbortController().signal })
      const rescanSeconds = (performance.now() - rescanStarted) / 1000
      const dbBytes = statSync(join(dataDir, 'wissensnetz.db')).size
      console.log(
        `index: ${counts.chunks} chunks, ${result.errors} errors, database ${(dbBytes / 1e6).toFixed(0)} MB; ` +
          `${node.config.ingest.concurrency} parser thread(s) + main; rescan of the unchanged corpus ${rescanSeconds.toFixed(1)} s (${rescan.filesSkipped} skipped)`,
      )
    }
    return run
  } finally {
    await node.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** CPU seconds of the whole process (all threads) since `since`. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1e6
}
