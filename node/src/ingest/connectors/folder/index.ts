import { opendir, readFile, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import parallel from 'it-parallel'
import picomatch from 'picomatch'
import { ValidationError } from '../../../errors.ts'
import { logger } from '../../../log.ts'
import { groupPrincipal } from '../../../store/access.ts'
import type { Connector, SourceItem } from '../../types.ts'

const log = logger('node:ingest:folder')

/** Never ingested: Office lock files, OS metadata, hidden files and folders, temporary downloads. */
export const DEFAULT_EXCLUDES = ['**/.*', '**/.*/**', '**/~$*', '**/Thumbs.db', '**/desktop.ini', '**/*.tmp', '**/*.part']
/** Files stat'ed at once while a folder is listed. */
const STAT_CONCURRENCY = 32
/** Entries are listed in this order (as localeCompare orders them, without its cost per comparison). */
const NAME_ORDER = new Intl.Collator()
/** Changes within this window are collected into one rescan. */
const WATCH_DEBOUNCE_MS = 1500

export interface FolderAccessRule {
  /** glob relative to the folder, e.g. "Personal/**" */
  pattern: string
  /** groups that may see matching files instead of the source's groups */
  groups: string[]
}

export interface FolderSourceOptions {
  location: string
  include?: string[]
  exclude?: string[]
  /** first matching rule wins; files matching none get the source's groups */
  access?: FolderAccessRule[]
}

/** A local path or mounted share (SMB/CIFS mounts are ordinary paths). */
export function createFolderConnector(options: FolderSourceOptions): Connector {
  const root = options.location
  const included = options.include !== undefined && options.include.length > 0 ? picomatch(options.include, { dot: true }) : () => true
  const excluded = picomatch([...DEFAULT_EXCLUDES, ...(options.exclude ?? [])], { dot: true })
  const rules = (options.access ?? []).map((rule) => ({
    match: picomatch(rule.pattern, { dot: true }),
    principals: rule.groups.map(groupPrincipal),
  }))

  const accepts = (rel: string): boolean => included(rel) && !excluded(rel)

  async function* walk(dir: string, signal: AbortSignal): AsyncGenerator<SourceItem> {
    let handle: Awaited<ReturnType<typeof opendir>>
    try {
      handle = await opendir(dir)
    } catch (err) {
      if (dir === root) throw new ValidationError(`Ordner ${root} ist nicht lesbar: ${(err as NodeJS.ErrnoException).code ?? 'unbekannt'}`)
      log.warn('folder not readable, skipped', (err as NodeJS.ErrnoException).code)
      return
    }
    const entries = []
    for await (const entry of handle) entries.push(entry)
    entries.sort((a, b) => NAME_ORDER.compare(a.name, b.name))
    // files are stat'ed several at a time (one at a time, a share's latency adds up over thousands of files),
    // and listed in name order, each run of files before the folder that follows it
    const files: Array<{ full: string; rel: string; name: string }> = []
    for (const entry of entries) {
      if (signal.aborted) return
      const full = join(dir, entry.name)
      const rel = relative(root, full).split(sep).join('/')
      if (entry.isDirectory()) {
        yield* described(files.splice(0), signal)
        if (!excluded(`${rel}/`) && !excluded(rel)) yield* walk(full, signal)
        continue
      }
      if (entry.isFile() && accepts(rel)) files.push({ full, rel, name: entry.name })
    }
    yield* described(files, signal)
  }

  async function* described(files: Array<{ full: string; rel: string; name: string }>, signal: AbortSignal): AsyncGenerator<SourceItem> {
    const statted = parallel(
      files.map((file) => async () => ({ ...file, info: await stat(file.full).catch(() => undefined) })),
      { concurrency: STAT_CONCURRENCY, ordered: true },
    )
    for await (const { full, rel, name, info } of statted) {
      if (signal.aborted) return
      if (info === undefined) continue // vanished between listing and stat
      const rule = rules.find((r) => r.match(rel))
      yield {
        path: rel,
        fileName: name,
        size: info.size,
        mtimeMs: info.mtimeMs,
        ...(rule === undefined ? {} : { principals: rule.principals }),
        read: (readSignal) => readFile(full, readSignal === undefined ? {} : { signal: readSignal }),
        file: full,
      }
    }
  }

  return {
    scan: (signal) => walk(root, signal),
    async watch(onChange) {
      const { watch } = await import('chokidar')
      let timer: NodeJS.Timeout | undefined
      const changed = new Set<string>()
      const watcher = watch(root, {
        ignoreInitial: true,
        ignored: (path: string) => {
          const rel = relative(root, path).split(sep).join('/')
          return rel !== '' && excluded(rel)
        },
        awaitWriteFinish: { stabilityThreshold: 500, pollInterval: 100 },
      })
      watcher.on('all', (_event, path) => {
        changed.add(relative(root, path).split(sep).join('/'))
        clearTimeout(timer)
        timer = setTimeout(() => {
          const paths = [...changed]
          changed.clear()
          onChange(paths)
        }, WATCH_DEBOUNCE_MS)
      })
      watcher.on('error', (err) => log.warn('watcher error', err as Error))
      return async () => {
        clearTimeout(timer)
        await watcher.close()
      }
    },
  }
}
