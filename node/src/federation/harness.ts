import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { HarnessNodeSpec } from './harness-node.ts'
import { writeNetworkKey } from './keys.ts'
import type { Member } from './members.ts'
import { prepareIdentity, waitFor } from './testing.ts'

const ENTRY = fileURLToPath(new URL('./harness-node.ts', import.meta.url))
const READY_PREFIX = 'HARNESS_READY '
/** a node process has this long to ingest its corpus, start and join */
const START_TIMEOUT_MS = 120_000
/** after SIGTERM, a node has this long to close before it gets SIGKILL */
const STOP_TIMEOUT_MS = 10_000
/** after SIGKILL, how long to wait for the exit before giving the process up */
const KILL_TIMEOUT_MS = 5_000

/** Node sets these before it emits 'exit': a listener attached afterwards would wait forever. */
const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null

/** Resolves true once the process has exited, false after `timeoutMs`. */
function exitWithin(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const onExit = () => {
      clearTimeout(timer)
      resolve(true)
    }
    const timer = setTimeout(() => {
      child.off('exit', onExit)
      resolve(false)
    }, timeoutMs)
    child.once('exit', onExit)
  })
}

export interface HarnessNodeOptions {
  municipality: string
  sources?: HarnessNodeSpec['sources']
  inbound?: HarnessNodeSpec['inbound']
  outbound?: HarnessNodeSpec['outbound']
}

export interface HarnessNode {
  index: number
  municipality: string
  peerId: string
  root: string
  /** set while running */
  http: string | null
  /** `Bearer …` of the node's API token, set while running */
  authorization: string
  addrs: string[]
  process: ChildProcess | null
  spec: HarnessNodeSpec
}

/**
 * Starts real Wissensnetz nodes as separate processes on 127.0.0.1, each with its own data directory, one
 * network key and a member list naming all of them (plus any extra members, such as a rogue test peer).
 * Node 0 starts first; the others bootstrap from it. Tests drive the nodes through their HTTP API.
 */
export class FederationHarness {
  readonly nodes: HarnessNode[] = []
  readonly networkKeyFile: string
  private stderr = new Map<number, string>()

  private constructor(
    readonly dir: string,
    readonly members: Member[],
    private readonly startTimeoutMs: number,
  ) {
    this.networkKeyFile = join(dir, 'swarm.key')
  }

  static async start(
    dir: string,
    specs: HarnessNodeOptions[],
    options: { extraMembers?: Member[] /** processes starting at once after node 0 */; concurrency?: number; startTimeoutMs?: number } = {},
  ): Promise<FederationHarness> {
    mkdirSync(dir, { recursive: true })
    const roots = specs.map((s, i) => join(dir, `node-${i}-${s.municipality.replace(/[^A-Za-z0-9]/g, '')}`))
    const ids = await Promise.all(roots.map(prepareIdentity))
    const members = [...ids.map((peerId, i) => ({ peerId, municipality: specs[i]!.municipality })), ...(options.extraMembers ?? [])]
    const harness = new FederationHarness(dir, members, options.startTimeoutMs ?? START_TIMEOUT_MS)
    writeNetworkKey(harness.networkKeyFile)
    for (const [i, s] of specs.entries()) {
      harness.nodes.push({
        index: i,
        municipality: s.municipality,
        peerId: ids[i]!,
        root: roots[i]!,
        http: null,
        authorization: '',
        addrs: [],
        process: null,
        spec: {
          root: roots[i]!,
          municipality: s.municipality,
          networkKeyFile: harness.networkKeyFile,
          members,
          bootstrap: [],
          listenPort: 0,
          sources: s.sources ?? [],
          ...(s.inbound === undefined ? {} : { inbound: s.inbound }),
          ...(s.outbound === undefined ? {} : { outbound: s.outbound }),
        },
      })
    }
    try {
      await harness.startNode(0)
      const first = harness.nodes[0]!.addrs[0]!
      const waiting = harness.nodes.slice(1)
      const worker = async () => {
        for (let n = waiting.shift(); n !== undefined; n = waiting.shift()) {
          n.spec.bootstrap = [first]
          await harness.startNode(n.index)
        }
      }
      await Promise.all(Array.from({ length: options.concurrency ?? specs.length }, worker))
    } catch (err) {
      await harness.close()
      throw err
    }
    return harness
  }

  /** Starts (or restarts, on the same port) a node process and waits until it has joined. */
  async startNode(i: number): Promise<HarnessNode> {
    const node = this.nodes[i]!
    if (node.process !== null) return node
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, JSON.stringify(node.spec)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WISSENSNETZ_LOG: process.env.WISSENSNETZ_LOG ?? 'silent' },
    })
    node.process = child
    this.stderr.set(i, '')
    child.stderr!.on('data', (d: Buffer) => this.stderr.set(i, `${this.stderr.get(i) ?? ''}${d.toString()}`.slice(-20_000)))
    const starting = new Promise<{ peerId: string; addrs: string[]; http: string; authorization: string }>((resolve, reject) => {
      let buffered = ''
      const timer = setTimeout(
        () => reject(new Error(`node ${i} did not start within ${this.startTimeoutMs} ms:\n${this.stderr.get(i)}`)),
        this.startTimeoutMs,
      )
      child.stdout!.on('data', (d: Buffer) => {
        buffered += d.toString()
        const line = buffered.split('\n').find((l) => l.startsWith(READY_PREFIX))
        if (line === undefined) return
        clearTimeout(timer)
        resolve(JSON.parse(line.slice(READY_PREFIX.length)))
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`node ${i} exited with ${code}:\n${this.stderr.get(i)}`))
      })
    })
    // A node that died or hung during startup is cleared, so that a restart or close() does not wait on it.
    const ready = await starting.catch(async (err: unknown) => {
      await this.stopNode(i)
      throw err
    })
    child.removeAllListeners('exit')
    child.once('exit', () => {
      node.process = null
      node.http = null
    })
    node.http = ready.http
    node.authorization = ready.authorization
    node.addrs = ready.addrs
    const port = Number(/\/tcp\/(\d+)/.exec(ready.addrs[0] ?? '')?.[1] ?? 0)
    node.spec.listenPort = port
    return node
  }

  /** Stops a node's process (SIGTERM, then SIGKILL after a deadline); returns at the latest after both deadlines. */
  async stopNode(i: number): Promise<void> {
    const node = this.nodes[i]!
    const child = node.process
    if (child === null) return
    if (!hasExited(child)) {
      child.kill('SIGTERM')
      if (!(await exitWithin(child, STOP_TIMEOUT_MS))) {
        child.kill('SIGKILL')
        await exitWithin(child, KILL_TIMEOUT_MS)
      }
    }
    node.process = null
    node.http = null
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.stopNode(n.index)))
  }

  /** Calls a node's HTTP API; returns status and parsed JSON. */
  async api<T = unknown>(i: number, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const node = this.nodes[i]!
    if (node.http === null) throw new Error(`node ${i} is not running`)
    const response = await fetch(`${node.http}${path}`, {
      method,
      headers: { authorization: node.authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    })
    return { status: response.status, body: (await response.json()) as T }
  }

  /** Waits until every running node sees every other running node connected. */
  async waitForMesh(timeoutMs = 20_000): Promise<void> {
    const running = this.nodes.filter((n) => n.process !== null)
    const missing = new Map<number, number[]>()
    await waitFor(
      async () => {
        missing.clear()
        for (const n of running) {
          const { body } = await this.api<{ peers: Array<{ peerId: string; connected: boolean }> }>(n.index, 'GET', '/api/network/peers')
          const connected = new Set(body.peers.filter((p) => p.connected).map((p) => p.peerId))
          const absent = running.filter((m) => m !== n && !connected.has(m.peerId)).map((m) => m.index)
          if (absent.length > 0) missing.set(n.index, absent)
        }
        return missing.size === 0
      },
      timeoutMs,
      'all running harness nodes connected to each other',
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; not connected: ${JSON.stringify(Object.fromEntries(missing))}`)
    })
  }

  logs(i: number): string {
    return this.stderr.get(i) ?? ''
  }
}
