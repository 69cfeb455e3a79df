import type { Command } from 'commander'
import { isAbsolute, join } from 'node:path'
import type { NetworkPeersResponse } from '@wissensnetz/protocol'
import { loadConfig, writeDefaultConfig } from '../config/load.ts'
import { IDENTITY_FILE } from '../federation/constants.ts'
import { loadOrCreateIdentity, peerIdOfIdentity, writeNetworkKey } from '../federation/keys.ts'
import { MemberList } from '../federation/members.ts'
import { WissensnetzNode } from '../node.ts'
import { resolveDataDir } from '../store/datadir.ts'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'

/** how long `peers` waits for a running node's API before reading the database instead */
const RUNNING_NODE_TIMEOUT_MS = 1_500

function context(command: Command) {
  const dataDir = resolveDataDir(command.optsWithGlobals().data as string)
  writeDefaultConfig(dataDir.configFile)
  const config = loadConfig(dataDir.configFile)
  const path = (file: string) => (isAbsolute(file) ? file : join(dataDir.root, file))
  return { dataDir, config, path }
}

/** `wissensnetz peers` and `wissensnetz network …`: membership, keys and status of the consortium network. */
export function registerFederationCommands(program: Command): void {
  program
    .command('peers')
    .description('Mitglieder des Verbundnetzes: verbunden, zuletzt gesehen, Protokollversionen')
    .option('--json', 'als JSON ausgeben')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { dataDir, config } = context(command)
      const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host
      let view: NetworkPeersResponse | null = null
      let live = false
      try {
        const response = await fetch(`http://${host}:${config.server.port}/api/network/peers`, {
          signal: AbortSignal.timeout(RUNNING_NODE_TIMEOUT_MS),
        })
        if (response.ok) {
          view = (await response.json()) as NetworkPeersResponse
          live = true
        }
      } catch {
        // no running node: read what the last run recorded
      }
      if (view === null) {
        const node = await WissensnetzNode.open({ dataDir, exclusive: false, models: false })
        try {
          view = node.federation?.peersView() ?? { enabled: false, self: null, peers: [] }
        } finally {
          await node.close()
        }
      }
      if (opts.json === true) return void process.stdout.write(`${JSON.stringify({ ...view, live }, null, 2)}\n`)
      if (!view.enabled) return void process.stdout.write('Das Verbundnetz ist ausgeschaltet (federation.enabled in config.yaml).\n')
      if (view.self !== null) process.stdout.write(`Dieser Knoten: ${view.self.municipality} ${view.self.peerId}\n`)
      if (!live) process.stdout.write('Der Knoten läuft nicht: Verbindungsstatus vom letzten Lauf.\n')
      if (view.peers.length === 0)
        return void process.stdout.write('Keine Mitglieder. Hinzufügen mit: wissensnetz network members add <peer-id> <Kommune>\n')
      for (const p of view.peers) {
        const state = p.self ? 'dieser Knoten' : p.banned ? 'gesperrt' : p.connected ? 'verbunden' : 'nicht verbunden'
        process.stdout.write(
          `${p.municipality}\t${p.peerId}\t${state}\tzuletzt gesehen: ${p.lastSeen ?? 'nie'}\t${p.protocols.join(' ')}\n`,
        )
      }
    })

  const network = program.command('network').description('Verbundnetz einrichten: Netzwerkschlüssel, Identität, Mitglieder')
  network
    .command('init-key')
    .description('neuen Netzwerkschlüssel (privates Netz) anlegen; einmal je Verbund, dann an alle Mitglieder verteilen')
    .option('--out <file>', 'Zieldatei (Standard: federation.networkKeyFile)')
    .action((opts: { out?: string }, command: Command) => {
      const { config, path } = context(command)
      const file = opts.out ?? path(config.federation.networkKeyFile)
      writeNetworkKey(file)
      process.stdout.write(`Netzwerkschlüssel geschrieben: ${file} (nur für den Verbund; sicher an die Mitglieder übergeben)\n`)
    })
  network
    .command('id')
    .description('Peer-ID dieses Knotens anzeigen (wird beim ersten Aufruf angelegt); die anderen Mitglieder tragen sie ein')
    .action(async (_opts, command: Command) => {
      const { path } = context(command)
      const file = path(IDENTITY_FILE)
      const id = peerIdOfIdentity(file) ?? peerIdFromPrivateKey(await loadOrCreateIdentity(file)).toString()
      process.stdout.write(`${id}\n`)
    })
  const members = network.command('members').description('Mitgliederliste des Verbunds')
  members
    .command('add')
    .description('Mitglied eintragen (oder umbenennen)')
    .argument('<peerId>', 'Peer-ID des Mitglieds')
    .argument('<name>', 'Name der Kommune')
    .action((peerId: string, name: string, _opts, command: Command) => {
      const { config, path } = context(command)
      const list = new MemberList(path(config.federation.membersFile), config.federation.members)
      const member = list.add(peerId, name)
      process.stdout.write(`Mitglied eingetragen: ${member.municipality} ${member.peerId} (wirksam beim nächsten Start)\n`)
    })
  members
    .command('list')
    .description('Mitglieder auflisten')
    .action((_opts, command: Command) => {
      const { config, path } = context(command)
      for (const m of new MemberList(path(config.federation.membersFile), config.federation.members).list()) {
        process.stdout.write(`${m.municipality}\t${m.peerId}\n`)
      }
    })
}
