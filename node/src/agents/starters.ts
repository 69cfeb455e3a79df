import { type AgentFile, parseAgentFile } from '@wissensnetz/protocol'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { logger } from '../log.ts'
import type { AgentService } from './service.ts'

const log = logger('node:agents')

/** The starter agents shipped with the product, as export files. */
export const STARTERS_DIR = fileURLToPath(new URL('./starters/', import.meta.url))
/** Author recorded for starter agents. */
export const STARTER_AUTHOR = 'Wissensnetz'

/** Reads and validates the shipped starter files; a broken one is a defect of the product and throws. */
export function readStarterAgents(dir = STARTERS_DIR): AgentFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = parseAgentFile(readFileSync(join(dir, file), 'utf8'))
      if (!parsed.ok) throw new Error(`starter agent ${file} is invalid: ${JSON.stringify(parsed.problems)}`)
      return parsed.value
    })
}

/**
 * Installs each starter agent whose id this node has never had. One that was edited keeps its edits; one that
 * was deleted stays deleted (its id is still taken). Returns how many were installed.
 */
export function installStarterAgents(agents: AgentService, dir = STARTERS_DIR): number {
  let installed = 0
  for (const { agent } of readStarterAgents(dir)) {
    if (agents.repository.record(agent.id) !== undefined) continue
    agents.insertNew(agent, 'published', STARTER_AUTHOR)
    installed += 1
  }
  if (installed > 0) log.info(`starter agents installed: ${installed}`)
  return installed
}
