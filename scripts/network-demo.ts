import '../node/src/polyfill.ts'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse, stringify } from 'yaml'
import { ensureInitialUsers } from '../node/src/auth/index.ts'
import { DEFAULT_CONFIG_YAML } from '../node/src/config/schema.ts'
import { prepareIdentity, waitFor } from '../node/src/federation/testing.ts'
import { writeNetworkKey } from '../node/src/federation/keys.ts'
import { addSource } from '../node/src/ingest/add-source.ts'
import { WissensnetzNode } from '../node/src/node.ts'
import { resolveDataDir } from '../node/src/store/datadir.ts'

/**
 * `npm run network:demo [-- --check]`: three municipalities as three real `wissensnetz serve` processes on this
 * machine, federated over loopback, each with its own part of the demo corpus and sharing one source. With
 * --check it publishes an agent, asks one federated question, prints what happened and exits.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DEMO = join(ROOT, 'demo')
const BASE = resolve(process.env.WISSENSNETZ_DEMO_DIR ?? join(ROOT, 'data', 'network-demo'))
const CLI = join(ROOT, 'node', 'src', 'cli', 'main.ts')
const FIRST_P2P_PORT = 4011
const FIRST_HTTP_PORT = 8081
const START_TIMEOUT_MS = 120_000
/** `Bearer …` per town: the API needs a login; the script acts as each town's admin. */
const authorizations: string[] = []

interface Town {
  name: string
  shared: string
  sources: Array<{ name: string; location: string; kind: 'folder' | 'dms' }>
}

const TOWNS: Town[] = [
  {
    name: 'Rauschenbach',
    shared: 'Ordnungsamt',
    sources: [
      { name: 'Ordnungsamt', location: join(DEMO, 'ablage', 'Ordnungsamt'), kind: 'folder' },
      { name: 'Bauamt', location: join(DEMO, 'ablage', 'Bauamt'), kind: 'folder' },
    ],
  },
  {
    name: 'Auenbach',
    shared: 'Finanzen',
    sources: [
      { name: 'Finanzen', location: join(DEMO, 'ablage', 'Finanzen'), kind: 'folder' },
      { name: 'Hauptamt', location: join(DEMO, 'ablage', 'Hauptamt'), kind: 'folder' },
    ],
  },
  {
    name: 'Lindscheid',
    shared: 'DMS-Export',
    sources: [
      { name: 'DMS-Export', location: join(DEMO, 'dms-export'), kind: 'dms' },
      { name: 'IT', location: join(DEMO, 'ablage', 'IT'), kind: 'folder' },
    ],
  },
]

async function prepare(): Promise<void> {
  mkdirSync(BASE, { recursive: true })
  const keyFile = join(BASE, 'swarm.key')
  if (!existsSync(keyFile)) writeNetworkKey(keyFile)
  const roots = TOWNS.map((t) => join(BASE, t.name))
  const ids = await Promise.all(roots.map(prepareIdentity))
  const members = ids.map((peerId, i) => ({ peerId, municipality: TOWNS[i]!.name }))
  for (const [i, town] of TOWNS.entries()) {
    const config = parse(DEFAULT_CONFIG_YAML) as Record<string, Record<string, unknown>>
    config.node = { name: town.name }
    config.server = { ...config.server, port: FIRST_HTTP_PORT + i }
    config.ingest = { ...config.ingest, watch: false, rescanIntervalMinutes: 0 }
    config.federation = {
      ...config.federation,
      enabled: true,
      listen: [`/ip4/127.0.0.1/tcp/${FIRST_P2P_PORT + i}`],
      bootstrap: i === 0 ? [] : [`/ip4/127.0.0.1/tcp/${FIRST_P2P_PORT}/p2p/${ids[0]}`],
      networkKeyFile: keyFile,
      members,
      outbound: { peers: ['*'], timeoutMs: 3000 },
      inbound: { peers: ['*'], sources: [town.shared], detail: 'titles-snippets', maxHits: 10 },
    }
    writeFileSync(join(roots[i]!, 'config.yaml'), `# Netzwerk-Demo (scripts/network-demo.ts)\n${stringify(config)}`)
    const node = await WissensnetzNode.open({ dataDir: resolveDataDir(roots[i]!), exclusive: true, models: false })
    try {
      const known = new Set(node.sources.list().map((s) => s.name))
      for (const s of town.sources) if (!known.has(s.name)) addSource(node.sources, { kind: s.kind, location: s.location, name: s.name })
      for (const user of await ensureInitialUsers(node.auth, { demo: true })) {
        process.stdout.write(`${town.name}: Konto ${user.username}, Passwort ${user.password} (nur jetzt angezeigt)\n`)
      }
      authorizations[i] = `Bearer ${node.auth.accounts.createToken('admin', 'network-demo').token}`
    } finally {
      await node.close()
    }
  }
}

function serve(i: number): Promise<ChildProcess> {
  const root = join(BASE, TOWNS[i]!.name)
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--data', root, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stderr!.on('data', (d: Buffer) => {
    log = `${log}${d.toString()}`.slice(-10_000)
  })
  return new Promise((resolveStarted, reject) => {
    const timer = setTimeout(() => reject(new Error(`${TOWNS[i]!.name} did not start:\n${log}`)), START_TIMEOUT_MS)
    child.stdout!.on('data', (d: Buffer) => {
      if (!d.toString().includes('Wissensnetz läuft auf')) return
      clearTimeout(timer)
      resolveStarted(child)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${TOWNS[i]!.name} exited with ${code}:\n${log}`))
    })
  })
}

async function api<T>(i: number, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${FIRST_HTTP_PORT + i}${path}`, {
    method,
    headers: { authorization: authorizations[i] ?? '', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  })
  const json = (await response.json()) as T
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
  return json
}

async function check(): Promise<void> {
  await waitFor(
    async () => {
      const views = await Promise.all(
        TOWNS.map((_, i) => api<{ peers: Array<{ connected: boolean; self: boolean }> }>(i, 'GET', '/api/network/peers')),
      )
      return views.every((v) => v.peers.filter((p) => !p.self && p.connected).length === TOWNS.length - 1)
    },
    30_000,
    'all three municipalities connected',
    250,
  )
  await waitFor(
    async () => (await api<{ documents: { indexed: number } }>(1, 'GET', '/api/status')).documents.indexed > 0,
    60_000,
    'demo corpus ingested',
    250,
  )
  process.stdout.write('Alle drei Kommunen sind verbunden.\n')
  const agents = await api<{ agents: Array<{ id: string; name: string }> }>(0, 'GET', '/api/agents')
  const first = agents.agents[0]
  if (first !== undefined) {
    await api(0, 'POST', '/api/network/catalog/publish', { agentId: first.id })
    await waitFor(
      async () => (await api<{ agents: unknown[] }>(2, 'GET', '/api/network/catalog')).agents.length > 0,
      10_000,
      'agent in the catalogue of Lindscheid',
      100,
    )
    process.stdout.write(`Assistent „${first.name}“ von Rauschenbach veröffentlicht; in Lindscheid im Katalog.\n`)
  }
  const question = 'Welche Gebühren gelten für die Hundesteuer? Rückfragen an Frau Petra Klein, Tel. 02651 4711'
  const preview = await api<{ text: string }>(2, 'POST', '/api/network/query/preview', { question })
  process.stdout.write(`Frage aus Lindscheid: ${question}\nGesendet wird:      ${preview.text}\n`)
  const result = await api<{
    hits: Array<{ municipality: string; title: string | null }>
    peers: Array<{ municipality: string; status: string }>
  }>(2, 'POST', '/api/network/query', { question, expectedText: preview.text, includeLocal: true })
  for (const p of result.peers) process.stdout.write(`  ${p.municipality}: ${p.status}\n`)
  for (const hit of result.hits.slice(0, 5)) process.stdout.write(`  [${hit.municipality}] ${hit.title ?? '(ohne Titel)'}\n`)
}

await prepare()
const children: ChildProcess[] = []
const stopAll = () => {
  for (const c of children) c.kill('SIGTERM')
}
process.on('SIGINT', () => {
  stopAll()
  process.exit(0)
})
try {
  children.push(await serve(0))
  children.push(...(await Promise.all([serve(1), serve(2)])))
  for (const [i, town] of TOWNS.entries()) {
    process.stdout.write(
      `${town.name}: http://127.0.0.1:${FIRST_HTTP_PORT + i} (teilt „${town.shared}“), Daten: ${join(BASE, town.name)}\n`,
    )
  }
  if (process.argv.includes('--check')) {
    await check()
    stopAll()
  } else {
    process.stdout.write('Netzwerk-Demo läuft. Beenden mit Strg+C.\n')
    await new Promise(() => {})
  }
} catch (err) {
  stopAll()
  process.stderr.write(`${(err as Error).message}\n`)
  process.exit(1)
}
