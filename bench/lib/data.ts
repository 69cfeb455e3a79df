import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** ../shared/data relative to the repository root: benchmark data is read in place, never copied. */
export const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data')

export interface CorpusDoc {
  id: string
  title: string
  text: string
}

export interface Query {
  id: string
  query: string
  relevant: string[]
}

export function dataFile(...parts: string[]): string {
  return join(DATA_DIR, ...parts)
}

/** The files that are missing, so that a benchmark can skip with a visible reason. */
export function missingFiles(...files: string[]): string[] {
  return files.filter((f) => !existsSync(f))
}

export function readJsonl<T>(file: string): T[] {
  const out: T[] = []
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() !== '') out.push(JSON.parse(line) as T)
  }
  return out
}
