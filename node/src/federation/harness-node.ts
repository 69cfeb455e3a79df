import '../polyfill.ts'
import { HttpServer } from '../api/server.ts'
import { addSource } from '../ingest/add-source.ts'
import type { Config } from '../config/schema.ts'
import { WissensnetzNode } from '../node.ts'
import { resolveDataDir } from '../store/datadir.ts'
import { createTestToken } from '../test/helpers.ts'
import type { Member } from './members.ts'
import { federatedConfig } from './testing.ts'

/**
 * One harness node as a real process: `node --import tsx harness-node.ts '<json spec>'`. Opens its data
 * directory, adds and ingests its sources, serves the HTTP API on a free loopback port, joins the network,
 * then prints one line `HARNESS_READY {…}` on stdout. SIGTERM closes it cleanly.
 */
export interface HarnessNodeSpec {
  root: string
  municipality: string
  networkKeyFile: string
  members: Member[]
  bootstrap: string[]
  listenPort: number
  sources: Array<{ name: string; location: string; groups?: string[] }>
  inbound?: Partial<Config['federation']['inbound']>
  outbound?: Partial<Config['federation']['outbound']>
}

export const READY_PREFIX = 'HARNESS_READY '

const spec = JSON.parse(process.argv[2] ?? '{}') as HarnessNodeSpec
const node = await WissensnetzNode.open({
  dataDir: resolveDataDir(spec.root),
  exclusive: true,
  models: false,
  configOverrides: (c) => federatedConfig(c, { ...spec, listen: [`/ip4/127.0.0.1/tcp/${spec.listenPort}`] }),
})
const known = new Set(node.sources.list().map((s) => s.name))
for (const s of spec.sources) {
  if (!known.has(s.name))
    addSource(node.sources, { kind: 'folder', location: s.location, name: s.name, ...(s.groups === undefined ? {} : { groups: s.groups }) })
}
await node.scheduler.triggerAll()
// The API needs a login: the harness acts as an administrator in every group of its sources.
const groups = [...new Set(spec.sources.flatMap((s) => s.groups ?? []))]
const { authorization } = await createTestToken(node, { roles: ['admin', 'dpo'], groups, username: 'harness' })
const server = new HttpServer(node, '127.0.0.1', 0)
await server.start()
await node.federation!.start()
const { port } = server.address()
const ready = {
  peerId: node.federation!.peerId(),
  addrs: node.federation!.addresses(),
  http: `http://127.0.0.1:${port}`,
  authorization,
  pid: process.pid,
}
process.stdout.write(`${READY_PREFIX}${JSON.stringify(ready)}\n`)

let closing = false
const close = async () => {
  if (closing) return
  closing = true
  await server.stop()
  await node.close()
  process.exit(0)
}
process.on('SIGTERM', () => void close())
process.on('SIGINT', () => void close())
