import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Config } from '../config/schema.ts'
import { WissensnetzNode } from '../node.ts'
import { resolveDataDir } from '../store/datadir.ts'
import { IDENTITY_FILE } from './constants.ts'
import { loadOrCreateIdentity } from './keys.ts'
import type { Member } from './members.ts'

/** Waits for a condition with a bounded deadline (tests and harness; never a blind sleep). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Creates a node's identity ahead of time, so that member lists can name it before it starts. */
export async function prepareIdentity(dataRoot: string): Promise<string> {
  return peerIdFromPrivateKey(await loadOrCreateIdentity(join(dataRoot, IDENTITY_FILE))).toString()
}

export interface FederatedNodeOptions {
  root: string
  municipality: string
  networkKeyFile: string
  members: Member[]
  bootstrap?: string[]
  inbound?: Partial<Config['federation']['inbound']>
  outbound?: Partial<Config['federation']['outbound']>
  listen?: string[]
}

/** Applies a test or harness node's federation settings over the configuration read from disk. */
export function federatedConfig(config: Config, o: Omit<FederatedNodeOptions, 'root'>): Config {
  return {
    ...config,
    node: { ...config.node, name: o.municipality },
    ingest: { ...config.ingest, watch: false, rescanIntervalMinutes: 0, ocr: false },
    federation: {
      ...config.federation,
      enabled: true,
      listen: o.listen ?? ['/ip4/127.0.0.1/tcp/0'],
      bootstrap: o.bootstrap ?? [],
      networkKeyFile: o.networkKeyFile,
      members: o.members,
      outbound: { ...config.federation.outbound, peers: ['*'], timeoutMs: 2000, ...o.outbound },
      inbound: { ...config.federation.inbound, peers: ['*'], ...o.inbound },
    },
  }
}

/** A real node with federation configured (not started). */
export async function openFederatedNode(o: FederatedNodeOptions): Promise<WissensnetzNode> {
  return WissensnetzNode.open({
    dataDir: resolveDataDir(o.root),
    exclusive: true,
    models: false,
    configOverrides: (c) => federatedConfig(c, o),
  })
}
