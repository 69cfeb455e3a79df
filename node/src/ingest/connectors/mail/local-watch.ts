import { relative, sep } from 'node:path'
import { watch } from 'chokidar'
import { logger } from '../../../log.ts'
import { WATCH_DEBOUNCE_MS } from './constants.ts'
import type { LocalMailKind } from './local.ts'
import { maildirItemPath } from './maildir.ts'
import { messageFileKind } from './message-folder.ts'

const log = logger('node:ingest:mail')

/** What a changed file means: these item paths, everything (rescan), or nothing. */
type Change = { paths: string[] } | 'all' | undefined

/**
 * Watches a local mailbox and reports changed item paths, batched over WATCH_DEBOUNCE_MS. For mbox files every
 * change means "rescan" (offsets of later messages may move); for Maildir a flag change maps to the same path.
 */
export async function watchLocalMail(
  location: string,
  kind: LocalMailKind,
  onChange: (paths?: string[]) => void,
): Promise<() => Promise<void>> {
  const watcher = watch(location, {
    ignoreInitial: true,
    followSymlinks: false,
    // tmp/ holds half-delivered messages; they appear in new/ when complete
    ignored: kind === 'maildir' ? (path: string) => relative(location, path).split(sep).includes('tmp') : undefined,
  })
  let pending = new Set<string>()
  let everything = false
  let timer: NodeJS.Timeout | undefined

  const flush = (): void => {
    timer = undefined
    const paths = [...pending]
    const all = everything
    pending = new Set()
    everything = false
    if (all) onChange()
    else if (paths.length > 0) onChange(paths)
  }

  watcher.on('all', (event, path) => {
    const change = describeChange(location, kind, event, path)
    if (change === undefined) return
    if (change === 'all') everything = true
    else for (const p of change.paths) pending.add(p)
    timer ??= setTimeout(flush, WATCH_DEBOUNCE_MS)
  })
  watcher.on('error', (error) => log.warn('mail watcher error', (error as NodeJS.ErrnoException).code ?? 'unknown'))
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()))

  return async () => {
    if (timer !== undefined) clearTimeout(timer)
    await watcher.close()
  }
}

function describeChange(location: string, kind: LocalMailKind, event: string, path: string): Change {
  if (kind === 'mbox') return 'all'
  if (event === 'addDir' || event === 'unlinkDir') return kind === 'folder' && event === 'addDir' ? undefined : 'all'
  if (kind === 'maildir') {
    const item = maildirItemPath(location, path)
    return item === undefined ? undefined : { paths: [item] }
  }
  if (messageFileKind(path) === undefined) return undefined
  return { paths: [relative(location, path).split(sep).join('/')] }
}
