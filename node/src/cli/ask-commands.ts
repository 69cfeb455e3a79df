import type { Command } from 'commander'
import type { AskDoneEvent } from '@wissensnetz/protocol'
import { presentDone } from '../api/answer-presenters.ts'
import { loadConfig, writeDefaultConfig } from '../config/load.ts'
import { AbortError } from '../errors.ts'
import { listModels, type ModelRole, modelsDirOf, pullModel, useModel } from '../llm/models.ts'
import { setQuiet } from '../log.ts'
import { WissensnetzNode } from '../node.ts'
import { groupPrincipal, LOCAL_OPERATOR, type Principal } from '../store/access.ts'
import { ensureDataDir } from '../store/datadir.ts'
import { dataDirOf, list } from './shared.ts'

const BYTES_PER_MEGABYTE = 1024 * 1024
const MILLIS_PER_SECOND = 1000

/** `ask` and `models`: questions with cited answers, and the models that answer them. */
export function registerAskCommands(program: Command): void {
  program
    .command('ask')
    .description('Frage stellen: Antwort mit Quellenangaben (ohne Sprachmodell: Auszüge aus den Quellen)')
    .argument('<question>', 'Frage')
    .option('--json', 'Ergebnis als JSON ausgeben (ohne Mitlesen der Antwort)')
    .option('--agent <id>', 'mit diesem Assistenten fragen')
    .option('--conversation <id>', 'Folgefrage in diesem Gespräch')
    .option('--groups <a,b>', 'so fragen, wie ein Mitglied dieser Gruppen fragt', list)
    .option('--user <name>', 'so fragen, wie dieser Benutzer fragt')
    .action(async (question: string, opts: Record<string, unknown>, command: Command) => {
      const json = opts.json === true
      if (json) setQuiet(true)
      const { askRequestSchema } = await import('@wissensnetz/protocol')
      const { validate } = await import('../api/errors.ts')
      const request = validate(askRequestSchema, {
        question,
        ...(opts.agent === undefined ? {} : { agentId: opts.agent }),
        ...(opts.conversation === undefined ? {} : { conversationId: opts.conversation }),
      })
      const who: Principal =
        opts.groups === undefined && opts.user === undefined
          ? LOCAL_OPERATOR
          : {
              principals: [
                ...((opts.groups as string[] | undefined) ?? []).map(groupPrincipal),
                ...(opts.user === undefined ? [] : [`user:${opts.user as string}`]),
              ],
            }
      const node = await WissensnetzNode.open({ dataDir: dataDirOf(command), exclusive: false, models: true, chat: true })
      const controller = new AbortController()
      const interrupt = (): void => controller.abort()
      process.once('SIGINT', interrupt)
      try {
        const result = await node.answers.ask(who, request, {
          signal: controller.signal,
          onToken: json ? undefined : (text) => process.stdout.write(text),
        })
        if (json) return void process.stdout.write(`${JSON.stringify(presentDone(result), null, 2)}\n`)
        process.stdout.write(`\n${sourcesText(presentDone(result))}`)
      } catch (err) {
        if (err instanceof AbortError) return void process.stderr.write('\nAbgebrochen.\n')
        throw err
      } finally {
        process.off('SIGINT', interrupt)
        await node.close()
      }
    })

  const models = program.command('models').description('Sprach- und Embedding-Modelle (GGUF) verwalten')
  models
    .command('list')
    .description('Modelle im Modellordner mit Größe und Verwendung')
    .option('--json', 'als JSON ausgeben')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const { dataDir, config } = openConfig(command)
      const files = await listModels(dataDir, config)
      if (opts.json === true) return void process.stdout.write(`${JSON.stringify(files, null, 2)}\n`)
      process.stdout.write(`Modellordner: ${modelsDirOf(dataDir, config)}\n`)
      if (files.length === 0) {
        process.stdout.write('Keine Modelle. Herunterladen mit: wissensnetz models pull <hf:benutzer/modell:Q4_K_M> --role chat\n')
        return
      }
      for (const f of files) {
        const size = f.bytes === null ? 'fehlt' : `${(f.bytes / BYTES_PER_MEGABYTE).toFixed(1)} MB`
        const roles = f.roles.length === 0 ? '-' : f.roles.map(roleName).join(', ')
        const about = f.problem ?? [...new Set([f.name, f.architecture].filter(Boolean))].join(', ')
        process.stdout.write(`${f.file}\t${size}\t${roles}\t${about}\n`)
      }
    })
  models
    .command('use')
    .description('Modell für eine Rolle eintragen (prüft die GGUF-Datei, ändert config.yaml; wirksam beim nächsten Start)')
    .argument('<file>', 'GGUF-Datei im Modellordner oder Pfad')
    .requiredOption('--role <role>', 'chat | embedding')
    .action(async (file: string, opts: { role: string }, command: Command) => {
      const { dataDir, config } = openConfig(command)
      const used = await useModel(dataDir, config, file, opts.role as ModelRole)
      process.stdout.write(
        `${roleName(opts.role as ModelRole)}: ${used.value}${used.architecture === null ? '' : ` (${used.architecture})`} eingetragen.\n`,
      )
      if (opts.role === 'embedding') {
        process.stdout.write('Beim nächsten Start werden alle Abschnitte mit diesem Modell neu eingebettet.\n')
      }
      process.stdout.write('Wirksam beim nächsten Start des Knotens.\n')
    })
  models
    .command('pull')
    .description('Modell herunterladen (hf:<benutzer>/<modell>:<quantisierung> oder https-Adresse) in den Modellordner')
    .argument('<uri>', 'Modellquelle')
    .option('--role <role>', 'danach für diese Rolle eintragen: chat | embedding')
    .option('--timeout <seconds>', 'Abbruch, wenn so lange kein Fortschritt', (v) => Number.parseInt(v, 10))
    .action(async (uri: string, opts: { role?: string; timeout?: number }, command: Command) => {
      const { dataDir, config } = openConfig(command)
      const controller = new AbortController()
      const interrupt = (): void => controller.abort()
      process.once('SIGINT', interrupt)
      let lastPercent = -1
      try {
        const path = await pullModel(uri, {
          dir: modelsDirOf(dataDir, config),
          signal: controller.signal,
          ...(opts.timeout === undefined
            ? {}
            : { stallTimeoutMs: opts.timeout * MILLIS_PER_SECOND, connectTimeoutMs: opts.timeout * MILLIS_PER_SECOND }),
          onProgress: ({ totalSize, downloadedSize }) => {
            const percent = totalSize > 0 ? Math.floor((downloadedSize / totalSize) * 100) : 0
            if (percent !== lastPercent) process.stderr.write(`\r${percent} % von ${(totalSize / BYTES_PER_MEGABYTE).toFixed(0)} MB`)
            lastPercent = percent
          },
        })
        process.stdout.write(`${lastPercent >= 0 ? '\n' : ''}Gespeichert: ${path}\n`)
        if (opts.role !== undefined) {
          const used = await useModel(dataDir, config, path, opts.role as ModelRole)
          process.stdout.write(`${roleName(opts.role as ModelRole)}: ${used.value} eingetragen (wirksam beim nächsten Start).\n`)
        }
      } finally {
        process.off('SIGINT', interrupt)
      }
    })
}

function openConfig(command: Command) {
  const dataDir = dataDirOf(command)
  ensureDataDir(dataDir)
  writeDefaultConfig(dataDir.configFile)
  return { dataDir, config: loadConfig(dataDir.configFile) }
}

function roleName(role: ModelRole): string {
  return role === 'chat' ? 'Chat-Modell' : 'Embedding-Modell'
}

function sourcesText(done: AskDoneEvent): string {
  const lines: string[] = []
  if (done.citations.length > 0) {
    lines.push('', 'Quellen:')
    for (const c of done.citations) {
      lines.push(`[${c.n}] ${c.title} – ${c.path}${c.page === null ? '' : `, S. ${c.page}`}`)
      // an extractive answer already shows its quotes
      if (done.mode === 'generative') lines.push(`    „${c.quote.replace(/\s+/g, ' ')}“`)
    }
  } else if (done.mode === 'generative') {
    lines.push('', 'Die Antwort nennt keine Quelle.')
  }
  if (done.droppedCitations > 0) lines.push(`(${done.droppedCitations} Verweis(e) auf nicht vorhandene Quellen entfernt)`)
  lines.push('', `Gespräch: ${done.conversationId} (Folgefrage mit --conversation ${done.conversationId})`, '')
  return lines.join('\n')
}
