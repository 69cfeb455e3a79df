import { opendir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AbortError } from '../../../errors.ts'
import { logger } from '../../../log.ts'
import { IGNORED_FILE_NAMES, IGNORED_PREFIXES } from './constants.ts'

const log = logger('node:ingest:dms')

/** A file found under the export folder; `path` is relative to it with '/' separators. */
export interface FoundFile {
  path: string
  absolutePath: string
  size: number
  mtimeMs: number
  /** set when the file was listed but could not be stat'ed; the item is still delivered so its failure is recorded */
  statError?: unknown
}

/** True for names that are never documents: hidden files, office lock files, Thumbs.db. */
export function isIgnoredName(name: string): boolean {
  return IGNORED_FILE_NAMES.has(name.toLowerCase()) || IGNORED_PREFIXES.some((prefix) => name.startsWith(prefix))
}

/**
 * Lists every regular file below root, sorted by path so scans are reproducible. Symbolic links are skipped: an
 * export is a self-contained tree and a link could lead outside it or in a circle.
 */
export async function listFiles(root: string, signal: AbortSignal): Promise<FoundFile[]> {
  const files: FoundFile[] = []
  await walk(root, '', files, signal)
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

async function walk(root: string, relativeDir: string, files: FoundFile[], signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw new AbortError()
  const absoluteDir = join(root, relativeDir)
  let dir: Awaited<ReturnType<typeof opendir>>
  try {
    dir = await opendir(absoluteDir)
  } catch (error) {
    if (relativeDir === '') throw error
    log.warn('Ordner nicht lesbar, übersprungen', relativeDir, errorCode(error))
    return
  }
  for await (const entry of dir) {
    if (signal.aborted) throw new AbortError()
    if (isIgnoredName(entry.name)) continue
    const relativePath = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`
    if (entry.isDirectory()) {
      await walk(root, relativePath, files, signal)
    } else if (entry.isFile()) {
      const absolutePath = join(root, relativePath)
      try {
        const stats = await stat(absolutePath)
        files.push({ path: relativePath, absolutePath, size: stats.size, mtimeMs: stats.mtimeMs })
      } catch (statError) {
        files.push({ path: relativePath, absolutePath, size: 0, mtimeMs: 0, statError })
      }
    } else if (entry.isSymbolicLink()) {
      log.trace('symbolic link skipped', relativePath)
    }
  }
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown'
}
