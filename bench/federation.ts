// Federation benchmark: N real nodes (separate processes) on loopback, each with a slice of the Karlsruhe council
// corpus. Measures, in the same run and through the same HTTP API of node 0:
//   - local search latency (POST /api/search) as the baseline,
//   - federated question latency (POST /api/network/query: anonymise, ask N-1 peers, merge with local hits),
//   - how long one published agent takes to reach every other node's catalogue.
// Goals: federated p95 ≤ local p95 + 150 ms; propagation to all nodes ≤ 3 s.
// Where the time goes: CPU summed over all node processes per question (Linux /proc), the answering nodes'
// own time under the fan-out against node 0's search time alone, and how busy the machine's cores were.
//
// Usage: npm run bench:federation -- [--nodes 10] [--docs 120] [--queries 60] [--agents 3] [--keep]
import '../node/src/polyfill.ts'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { FederationHarness } from '../node/src/federation/harness.ts'
import { waitFor } from '../node/src/federation/testing.ts'
import { type CorpusDoc, dataFile, missingFiles, type Query, readJsonl } from './lib/data.ts'
import { mean, percentile } from './lib/metrics.ts'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10' },
    docs: { type: 'string', default: '120' },
    queries: { type: 'string', default: '60' },
    agents: { type: 'string', default: '3' },
    out: { type: 'string', default: '.bench-out/federation' },
    keep: { type: 'boolean', default: false },
  },
})

const NODES = Number(values.nodes)
const DOCS_PER_NODE = Number(values.docs)
const QUERIES = Number(values.queries)
const AGENTS = Number(values.agents)
const WARMUP_QUERIES = 5
const GOAL_EXTRA_P95_MS = 150
const GOAL_PROPAGATION_MS = 3000
const POLL_INTERVAL_MS = 20

const corpusFile = dataFile('karlsruhe-oparl', 'corpus.jsonl')
const queriesFile = dataFile('karlsruhe-oparl', 'queries_title.jsonl')
const missing = missingFiles(corpusFile, queriesFile)
if (missing.length > 0) {
  process.stdout.write(`SKIP bench:federation: missing ${missing.join(', ')}\n`)
  process.exit(0)
}

const out = resolve(values.out)
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

// Slices of the corpus as plain text files outside the repository (read in place, written to the bench folder).
const corpus = readJsonl<CorpusDoc & { fileName?: string }>(corpusFile).slice(0, NODES * DOCS_PER_NODE)
const slices: string[] = []
const inSlice = new Set<string>()
for (let n = 0; n < NODES; n++) {
  const folder = join(out, 'corpus', `node-${n}`)
  mkdirSync(folder, { recursive: true })
  for (const doc of corpus.slice(n * DOCS_PER_NODE, (n + 1) * DOCS_PER_NODE)) {
    writeFileSync(join(folder, `${doc.id}.txt`), `${doc.title}\n\n${doc.text}`)
    inSlice.add(doc.id)
  }
  slices.push(folder)
}
const queries = readJsonl<Query>(queriesFile)
  .filter((q) => q.relevant.some((id) => inSlice.has(id)))
  .concat(readJsonl<Query>(queriesFile))
  .slice(0, QUERIES + WARMUP_QUERIES)
  .map((q) => q.query.slice(0, 300))

/** CPU time (user + system) of a process in ms, from /proc; null where there is no /proc. */
function processCpuMs(pid: number): number | null {
  const file = `/proc/${pid}/stat`
  if (!existsSync(file)) return null
  const fields = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? []
  const CLOCK_TICKS_PER_S = 100
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S
}

/** Busy and total jiffies of the whole machine (all processes, ours and others'). */
function machineJiffies(): { busy: number; total: number } | null {
  if (!existsSync('/proc/stat')) return null
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number)
  return { busy: user + nice + system + irq + softirq + steal, total: user + nice + system + idle + iowait + irq + softirq + steal }
}

const loadAtStart = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ')
const t0 = performance.now()
const harness = await FederationHarness.start(
  join(out, 'nodes'),
  slices.map((location, i) => ({
    municipality: `Gemeinde ${String(i + 1).padStart(2, '0')}`,
    sources: [{ name: 'Ratsdokumente', location }],
    inbound: { sources: ['Ratsdokumente'] },
    outbound: { timeoutMs: 2000 },
  })),
  // two cores: starting ten processes at once only makes each slower
  { concurrency: 2, startTimeoutMs: 300_000 },
)
const startSeconds = (performance.now() - t0) / 1000

try {
  await harness.waitForMesh(120_000)
  const meshSeconds = (performance.now() - t0) / 1000

  const local: number[] = []
  const localSearchOnly: number[] = []
  const federated: number[] = []
  const peerFailures = new Map<string, number>()
  const pids = harness.nodes.map((n) => n.process?.pid ?? 0)
  const cpuNow = (): number | null => {
    let sum = 0
    for (const pid of pids) {
      const ms = processCpuMs(pid)
      if (ms === null) return null
      sum += ms
    }
    return sum
  }
  let localCpu: number | null = 0
  let federatedCpu: number | null = 0
  const add = (total: number | null, before: number | null, after: number | null) =>
    total === null || before === null || after === null ? null : total + after - before
  let machineAtStart = machineJiffies()
  for (const [i, question] of queries.entries()) {
    if (i === WARMUP_QUERIES) machineAtStart = machineJiffies()
    const cpuA = cpuNow()
    const a = performance.now()
    const l = await harness.api<{ tookMs: number }>(0, 'POST', '/api/search', { query: question, limit: 10 })
    const b = performance.now()
    const cpuB = cpuNow()
    const f = await harness.api<{ peers: Array<{ status: string }> }>(0, 'POST', '/api/network/query', {
      question,
      limit: 10,
      includeLocal: true,
    })
    const c = performance.now()
    const cpuC = cpuNow()
    if (l.status !== 200 || f.status !== 200) throw new Error(`query failed: ${l.status} ${f.status} ${JSON.stringify(f.body)}`)
    if (i < WARMUP_QUERIES) continue
    local.push(b - a)
    localSearchOnly.push(l.body.tookMs)
    federated.push(c - b)
    localCpu = add(localCpu, cpuA, cpuB)
    federatedCpu = add(federatedCpu, cpuB, cpuC)
    for (const p of f.body.peers) if (p.status !== 'ok') peerFailures.set(p.status, (peerFailures.get(p.status) ?? 0) + 1)
  }
  const machineAtEnd = machineJiffies()
  const cores = availableParallelism()
  const machineBusy =
    machineAtStart === null || machineAtEnd === null
      ? null
      : ((machineAtEnd.busy - machineAtStart.busy) / (machineAtEnd.total - machineAtStart.total)) * cores
  const loadAfterQueries = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')

  const propagation: number[] = []
  for (let k = 0; k < AGENTS; k++) {
    const name = `Benchmark-Assistent ${k} ${Date.now()}`
    const created = await harness.api<{ id: string }>(0, 'POST', '/api/agents', { name, instructions: 'Fasse zusammen.' })
    const started = performance.now()
    await harness.api(0, 'POST', '/api/network/catalog/publish', { agentId: created.body.id })
    const arrived = await Promise.all(
      harness.nodes.slice(1).map(async (n) => {
        await waitFor(
          async () =>
            (await harness.api<{ agents: unknown[] }>(n.index, 'GET', `/api/network/catalog?q=${encodeURIComponent(name)}`)).body.agents
              .length === 1,
          30_000,
          `agent on node ${n.index}`,
          POLL_INTERVAL_MS,
        )
        return performance.now() - started
      }),
    )
    propagation.push(Math.max(...arrived))
  }

  // Protocol overhead per peer: the asker's round trip minus the answering node's own time (same nonce).
  type Row = { nonce: string | null; kind: string; direction: string; tookMs: number | null }
  const exchanges = async (i: number) =>
    (await harness.api<{ exchanges: Row[] }>(i, 'GET', '/api/network/exchanges?limit=1000')).body.exchanges.filter(
      (e) => e.kind === 'query',
    )
  const answered = new Map<string, number>()
  for (const n of harness.nodes.slice(1)) {
    for (const e of await exchanges(n.index)) if (e.direction === 'in' && e.nonce !== null) answered.set(e.nonce, e.tookMs ?? 0)
  }
  const overhead = (await exchanges(0))
    .filter((e) => e.direction === 'out' && e.nonce !== null && answered.has(e.nonce))
    .map((e) => (e.tookMs ?? 0) - (answered.get(e.nonce as string) ?? 0))
  const serverTimes = [...answered.values()]

  const rss = await Promise.all(
    harness.nodes.map(async (n) => (await harness.api<{ memory: { rss: number } }>(n.index, 'GET', '/api/network/stats')).body.memory.rss),
  )
  const fmt = (v: number) => v.toFixed(1).padStart(8)
  const lp95 = percentile(local, 95)
  const fp95 = percentile(federated, 95)
  const extra = fp95 - lp95
  const slowest = Math.max(...propagation)
  const p50p95 = (v: number[]) => `${percentile(v, 50).toFixed(0)}/${percentile(v, 95).toFixed(0)}`
  const peersNote = `${NODES - 1} peers + local, merged`
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met')
  const notOk = peerFailures.size === 0 ? 'none' : [...peerFailures].map(([s, n]) => `${s} ×${n}`).join(', ')
  const perQuestion = (total: number | null) => (total === null ? 'n/a' : `${(total / local.length).toFixed(0)} ms`)
  const cpuLine =
    federatedCpu === null
      ? 'CPU per question: not measured (no /proc)'
      : `CPU per question, all ${NODES} node processes together: local search ${perQuestion(localCpu)}, federated question ` +
        `${perQuestion(federatedCpu)} (÷ ${cores} cores = ${(federatedCpu / local.length / cores).toFixed(0)} ms at best); ` +
        `cores busy during the queries ${machineBusy === null ? 'n/a' : machineBusy.toFixed(2)} of ${cores} (all processes on the machine), ` +
        `load average after ${loadAfterQueries}`
  process.stdout.write(
    [
      `bench:federation  ${NODES} nodes on loopback, ${DOCS_PER_NODE} Karlsruhe documents each, ` +
        `${local.length} queries (+${WARMUP_QUERIES} warm-up), load average at start ${loadAtStart}`,
      `start ${startSeconds.toFixed(1)} s (ingest included), full mesh after ${meshSeconds.toFixed(1)} s`,
      '                          p50       p95      mean   (ms)',
      `local search (baseline) ${fmt(percentile(local, 50))}  ${fmt(lp95)}  ${fmt(mean(local))}`,
      `federated question      ${fmt(percentile(federated, 50))}  ${fmt(fp95)}  ${fmt(mean(federated))}   ${peersNote}`,
      `federated p95 − local p95 = ${extra.toFixed(1)} ms (goal ≤ ${GOAL_EXTRA_P95_MS} ms): ${verdict(extra <= GOAL_EXTRA_P95_MS)}`,
      `per peer p50/p95: answering node's own time ${p50p95(serverTimes)} ms, round trip minus that ${p50p95(overhead)} ms; ` +
        `node 0's search alone (same questions, no fan-out running) ${p50p95(localSearchOnly)} ms`,
      cpuLine,
      `peer answers not ok: ${notOk}`,
      `agent propagation to all ${NODES - 1} other nodes: ${propagation.map((p) => `${p.toFixed(0)} ms`).join(', ')} ` +
        `(goal ≤ ${GOAL_PROPAGATION_MS} ms): ${verdict(slowest <= GOAL_PROPAGATION_MS)}`,
      `node memory (RSS): mean ${(mean(rss) / 2 ** 20).toFixed(0)} MB, max ${(Math.max(...rss) / 2 ** 20).toFixed(0)} MB`,
      '',
    ].join('\n'),
  )
} finally {
  await harness.close()
  if (!values.keep) rmSync(out, { recursive: true, force: true })
}
