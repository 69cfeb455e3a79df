import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'
import { ConfigError } from '../errors.ts'
import { type Config, configSchema, DEFAULT_CONFIG_YAML } from './schema.ts'

/** Reads and validates the configuration file; every problem is collected into one ConfigError. */
export function loadConfig(file: string): Config {
  let raw: unknown = {}
  if (existsSync(file)) {
    try {
      raw = parse(readFileSync(file, 'utf8')) ?? {}
    } catch (err) {
      throw new ConfigError([`${file}: kein gültiges YAML (${(err as Error).message.split('\n')[0]})`])
    }
  }
  return parseConfig(raw, file)
}

export function parseConfig(raw: unknown, origin = 'Konfiguration'): Config {
  const result = configSchema.safeParse(raw)
  if (result.success) return result.data
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(Wurzel)'
      return `${origin}: ${where}: ${issue.message}`
    }),
  )
}

/** Writes the commented default configuration unless a file is already there. */
export function writeDefaultConfig(file: string): boolean {
  if (existsSync(file)) return false
  writeFileSync(file, DEFAULT_CONFIG_YAML, { mode: 0o640 })
  return true
}
