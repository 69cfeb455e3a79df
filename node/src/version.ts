import { readFileSync } from 'node:fs'

let cached: string | null = null

/** The version from the root package.json. */
export function nodeVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
  return cached
}
