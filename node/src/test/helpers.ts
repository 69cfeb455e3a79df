import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Role } from '@wissensnetz/protocol'
import type { Config } from '../config/schema.ts'
import { HttpServer } from '../api/server.ts'
import { WissensnetzNode } from '../node.ts'
import { resolveDataDir } from '../store/datadir.ts'

/** A temporary directory for one test. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `wn-${prefix}-`))
}

/** Writes files (relative path → content) under root, creating folders. */
export function writeFiles(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path)
    mkdirSync(dirname(full), { recursive: true })
    writeFileSync(full, content)
  }
}

/** A real node on a temporary data directory, without file watching or periodic rescans. */
export async function openTestNode(
  dataRoot = tempDir('data'),
  models = false,
  ingest: Partial<Config['ingest']> = {},
): Promise<WissensnetzNode> {
  return WissensnetzNode.open({
    dataDir: resolveDataDir(dataRoot),
    exclusive: true,
    models,
    configOverrides: (c) => ({ ...c, ingest: { ...c.ingest, watch: false, rescanIntervalMinutes: 0, ocr: false, ...ingest } }),
  })
}

/** Absolute path of a file under ../shared (models, benchmark data), or null when this clone has none. */
export function sharedPath(relative: string): string | null {
  const full = fileURLToPath(new URL(`../../../../shared/${relative}`, import.meta.url))
  return existsSync(full) ? full : null
}

let testUsers = 0

/**
 * A user with these roles and groups (no password) and an API token for them: the headers to send.
 * Searches made with it see what members of `groups` see (the admin role widens nothing).
 */
export async function createTestToken(
  node: WissensnetzNode,
  options: { roles?: Role[]; groups?: string[]; username?: string } = {},
): Promise<{ authorization: string }> {
  const username = options.username ?? `test-${process.pid}-${++testUsers}`
  const existing = node.auth.users.find(username)
  if (existing === null) {
    await node.auth.accounts.createUser({ username, passwordless: true, roles: options.roles ?? ['reader'], groups: options.groups ?? [] })
  }
  return { authorization: `Bearer ${node.auth.accounts.createToken(username, 'test').token}` }
}

/** A node's HTTP API on a free loopback port, as `serve` runs it; `base` is its URL without a trailing slash. */
export async function serveTestNode(node: WissensnetzNode): Promise<{ server: HttpServer; base: string }> {
  const server = new HttpServer(node, '127.0.0.1', 0)
  await server.start()
  return { server, base: `http://127.0.0.1:${server.address().port}` }
}
