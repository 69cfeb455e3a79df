import { relative, sep } from 'node:path'
import { watch as watchTree } from 'chokidar'
import { logger } from '../../../log.ts'
import { INDEX_FILE_NAMES } from './constants.ts'
import { documentNameOf } from './sidecar.ts'
import { isIgnoredName } from './walk.ts'

const log = logger('node:ingest:dms')

/**
 * Watches the export folder and reports changed document paths in batches. A changed sidecar reports its
 * document; a changed CSV index reports nothing specific (undefined), because it may touch every document.
 */
export async function watchExport(root: string, debounceMs: number, onChange: (paths?: string[]) => void): Promise<() => Promise<void>> {
  const toRelative = (path: string): string => relative(root, path).split(sep).join('/')
  const watcher = watchTree(root, {
    ignoreInitial: true,
    awaitWriteFinish: { stabilityThreshold: Math.min(debounceMs, 500), pollInterval: 100 },
    ignored: (path: string) => {
      const rel = toRelative(path)
      return rel !== '' && rel.split('/').some(isIgnoredName)
    },
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
    onChange(all ? undefined : paths)
  }
  watcher.on('all', (_event, path) => {
    const rel = toRelative(path)
    const name = rel.slice(rel.lastIndexOf('/') + 1).toLowerCase()
    if ((INDEX_FILE_NAMES as readonly string[]).includes(name)) everything = true
    else pending.add(documentNameOf(rel)?.name ?? rel)
    timer ??= setTimeout(flush, debounceMs)
  })
  watcher.on('error', (error) => log.warn('Überwachung des Export-Ordners gestört', error instanceof Error ? error.name : 'unknown'))
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
  return async () => {
    if (timer) clearTimeout(timer)
    await watcher.close()
  }
}
