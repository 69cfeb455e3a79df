import { type AgentFile, agentFile, parseAgentFile } from '@wissensnetz/protocol'
import { AgentExistsError, invalidAgent } from './errors.ts'
import type { StoredAgent } from './repository.ts'
import { type AgentService, copyName } from './service.ts'

export interface ImportOptions {
  /** when the agent's id is taken here: import it as a new agent instead of refusing (never overwrites) */
  asCopy?: boolean
  /** the peer it came from, where known (federation) */
  sourceNode?: string
}

export interface ExportedAgent {
  fileName: string
  file: AgentFile
}

const MAX_FILE_NAME_CHARS = 60
const FALLBACK_FILE_NAME = 'assistent'
const TRANSLITERATION: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' }

/** The export file of an agent's current (or a given) version, signature included where there is one. */
export function exportAgent(agents: AgentService, id: string, version?: number): ExportedAgent {
  const { definition } = agents.get(id, version)
  return { fileName: `${fileNameOf(definition.name)}.json`, file: agentFile(definition) }
}

/**
 * Imports an export file (its text, or parsed JSON). A bad file is refused with every problem and its field
 * path, and nothing is stored. An agent whose id is already taken here is never overwritten: 409, or with
 * `asCopy` a new agent with a new id. The import is a draft with its origin recorded in `provenance`.
 */
export function importAgent(agents: AgentService, input: unknown, author: string, options: ImportOptions = {}): StoredAgent {
  const parsed = parseAgentFile(input)
  if (!parsed.ok) throw invalidAgent('Die Datei wurde nicht importiert.', parsed.problems)
  const incoming = parsed.value.agent
  const existing = agents.repository.record(incoming.id)
  if (existing !== undefined && options.asCopy !== true) {
    throw new AgentExistsError(incoming.id, agents.repository.version(incoming.id, existing.currentVersion)?.definition.name ?? incoming.id)
  }
  // The signature covered the publisher's definition; ours differs (id, version, provenance), so it is dropped.
  const { signature: _signature, ...unsigned } = incoming
  const at = agents.timestamp()
  return agents.insertNew(
    {
      ...unsigned,
      id: existing === undefined ? incoming.id : agents.newAgentId(),
      version: 1,
      name: existing === undefined ? incoming.name : copyName(incoming.name),
      createdAt: at,
      updatedAt: at,
      provenance: {
        origin: 'imported',
        ...(options.sourceNode === undefined ? {} : { sourceNode: options.sourceNode }),
        sourceAgentId: incoming.id,
        sourceVersion: incoming.version,
      },
    },
    'draft',
    author,
  )
}

/** "Antwort auf eine Bürger-E-Mail" → "antwort-auf-eine-buerger-e-mail" */
export function fileNameOf(name: string): string {
  const slug = name
    .toLocaleLowerCase('de')
    .replace(/[äöüß]/g, (c) => TRANSLITERATION[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_FILE_NAME_CHARS)
    .replace(/-+$/, '')
  return slug === '' ? FALLBACK_FILE_NAME : slug
}
