import type { Dirent } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { AbortError } from '../../../errors.ts'

/** One message file of a Maildir, with the path that stays the same when its flags or cur/new change. */
export interface MaildirMessage {
  /** item path: "<mailbox>/<unique name>", e.g. "INBOX/1700000000.M1P2.host" or "Sent/…" */
  path: string
  /** absolute file path at scan time (flags in the name may change before it is read) */
  file: string
  /** absolute folder directory (holding cur/ and new/) */
  folderDir: string
  /** Maildir unique name without the ":2,FLAGS" info */
  unique: string
  size: number
  fileMtimeMs: number
}

const MESSAGE_DIRS = ['new', 'cur'] as const
const ROOT_MAILBOX = 'INBOX'

/** True when the directory holds cur/ or new/ (tmp/ alone is not enough: it is only a delivery area). */
export async function isMaildir(dir: string): Promise<boolean> {
  for (const sub of MESSAGE_DIRS) {
    const info = await stat(join(dir, sub)).catch(() => undefined)
    if (info?.isDirectory()) return true
  }
  return false
}

/** Lists every message of the Maildir and of its Maildir++ subfolders (".Sent", ".Archiv.2023"). */
export async function* listMaildir(root: string, signal: AbortSignal): AsyncGenerator<MaildirMessage> {
  const folders: Array<{ dir: string; mailbox: string }> = [{ dir: root, mailbox: ROOT_MAILBOX }]
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory() && isSubfolderName(entry.name) && (await isMaildir(join(root, entry.name)))) {
      folders.push({ dir: join(root, entry.name), mailbox: maildirMailboxName(entry.name) })
    }
  }
  folders.sort((a, b) => a.mailbox.localeCompare(b.mailbox))
  for (const folder of folders) {
    const seen = new Set<string>()
    for (const sub of MESSAGE_DIRS) {
      const dir = join(folder.dir, sub)
      for (const entry of await readDirIfExists(dir)) {
        if (signal.aborted) throw new AbortError()
        if (!entry.isFile() || entry.name.startsWith('.')) continue
        const unique = maildirUniqueName(entry.name)
        // a client may move new/ → cur/ while we list: one message, one item
        if (seen.has(unique)) continue
        const file = join(dir, entry.name)
        const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined
          throw error
        })
        if (info === undefined) continue
        seen.add(unique)
        yield { path: `${folder.mailbox}/${unique}`, file, folderDir: folder.dir, unique, size: info.size, fileMtimeMs: info.mtimeMs }
      }
    }
  }
}

/** Finds a message again after its flags (and so its file name) or its cur/new place changed. */
export async function locateMaildirFile(folderDir: string, unique: string): Promise<string | undefined> {
  for (const sub of MESSAGE_DIRS) {
    for (const entry of await readDirIfExists(join(folderDir, sub))) {
      if (entry.isFile() && maildirUniqueName(entry.name) === unique) return join(folderDir, sub, entry.name)
    }
  }
  return undefined
}

/** Item path for a file below the Maildir root, or undefined when the file is no message (tmp/, index files). */
export function maildirItemPath(root: string, file: string): string | undefined {
  const parts = relative(root, file).split(sep)
  if (parts.length === 2 && isMessageDir(parts[0]) && parts[1] !== undefined) return `${ROOT_MAILBOX}/${maildirUniqueName(parts[1])}`
  if (parts.length === 3 && parts[0] !== undefined && isSubfolderName(parts[0]) && isMessageDir(parts[1]) && parts[2] !== undefined) {
    return `${maildirMailboxName(parts[0])}/${maildirUniqueName(parts[2])}`
  }
  return undefined
}

/** "1700000000.M1P2.host:2,RS" → "1700000000.M1P2.host". Some tools write "!" instead of ":" (Windows file names). */
export function maildirUniqueName(fileName: string): string {
  return fileName.replace(/[:!][12],[^:!]*$/, '')
}

/** Maildir++ folder ".Archiv.2023" → "Archiv/2023"; names are modified UTF-7 as in IMAP ("&APw-" → "ü"). */
export function maildirMailboxName(dirName: string): string {
  return dirName.slice(1).split('.').map(decodeModifiedUtf7).join('/')
}

function decodeModifiedUtf7(name: string): string {
  return name.replace(/&([^-]*)-/g, (match, encoded: string) => {
    if (encoded === '') return '&'
    const utf16be = Buffer.from(encoded.replace(/,/g, '/'), 'base64')
    if (utf16be.length % 2 !== 0) return match
    return utf16be.swap16().toString('utf16le')
  })
}

function isSubfolderName(name: string): boolean {
  return name.startsWith('.') && name !== '.' && name !== '..' && name.length > 1
}

function isMessageDir(name: string | undefined): boolean {
  return name === 'cur' || name === 'new'
}

async function readDirIfExists(dir: string): Promise<Dirent[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true })
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}
