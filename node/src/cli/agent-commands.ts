import { AGENT_DRAFT_FIELDS, AGENT_FILE_FORMAT, MAX_AGENT_FILE_BYTES } from '@wissensnetz/protocol'
import type { Command } from 'commander'
import { readFileSync, statSync } from 'node:fs'
import { OPERATOR_AUTHOR } from '../agents/author.ts'
import { exportAgent, importAgent } from '../agents/transfer.ts'
import { presentAgent, presentAgentSummary, presentScopeBindings } from '../api/agent-presenters.ts'
import { ValidationError } from '../errors.ts'
import { setQuiet } from '../log.ts'
import { writeFileAtomic } from '../store/datadir.ts'
import { withNode } from './shared.ts'

const out = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
const json = (value: unknown): void => out(JSON.stringify(value, null, 2))

function readFileText(path: string): string {
  const size = statSync(path, { throwIfNoEntry: false })?.size
  if (size === undefined) throw new ValidationError(`Die Datei ${path} existiert nicht.`)
  if (size > MAX_AGENT_FILE_BYTES) throw new ValidationError(`Die Datei ${path} ist zu groß (höchstens ${MAX_AGENT_FILE_BYTES} Bytes).`)
  return readFileSync(path, 'utf8')
}

function readJson(path: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(readFileText(path))
  } catch (err) {
    if (err instanceof ValidationError) throw err
    throw new ValidationError(`Die Datei ${path} ist kein gültiges JSON: ${(err as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`Die Datei ${path} enthält kein JSON-Objekt.`)
  }
  return value as Record<string, unknown>
}

/** A definition to create or edit from: an export file (its editable fields), or the fields themselves. */
function draftOf(file: Record<string, unknown>): { draft: Record<string, unknown>; editedVersion?: number } {
  if (file.format !== AGENT_FILE_FORMAT) {
    const { baseVersion, ...draft } = file
    return typeof baseVersion === 'number' ? { draft, editedVersion: baseVersion } : { draft }
  }
  const agent = (file.agent ?? {}) as Record<string, unknown>
  const draft = Object.fromEntries(AGENT_DRAFT_FIELDS.filter((k) => k in agent).map((k) => [k, agent[k]]))
  return typeof agent.version === 'number' ? { draft, editedVersion: agent.version } : { draft }
}

const versionOption = (value: string): number => {
  const version = Number(value)
  if (!Number.isInteger(version) || version < 1) throw new ValidationError(`Ungültige Version: ${value}`)
  return version
}

export function registerAgentCommands(program: Command): void {
  const agents = program.command('agents').description('Assistenten verwalten (anlegen, bearbeiten, exportieren, importieren)')

  agents
    .command('list')
    .description('Assistenten auflisten')
    .option('--search <text>', 'in Name, Kategorie und Beschreibung suchen')
    .option('--category <name>', 'nur diese Kategorie')
    .option('--json', 'als JSON ausgeben')
    .action(async (opts: { search?: string; category?: string; json?: boolean }, command: Command) => {
      if (opts.json === true) setQuiet(true)
      await withNode(command, { exclusive: false }, (node) => {
        const rows = node.agents.list({ query: opts.search, category: opts.category }).map(presentAgentSummary)
        if (opts.json === true) return json(rows)
        if (rows.length === 0) return out('Keine Assistenten gefunden.')
        for (const a of rows) out(`${a.id}  ${a.name}  [${a.category}, Version ${a.version}, ${a.status}]`)
      })
    })

  agents
    .command('show')
    .description('einen Assistenten anzeigen (als JSON)')
    .argument('<id>')
    .option('--version <n>', 'eine bestimmte Version', versionOption)
    .action(async (id: string, opts: { version?: number }, command: Command) => {
      setQuiet(true)
      await withNode(command, { exclusive: false }, (node) => json(presentAgent(node.agents.get(id, opts.version))))
    })

  agents
    .command('versions')
    .description('alle gespeicherten Versionen eines Assistenten')
    .argument('<id>')
    .action(async (id: string, _opts, command: Command) => {
      await withNode(command, { exclusive: false }, (node) => {
        for (const v of node.agents.versions(id)) out(`Version ${v.version}  ${v.createdAt}  ${v.author}  ${v.definition.name}`)
      })
    })

  agents
    .command('create')
    .description('Assistenten aus einer JSON-Datei anlegen')
    .requiredOption('--file <datei>', 'Definition als JSON (Felder des Assistenten oder eine Export-Datei)')
    .action(async (opts: { file: string }, command: Command) => {
      const { draft } = draftOf(readJson(opts.file))
      await withNode(command, { exclusive: true }, (node) => {
        const { definition } = node.agents.create(draft, OPERATOR_AUTHOR)
        out(`Assistent „${definition.name}“ angelegt: ${definition.id} (Version 1).`)
      })
    })

  agents
    .command('edit')
    .description('neue Version eines Assistenten aus einer JSON-Datei speichern')
    .argument('<id>')
    .requiredOption('--file <datei>', 'Definition als JSON (Felder des Assistenten oder eine Export-Datei)')
    .option('--base-version <n>', 'die bearbeitete Version (Standard: aus der Datei, sonst die aktuelle)', versionOption)
    .action(async (id: string, opts: { file: string; baseVersion?: number }, command: Command) => {
      const { draft, editedVersion } = draftOf(readJson(opts.file))
      await withNode(command, { exclusive: true }, (node) => {
        const baseVersion = opts.baseVersion ?? editedVersion ?? node.agents.get(id).record.currentVersion
        const { definition } = node.agents.update(id, { ...draft, baseVersion }, OPERATOR_AUTHOR)
        out(`Assistent „${definition.name}“ gespeichert: Version ${definition.version}.`)
      })
    })

  agents
    .command('delete')
    .description('Assistenten löschen (seine Versionen bleiben zur Nachvollziehbarkeit gespeichert)')
    .argument('<id>')
    .action(async (id: string, _opts, command: Command) => {
      await withNode(command, { exclusive: true }, (node) => {
        const { definition } = node.agents.get(id)
        node.agents.delete(id)
        out(`Assistent „${definition.name}“ gelöscht.`)
      })
    })

  agents
    .command('export')
    .description('Assistenten als Datei exportieren')
    .argument('<id>')
    .option('--out <datei>', 'in diese Datei schreiben (Standard: Ausgabe)')
    .option('--version <n>', 'eine bestimmte Version', versionOption)
    .action(async (id: string, opts: { out?: string; version?: number }, command: Command) => {
      setQuiet(true)
      await withNode(command, { exclusive: false }, (node) => {
        const text = `${JSON.stringify(exportAgent(node.agents, id, opts.version).file, null, 2)}\n`
        if (opts.out === undefined) return out(text)
        writeFileAtomic(opts.out, text)
        process.stderr.write(`Exportiert nach ${opts.out}\n`)
      })
    })

  agents
    .command('import')
    .description('Assistenten aus einer Export-Datei importieren (überschreibt nie einen vorhandenen)')
    .argument('<datei>')
    .option('--as-copy', 'gibt es ihn hier schon: als neuen Assistenten importieren')
    .action(async (file: string, opts: { asCopy?: boolean }, command: Command) => {
      const text = readFileText(file)
      await withNode(command, { exclusive: true }, (node) => {
        const { definition } = importAgent(node.agents, text, OPERATOR_AUTHOR, { asCopy: opts.asCopy === true })
        out(`Assistent „${definition.name}“ importiert: ${definition.id} (Entwurf).`)
      })
    })

  agents
    .command('bind')
    .description('ein Schlagwort des Wissensbereichs an Quellen dieses Knotens binden')
    .argument('<schlagwort>', 'z. B. Satzungen')
    .argument('<quellen...>', 'Quellen (Name oder Nummer)')
    .action(async (tag: string, sources: string[], _opts, command: Command) => {
      await withNode(command, { exclusive: true }, (node) => {
        node.agentScopes.bind(tag, sources)
        out(`„${tag}“ gebunden an: ${sources.join(', ')}`)
      })
    })

  agents
    .command('unbind')
    .description('Bindung eines Schlagworts lösen (ohne Quellen: alle)')
    .argument('<schlagwort>')
    .argument('[quellen...]')
    .action(async (tag: string, sources: string[], _opts, command: Command) => {
      await withNode(command, { exclusive: true }, (node) => node.agentScopes.unbind(tag, sources))
    })

  agents
    .command('bindings')
    .description('Schlagwörter und ihre Quellen')
    .action(async (_opts, command: Command) => {
      setQuiet(true)
      await withNode(command, { exclusive: false }, (node) =>
        json(presentScopeBindings(node.agentScopes.list(), node.sources.list(), node.agents.scopeTags())),
      )
    })
}
