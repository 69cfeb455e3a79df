import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HttpServer } from '../api/server.ts'
import { buildStatus } from '../api/routes/status.ts'
import { startupAccessNotice } from '../auth/bootstrap.ts'
import { presentFailure, presentSource } from '../api/presenters.ts'
import { addSource } from '../ingest/add-source.ts'
import { ValidationError } from '../errors.ts'
import { logger, setQuiet } from '../log.ts'
import { WissensnetzNode } from '../node.ts'
import { groupPrincipal, LOCAL_OPERATOR, type Principal } from '../store/access.ts'
import { progressPrinter } from './progress.ts'
import { dataDirOf, list, withNode } from './shared.ts'

const log = logger('node:cli')
/** The demo corpus shipped in the repository (demo/). */
export const DEMO_DIR = fileURLToPath(new URL('../../../demo/', import.meta.url))

export function registerCommands(program: Command): void {
  program
    .command('init')
    .description('Datenverzeichnis mit kommentierter Konfiguration anlegen')
    .action(async (_opts, command: Command) => {
      await withNode(command, { exclusive: true, models: false }, async (node) => {
        process.stdout.write(`Datenverzeichnis bereit: ${node.dataDir.root}\nKonfiguration: ${node.dataDir.configFile}\n`)
      })
    })

  const sources = program.command('sources').description('Quellen verwalten (Ordner, Postfächer, DMS-Exporte)')
  sources
    .command('add')
    .description('Quelle hinzufügen')
    .argument('<kind>', 'folder | mail | dms')
    .argument('<location>', 'Pfad oder IMAP-URL (imap://benutzer@host:port/INBOX)')
    .option('--name <name>', 'Name der Quelle')
    .option('--groups <a,b>', 'Gruppen, die die Dokumente sehen dürfen (Standard: alle)', list)
    .option('--owner <user>', 'Postfach: Eigentümer (sieht die Nachrichten)')
    .option('--delegates <a,b>', 'Postfach: Vertretungen, die die Nachrichten auch sehen', list)
    .option('--include <globs>', 'nur diese Dateien (Glob-Muster, kommagetrennt)', list)
    .option('--exclude <globs>', 'diese Dateien auslassen (Glob-Muster, kommagetrennt)', list)
    .option('--password-env <var>', 'IMAP: Umgebungsvariable mit dem Passwort')
    .option(
      '--access <rule>',
      'Ordner: Zugriff je Unterordner, z. B. "Personal/**=personalamt,leitung" (mehrfach möglich; erste passende Regel gilt)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(async (kind: string, location: string, opts: Record<string, unknown>, command: Command) => {
      const options: Record<string, unknown> = {}
      if (opts.owner !== undefined) options.owner = opts.owner
      if (opts.delegates !== undefined) options.delegates = opts.delegates
      if (opts.include !== undefined) options.include = opts.include
      if (opts.exclude !== undefined) options.exclude = opts.exclude
      if (opts.passwordEnv !== undefined) options.passwordEnv = opts.passwordEnv
      if (opts.access !== undefined) options.access = (opts.access as string[]).map(parseAccessRule)
      await withNode(command, { exclusive: true, models: false }, async (node) => {
        const source = addSource(node.sources, {
          kind: kind as 'folder' | 'mail' | 'dms',
          location,
          ...(opts.name === undefined ? {} : { name: opts.name as string }),
          ...(opts.groups === undefined ? {} : { groups: opts.groups as string[] }),
          options,
        })
        process.stdout.write(`Quelle "${source.name}" (${source.kind}, Nr. ${source.id}) hinzugefügt. Einlesen mit: wissensnetz ingest --source ${source.name}\n`)
      })
    })
  sources
    .command('list')
    .description('Quellen auflisten')
    .option('--json', 'als JSON ausgeben')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withNode(command, { exclusive: false, models: false }, async (node) => {
        const counts = node.documents.countsBySource()
        const runs = node.runs.latest()
        const rows = node.sources.list().map((s) => presentSource(s, counts.get(s.id), runs.get(s.id)))
        if (opts.json === true) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
        if (rows.length === 0) return void process.stdout.write('Noch keine Quellen. Hinzufügen mit: wissensnetz sources add folder <pfad>\n')
        for (const s of rows) {
          process.stdout.write(
            `${s.id}\t${s.name}\t${s.kind}\t${s.location}\t${s.documents.indexed} Dokumente, ${s.documents.failed} Fehler\tGruppen: ${s.groups.join(', ')}` +
              `${s.lastRun?.error ? `\tLETZTER LAUF FEHLGESCHLAGEN: ${s.lastRun.error}` : ''}\n`,
          )
        }
      })
    })
  sources
    .command('remove')
    .description('Quelle und alles daraus Eingelesene entfernen')
    .argument('<name>', 'Name oder Nummer der Quelle')
    .action(async (name: string, _opts, command: Command) => {
      await withNode(command, { exclusive: true, models: false }, async (node) => {
        await node.removeSource(name)
        process.stdout.write(`Quelle "${name}" und ihre Dokumente wurden entfernt.\n`)
      })
    })

  program
    .command('ingest')
    .description('Quellen einlesen (neue und geänderte Dokumente; gelöschte verschwinden aus dem Index)')
    .option('--source <name>', 'nur diese Quelle')
    .option('--watch', 'danach auf Änderungen warten und weiter einlesen (Strg+C beendet)')
    .action(async (opts: { source?: string; watch?: boolean }, command: Command) => {
      await withNode(command, { exclusive: true, models: true }, async (node) => {
        const targets = opts.source === undefined ? node.sources.list() : [node.sources.get(opts.source)]
        if (targets.length === 0) process.stdout.write('Keine Quellen konfiguriert. Hinzufügen mit: wissensnetz sources add folder <pfad>\n')
        const print = progressPrinter()
        node.scheduler.on('progress', print)
        const interrupted = onInterrupt(() => node.scheduler.stop())
        for (const source of targets) await node.scheduler.trigger(source.id)
        if (opts.watch === true) {
          await node.scheduler.start()
          process.stdout.write('Überwache Änderungen … (Strg+C beendet)\n')
          await interrupted
        }
        const counts = node.documents.counts()
        process.stdout.write(`Index: ${counts.indexed} Dokumente, ${counts.chunks} Abschnitte, ${counts.failed} fehlgeschlagen.\n`)
        if (counts.failed > 0) process.stdout.write('Gründe anzeigen: wissensnetz status --errors\n')
      })
    })

  program
    .command('search')
    .description('Suchen (hybrid, wenn ein Embedding-Modell geladen ist)')
    .argument('<query>', 'Suchanfrage')
    .option('--limit <n>', 'Anzahl Treffer', (v) => Number.parseInt(v, 10), 10)
    .option('--json', 'als JSON ausgeben')
    .option('--groups <a,b>', 'so suchen, wie ein Mitglied dieser Gruppen sucht', list)
    .option('--user <name>', 'so suchen, wie dieser Benutzer (für Postfächer)')
    .option('--source <names>', 'nur in diesen Quellen', list)
    .option('--type <exts>', 'nur diese Dateitypen (pdf,docx,…)', list)
    .option('--from <date>', 'Datum ab (JJJJ-MM-TT)')
    .option('--to <date>', 'Datum bis (JJJJ-MM-TT)')
    .option('--az <aktenzeichen>', 'Aktenzeichen (Anfang)')
    .action(async (query: string, opts: Record<string, unknown>, command: Command) => {
      if (opts.json === true) setQuiet(true)
      const { searchRequestSchema } = await import('@wissensnetz/protocol')
      const { validate } = await import('../api/errors.ts')
      const filters = {
        ...(opts.source === undefined ? {} : { sources: opts.source as string[] }),
        ...(opts.type === undefined ? {} : { types: opts.type as string[] }),
        ...(opts.from === undefined ? {} : { dateFrom: opts.from as string }),
        ...(opts.to === undefined ? {} : { dateTo: opts.to as string }),
        ...(opts.az === undefined ? {} : { aktenzeichen: opts.az as string }),
      }
      const request = validate(searchRequestSchema, { query, limit: opts.limit, filters })
      const who: Principal =
        opts.groups === undefined && opts.user === undefined
          ? LOCAL_OPERATOR
          : {
              principals: [
                ...((opts.groups as string[] | undefined) ?? []).map(groupPrincipal),
                ...(opts.user === undefined ? [] : [`user:${opts.user as string}`]),
              ],
            }
      await withNode(command, { exclusive: false, models: true }, async (node) => {
        const result = await node.search.search(who, request.query, { limit: request.limit ?? 10, ...(request.filters ? { filters: request.filters } : {}) })
        if (opts.json === true) return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
        if (result.hits.length === 0) return void process.stdout.write('Keine Treffer.\n')
        process.stdout.write(`${result.hits.length} Treffer (${result.mode === 'hybrid' ? 'hybrid' : 'lexikalisch'}, ${result.tookMs} ms)\n\n`)
        result.hits.forEach((hit, i) => {
          const where = [hit.source.name, hit.path, hit.page === null ? null : `S. ${hit.page}`, hit.section].filter(Boolean).join(' · ')
          process.stdout.write(`${i + 1}. ${hit.title}\n   ${where}\n   ${emphasise(hit.snippet, hit.highlights)}\n\n`)
        })
      })
    })

  program
    .command('status')
    .description('Zustand des Knotens: Dokumente, Quellen, Suchmodus')
    .option('--errors', 'fehlgeschlagene Dokumente mit Grund auflisten')
    .option('--json', 'als JSON ausgeben')
    .action(async (opts: { errors?: boolean; json?: boolean }, command: Command) => {
      if (opts.json === true) setQuiet(true)
      await withNode(command, { exclusive: false, models: false }, async (node) => {
        const status = buildStatus(node)
        const failures = opts.errors === true ? node.documents.failures(10_000).map(presentFailure) : undefined
        if (opts.json === true) return void process.stdout.write(`${JSON.stringify({ ...status, failures }, null, 2)}\n`)
        const d = status.documents
        process.stdout.write(
          `Knoten: ${status.node.name} (Version ${status.node.version})\nDatenverzeichnis: ${node.dataDir.root}\n` +
            `Quellen: ${status.sources}\nDokumente: ${d.indexed} eingelesen, ${d.failed} fehlgeschlagen, ${d.chunks} Abschnitte\n` +
            `Suche: ${configuredModelNote(node.embeddingModelPath(), 'hybrid (Embedding-Modell', 'lexikalisch (kein Embedding-Modell; siehe README: Modelle)')}\n` +
            `Antworten: ${configuredModelNote(node.chatModelPath(), 'vom Sprachmodell geschrieben (', 'Auszüge aus den Quellen (kein Sprachmodell; siehe README: Modelle)')}\n`,
        )
        const runs = node.runs.latest()
        for (const source of node.sources.list()) {
          const run = runs.get(source.id)
          if (run?.state === 'failed') process.stdout.write(`Quelle "${source.name}": letzter Lauf fehlgeschlagen: ${run.stats.error ?? 'unbekannt'}\n`)
        }
        if (failures !== undefined) {
          if (failures.length === 0) process.stdout.write('Keine fehlgeschlagenen Dokumente.\n')
          else process.stdout.write(`\nFehlgeschlagene Dokumente (${failures.length}):\n`)
          for (const f of failures) process.stdout.write(`  ${f.reason}\t${sourceName(node, f.sourceId)}/${f.path}\t${f.message}\n`)
          const warnings = node.documents.metadataWarnings(10_000)
          if (warnings.length > 0) process.stdout.write(`\nEingelesen, aber Metadaten unvollständig (${warnings.length}):\n`)
          for (const w of warnings) process.stdout.write(`  ${sourceName(node, w.sourceId)}/${w.path}\t${w.warning}\n`)
        }
      })
    })

  program
    .command('serve')
    .description('Knoten starten: HTTP-API und Oberfläche, Einlesen im Hintergrund')
    .option('--port <port>', 'HTTP-Port (Standard aus der Konfiguration, 8080)', (v) => Number.parseInt(v, 10))
    .option('--host <address>', 'Adresse, an die der Server bindet (Standard aus der Konfiguration, 127.0.0.1)')
    .option('--demo', 'ohne konfigurierte Quellen: den Demo-Bestand einlesen')
    .action(async (opts: { port?: number; host?: string; demo?: boolean }, command: Command) => {
      const node = await WissensnetzNode.open({ dataDir: dataDirOf(command), exclusive: true, models: true, chat: true })
      const server = new HttpServer(node, opts.host ?? node.config.server.host, opts.port ?? node.config.server.port)
      try {
        if (opts.demo === true && node.sources.list().length === 0) addDemoSources(node)
        await server.start()
        await node.scheduler.start()
        await node.federation?.start()
      } catch (err) {
        await server.stop()
        await node.close()
        throw err
      }
      const { host, port } = server.address()
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
      process.stdout.write(
        `Wissensnetz läuft auf ${url}\n` +
          (await startupAccessNotice(node, { demo: opts.demo === true })) +
          `Suche: ${embeddingNote(node)}\nDatenverzeichnis: ${node.dataDir.root}\n`,
      )
      void node.scheduler.triggerAll()
      void node.termStats.refresh({ force: true })
      await onInterrupt(async () => {
        process.stdout.write('Beende …\n')
        await server.stop()
        await node.close()
      })
    })
}

/** "Personal/**=personalamt,leitung" → { pattern, groups } */
function parseAccessRule(rule: string): { pattern: string; groups: string[] } {
  const at = rule.lastIndexOf('=')
  const pattern = rule.slice(0, at).trim()
  const groups = list(rule.slice(at + 1))
  if (at <= 0 || pattern === '' || groups.length === 0) {
    throw new ValidationError(`Zugriffsregel "${rule}" ist ungültig; erwartet wird Muster=gruppe1,gruppe2`)
  }
  return { pattern, groups }
}

function addDemoSources(node: WissensnetzNode): void {
  if (!existsSync(DEMO_DIR)) {
    log.warn('demo corpus not found; starting without sources')
    return
  }
  addSource(node.sources, { kind: 'folder', location: `${DEMO_DIR}ablage`, name: 'Ablage' })
  addSource(node.sources, {
    kind: 'mail',
    location: `${DEMO_DIR}postfach-bauamt.mbox`,
    name: 'Postfach Bauamt',
    options: { visibility: 'groups' },
    groups: ['bauamt'],
  })
  addSource(node.sources, { kind: 'dms', location: `${DEMO_DIR}dms-export`, name: 'DMS-Export' })
  process.stdout.write('Demo-Bestand als Quellen eingetragen: Ablage, Postfach Bauamt, DMS-Export.\n')
}

/** `status` does not load models (it must stay fast beside a running server): it reports what is configured. */
function configuredModelNote(path: string | null, withModel: string, without: string): string {
  if (path === null) return without
  if (!existsSync(path)) return `${without} – konfiguriert ist ${basename(path)}, die Datei fehlt aber`
  return `${withModel} ${basename(path)})`
}

function embeddingNote(node: WissensnetzNode): string {
  return node.embedder === null
    ? 'lexikalisch (kein Embedding-Modell; siehe README: Modelle)'
    : `hybrid (Embedding-Modell ${node.embedder.modelId})`
}

function sourceName(node: WissensnetzNode, id: number): string {
  try {
    return node.sources.get(id).name
  } catch {
    return String(id)
  }
}

function emphasise(text: string, ranges: Array<[number, number]>): string {
  const bold = process.stdout.isTTY ? ['\x1b[1m', '\x1b[0m'] : ['»', '«']
  let out = ''
  let pos = 0
  for (const [s, e] of ranges) {
    out += text.slice(pos, s) + bold[0] + text.slice(s, e) + bold[1]
    pos = e
  }
  return (out + text.slice(pos)).replace(/\s+/g, ' ')
}

/** Resolves after SIGINT/SIGTERM once `cleanup` has run. */
function onInterrupt(cleanup: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let done = false
    const handler = (): void => {
      if (done) return
      done = true
      cleanup().finally(resolve)
    }
    process.once('SIGINT', handler)
    process.once('SIGTERM', handler)
  })
}
