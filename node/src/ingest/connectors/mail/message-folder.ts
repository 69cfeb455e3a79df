import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AbortError } from '../../../errors.ts'

/** A single-message file (.eml or Outlook .msg) below a folder. */
export interface MessageFile {
  /** relative path with "/" separators */
  path: string
  file: string
  kind: 'eml' | 'msg'
  size: number
  fileMtimeMs: number
}

export function messageFileKind(name: string): 'eml' | 'msg' | undefined {
  const lower = name.toLowerCase()
  if (lower.endsWith('.eml')) return 'eml'
  if (lower.endsWith('.msg')) return 'msg'
  return undefined
}

/**
 * Lists .eml and .msg files recursively, in a stable order. Symbolic links are not followed: a link back up the
 * tree would loop, and a link out of the folder would publish files the admin did not name.
 */
export async function* listMessageFiles(root: string, signal: AbortSignal): AsyncGenerator<MessageFile> {
  const pending: string[] = ['']
  while (pending.length > 0) {
    const relativeDir = pending.shift() ?? ''
    const entries = await readdir(join(root, relativeDir), { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      if (signal.aborted) throw new AbortError()
      const path = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`
      if (entry.isDirectory()) {
        pending.push(path)
        continue
      }
      const kind = entry.isFile() ? messageFileKind(entry.name) : undefined
      if (kind === undefined) continue
      const file = join(root, path)
      const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined
        throw error
      })
      if (info !== undefined) yield { path, file, kind, size: info.size, fileMtimeMs: info.mtimeMs }
    }
  }
}
