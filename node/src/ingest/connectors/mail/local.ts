import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { AbortError } from '../../../errors.ts'
import { logger } from '../../../log.ts'
import type { Connector, SourceItem } from '../../types.ts'
import { ParseError } from '../../types.ts'
import { MailLocationError } from './errors.ts'
import { headerFacts, readHeaderBlock } from './headers.ts'
import { watchLocalMail } from './local-watch.ts'
import { isMaildir, listMaildir, locateMaildirFile } from './maildir.ts'
import type { MaildirMessage } from './maildir.ts'
import { indexMbox, isMboxFile, readMboxMessage } from './mbox.ts'
import { listMessageFiles } from './message-folder.ts'
import type { MessageFile } from './message-folder.ts'

const log = logger('node:ingest:mail')

export type LocalMailKind = 'mbox' | 'maildir' | 'folder'

/** Decides what a local location holds; fails when it is missing, so that a gone share never looks empty. */
export async function detectLocalKind(location: string): Promise<LocalMailKind> {
  const info = await stat(location).catch((error: NodeJS.ErrnoException) => {
    throw new MailLocationError(`Mailquelle ${location} ist nicht lesbar (${error.code ?? 'Fehler'}).`, error)
  })
  if (info.isDirectory()) return (await isMaildir(location)) ? 'maildir' : 'folder'
  if (info.isFile() && (await isMboxFile(location))) return 'mbox'
  throw new MailLocationError(`Mailquelle ${location} ist weder eine mbox-Datei (erste Zeile „From “) noch ein Ordner.`)
}

/** Connector for an mbox file, a Maildir or a folder of .eml/.msg files. */
export function createLocalMailConnector(location: string, principals: string[] | undefined): Connector {
  // Date headers of Maildir and .eml files, so that a rescan only stats unchanged files
  let dates = new Map<string, { size: number; fileMtimeMs: number; dateMs: number | undefined }>()

  const dateOf = async (path: string, file: string, size: number, fileMtimeMs: number): Promise<number | undefined> => {
    const known = dates.get(path)
    if (known !== undefined && known.size === size && known.fileMtimeMs === fileMtimeMs) return known.dateMs
    // unreadable now: the item still appears, and read() records the reason for the admin
    const dateMs = await readHeaderBlock(file).then((header) => headerFacts(header).dateMs, () => undefined)
    dates.set(path, { size, fileMtimeMs, dateMs })
    return dateMs
  }

  const withPrincipals = (item: SourceItem): SourceItem => (principals === undefined ? item : { ...item, principals: [...principals] })

  async function* scanMbox(signal: AbortSignal): AsyncGenerator<SourceItem> {
    const name = basename(location)
    const fileMtimeMs = (await stat(location)).mtimeMs
    let count = 0
    for await (const entry of indexMbox(location, signal)) {
      count += 1
      yield withPrincipals({
        path: `${name}#${entry.ordinal}-${entry.key}`,
        fileName: `message-${entry.ordinal}.eml`,
        size: entry.end - entry.start - entry.escapedLines,
        mtimeMs: entry.dateMs ?? fileMtimeMs,
        read: (readSignal) => guardRead(readSignal, () => readMboxMessage(location, entry)),
      })
    }
    log.trace('mbox scanned: %d messages', count)
  }

  async function* scanMaildir(signal: AbortSignal): AsyncGenerator<SourceItem> {
    const next = new Map<string, { size: number; fileMtimeMs: number; dateMs: number | undefined }>()
    let count = 0
    for await (const message of listMaildir(location, signal)) {
      const dateMs = await dateOf(message.path, message.file, message.size, message.fileMtimeMs)
      next.set(message.path, { size: message.size, fileMtimeMs: message.fileMtimeMs, dateMs })
      count += 1
      yield withPrincipals({
        path: message.path,
        fileName: `${message.unique}.eml`,
        size: message.size,
        mtimeMs: dateMs ?? message.fileMtimeMs,
        read: (readSignal) => guardRead(readSignal, () => readMaildirMessage(message)),
      })
    }
    dates = next
    log.trace('Maildir scanned: %d messages', count)
  }

  async function* scanFolder(signal: AbortSignal): AsyncGenerator<SourceItem> {
    const next = new Map<string, { size: number; fileMtimeMs: number; dateMs: number | undefined }>()
    let count = 0
    for await (const message of listMessageFiles(location, signal)) {
      // .msg is a binary Outlook container: its date is the parser's to find
      const dateMs = message.kind === 'eml' ? await dateOf(message.path, message.file, message.size, message.fileMtimeMs) : undefined
      next.set(message.path, { size: message.size, fileMtimeMs: message.fileMtimeMs, dateMs })
      count += 1
      yield withPrincipals({
        path: message.path,
        fileName: basename(message.file),
        size: message.size,
        mtimeMs: dateMs ?? message.fileMtimeMs,
        read: (readSignal) => guardRead(readSignal, () => readMessageFile(message)),
      })
    }
    dates = next
    log.trace('message folder scanned: %d files', count)
  }

  return {
    async *scan(signal) {
      const kind = await detectLocalKind(location)
      if (kind === 'mbox') yield* scanMbox(signal)
      else if (kind === 'maildir') yield* scanMaildir(signal)
      else yield* scanFolder(signal)
    },
    async watch(onChange) {
      return watchLocalMail(location, await detectLocalKind(location), onChange)
    },
  }
}

async function readMaildirMessage(message: MaildirMessage): Promise<Uint8Array> {
  try {
    return await readFile(message.file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  // read or flagged since the scan: the unique name stays, ":2,FLAGS" and cur/new change
  const moved = await locateMaildirFile(message.folderDir, message.unique)
  if (moved === undefined) throw new ParseError('read_failed', 'Die Nachricht ist nicht mehr im Maildir (gelöscht oder verschoben).')
  return readFile(moved)
}

function readMessageFile(message: MessageFile): Promise<Uint8Array> {
  return readFile(message.file)
}

/** Honours the signal and turns file-system errors into a recorded read failure. */
async function guardRead(signal: AbortSignal | undefined, read: () => Promise<Uint8Array>): Promise<Uint8Array> {
  if (signal?.aborted) throw new AbortError()
  try {
    return await read()
  } catch (error) {
    if (error instanceof ParseError) throw error
    const code = (error as NodeJS.ErrnoException).code ?? 'unbekannt'
    throw new ParseError('read_failed', `Nachricht konnte nicht gelesen werden (${code}).`, error)
  }
}
