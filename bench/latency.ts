// Vector search latency and recall: hnswlib (through the node's HnswGraph adapter) against exact brute-force
// search over the same clustered synthetic 384-d vectors, measured in the same run.
//
// Usage: npm run bench:latency -- [--n 1000000] [--efc 200] [--ef 64,128] [--queries 200] [--k 10]
//        [--clusters 2000] [--subspace 12] [--keep]
// --efc takes a list (e.g. 100,200): one graph is built per value. The graph file goes to .bench-out/.
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { HnswGraph } from '../node/src/index/vector/hnsw.ts'
import type { LatencySummary } from './lib/vectors.ts'
import { ClusteredSource, DEFAULT_SPEC, exactSearch, formatBytes, recallAt, summarize, timeEach, vectorAt } from './lib/vectors.ts'

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' },
    dims: { type: 'string', default: String(DEFAULT_SPEC.dimensions) },
    clusters: { type: 'string' },
    subspace: { type: 'string', default: String(DEFAULT_SPEC.subspaceDims) },
    queries: { type: 'string', default: '200' },
    k: { type: 'string', default: '10' },
    ef: { type: 'string', default: '64,128' },
    efc: { type: 'string', default: '200' },
    m: { type: 'string', default: '16' },
    /** share of ids a filtered search may return (access rights narrow the candidates like this) */
    'filter-share': { type: 'string', default: '0.1' },
    seed: { type: 'string', default: String(DEFAULT_SPEC.seed) },
    out: { type: 'string', default: '.bench-out' },
    keep: { type: 'boolean', default: false },
  },
})

const n = Math.round(Number(values.n))
const dims = Number(values.dims)
const k = Number(values.k)
const queryCount = Number(values.queries)
const efs = values.ef.split(',').map(Number)
const efcs = values.efc.split(',').map(Number)
const m = Number(values.m)
const filterEvery = Math.round(1 / Number(values['filter-share']))
// A few thousand topics; a small run keeps at least ~10 points per cluster.
const clusters = Number(values.clusters ?? Math.max(1, Math.min(DEFAULT_SPEC.clusters, Math.floor(n / 10))))
const spec = { ...DEFAULT_SPEC, dimensions: dims, clusters, subspaceDims: Number(values.subspace), seed: Number(values.seed) }

const ms = (x: number): string => `${x.toFixed(x < 1 ? 3 : x < 10 ? 2 : 1)} ms`
const line = (label: string, value: string): void => console.log(`  ${label.padEnd(52)} ${value}`)
const progress = (message: string): void => {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`)
}

console.log(`vector latency benchmark: n=${n}, ${dims}-d, ${clusters} clusters x ${spec.subspaceDims}-d subspaces`)
console.log(`  spread ${spec.spread}, noise ${spec.noise}, seed ${spec.seed}; ${queryCount} queries from the same distribution, k=${k}`)
console.log(`  node ${process.version}, pid ${process.pid}`)

// ---- data ----
let t0 = performance.now()
const source = new ClusteredSource(spec)
const data = source.generate(n, (done) => {
  if (done % 200_000 === 0) progress(`generated ${done}/${n}`)
})
// Queries: further draws from the same clusters, not points of the data set itself.
const queriesFlat = new Float32Array(queryCount * dims)
source.fill(queriesFlat, 0, queryCount)
const queries = Array.from({ length: queryCount }, (_, i) => vectorAt(queriesFlat, dims, i))
console.log(`\ndata`)
line('generated', `${n} vectors in ${((performance.now() - t0) / 1000).toFixed(1)} s (${formatBytes(data.byteLength)} as float32)`)

// ---- baseline: exact search ----
progress('exact search (baseline and ground truth)')
const exact = timeEach(queries, (q) => exactSearch(data, dims, q, k).ids)
const exactLatency = summarize(exact.millis)
const allowed = (id: number): boolean => id % filterEvery === 0
const filteredIds = Int32Array.from({ length: Math.ceil(n / filterEvery) }, (_, i) => i * filterEvery)
const filteredData = new Float32Array(filteredIds.length * dims)
filteredIds.forEach((id, i) => {
  filteredData.set(vectorAt(data, dims, id), i * dims)
})
const exactFiltered = queries.map((q) => exactSearch(filteredData, dims, q, k).ids.map((i) => filteredIds[i] as number))
console.log(`\nbaseline: exact brute-force search (JS, single thread)`)
line(`query p50 / p95 (k=${k})`, `${ms(exactLatency.p50Ms)} / ${ms(exactLatency.p95Ms)}`)
const nearest = exact.results.map((ids, i) => {
  const q = queries[i] as Float32Array
  const v = vectorAt(data, dims, ids[0] as number)
  return v.reduce((s, x, j) => s + x * (q[j] as number), 0)
})
line('cosine of the nearest neighbour (median)', (nearest.sort((a, b) => a - b)[Math.floor(nearest.length / 2)] ?? 0).toFixed(3))

interface EfResult {
  ef: number
  latency: LatencySummary
  recall: number
  filteredLatency: LatencySummary
  filteredRecall: number
}
interface BuildResult {
  efConstruction: number
  buildSeconds: number
  rssBytesPerVector: number
  fileBytesPerVector: number
  fileBytes: number
  writeSeconds: number
  loadSeconds: number
  searches: EfResult[]
}
const results: BuildResult[] = []

mkdirSync(values.out, { recursive: true })
for (const efConstruction of efcs) {
  // ---- build ----
  global.gc?.()
  const rssBefore = process.memoryUsage.rss()
  const graph = HnswGraph.create({ dimensions: dims, m, efConstruction }, n)
  progress(`building HNSW (M=${m}, efConstruction=${efConstruction}) on the main thread`)
  t0 = performance.now()
  const step = Math.max(1, Math.floor(n / 20))
  for (let p = 0; p < n; p++) {
    graph.add(p, vectorAt(data, dims, p))
    if ((p + 1) % step === 0) {
      const elapsed = (performance.now() - t0) / 1000
      const rate = (p + 1) / elapsed
      progress(`  ${p + 1}/${n} in ${elapsed.toFixed(0)} s (${rate.toFixed(0)}/s, about ${((n - p - 1) / rate).toFixed(0)} s left)`)
    }
  }
  const buildSeconds = (performance.now() - t0) / 1000
  const rssAfter = process.memoryUsage.rss()

  const file = join(values.out, `latency-${n}-efc${efConstruction}.hnsw`)
  t0 = performance.now()
  await graph.write(file)
  const writeSeconds = (performance.now() - t0) / 1000
  const fileBytes = statSync(file).size

  // ---- queries ----
  const searches: EfResult[] = []
  for (const ef of efs) {
    for (const q of queries.slice(0, 20)) graph.search(q, k, ef)
    const run = timeEach(queries, (q) => graph.search(q, k, ef).labels)
    const recall = run.results.reduce((s, ids, i) => s + recallAt(ids, exact.results[i] ?? []), 0) / queries.length
    const filtered = timeEach(queries, (q) => graph.search(q, k, ef, allowed).labels)
    const filteredRecall = filtered.results.reduce((s, ids, i) => s + recallAt(ids, exactFiltered[i] ?? []), 0) / queries.length
    searches.push({ ef, latency: summarize(run.millis), recall, filteredLatency: summarize(filtered.millis), filteredRecall })
  }

  t0 = performance.now()
  const loaded = await HnswGraph.load(file, dims)
  const loadSeconds = (performance.now() - t0) / 1000
  if (loaded.count() !== n) throw new Error(`reloaded graph has ${loaded.count()} entries`)
  if (!values.keep) rmSync(file, { force: true })

  const result: BuildResult = {
    efConstruction,
    buildSeconds,
    rssBytesPerVector: (rssAfter - rssBefore) / n,
    fileBytesPerVector: fileBytes / n,
    fileBytes,
    writeSeconds,
    loadSeconds,
    searches,
  }
  results.push(result)
  console.log(`\nHNSW M=${m} efConstruction=${efConstruction} (hnswlib-node, built on one thread)`)
  line('build', `${buildSeconds.toFixed(1)} s (${(n / buildSeconds).toFixed(0)} vectors/s)`)
  line('memory per vector (RSS growth during build)', `${result.rssBytesPerVector.toFixed(0)} B (${formatBytes(rssAfter - rssBefore)} total)`)
  line('index file', `${formatBytes(fileBytes)} (${result.fileBytesPerVector.toFixed(0)} B per vector), written in ${writeSeconds.toFixed(1)} s`)
  line('load from file', `${loadSeconds.toFixed(1)} s`)
  for (const s of searches) {
    line(`ef=${s.ef}: query p50 / p95, recall@${k}`, `${ms(s.latency.p50Ms)} / ${ms(s.latency.p95Ms)}, ${s.recall.toFixed(4)}`)
    line(
      `ef=${s.ef}, filter passing 1/${filterEvery}: p50 / p95, recall@${k}`,
      `${ms(s.filteredLatency.p50Ms)} / ${ms(s.filteredLatency.p95Ms)}, ${s.filteredRecall.toFixed(4)}`,
    )
  }
}

console.log(`\nbaseline in the same run: exact search p50 ${ms(exactLatency.p50Ms)}, p95 ${ms(exactLatency.p95Ms)}`)
console.log(
  `RESULT ${JSON.stringify({ n, dims, clusters, subspaceDims: spec.subspaceDims, queries: queryCount, k, m, exact: exactLatency, builds: results })}`,
)
