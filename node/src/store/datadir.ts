import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import { DataDirLockedError } from '../errors.ts'

/** Where a node keeps everything: database, vector index files, models, configuration. */
export interface DataDir {
  root: string
  configFile: string
  databaseFile: string
  vectorsDir: string
  modelsDir: string
}

export function resolveDataDir(dir: string | undefined): DataDir {
  const root = resolve(dir ?? process.env.WISSENSNETZ_DATA ?? 'data')
  return {
    root,
    configFile: join(root, 'config.yaml'),
    databaseFile: join(root, 'wissensnetz.db'),
    vectorsDir: join(root, 'vectors'),
    modelsDir: join(root, 'models'),
  }
}

export function ensureDataDir(dir: DataDir): void {
  mkdirSync(dir.root, { recursive: true, mode: 0o750 })
  mkdirSync(dir.vectorsDir, { recursive: true })
  mkdirSync(dir.modelsDir, { recursive: true })
}

interface LockOwner {
  pid: number
  host: string
  since: string
}

/**
 * An exclusive lock on the data directory so that two writing processes cannot corrupt it. The lock file
 * names its owner's pid; a lock whose process is gone (crash, kill -9) is taken over, so a restart after a
 * crash needs no manual cleanup.
 */
export class DataDirLock {
  private readonly file: string
  private held = false

  constructor(root: string) {
    this.file = join(root, 'lock')
  }

  acquire(): void {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(this.file, 'wx', 0o640)
        const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() }
        writeSync(fd, JSON.stringify(owner))
        closeSync(fd)
        this.held = true
        return
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      const owner = this.readOwner()
      if (owner !== null && owner.host === hostname() && isAlive(owner.pid) && owner.pid !== process.pid) {
        throw new DataDirLockedError(join(this.file, '..'))
      }
      // Stale lock: move it aside atomically so that only one contender removes it.
      const stale = `${this.file}.stale-${process.pid}`
      try {
        renameSync(this.file, stale)
        rmSync(stale, { force: true })
      } catch {
        // another process took it over first; try again
      }
    }
    throw new DataDirLockedError(join(this.file, '..'))
  }

  release(): void {
    if (!this.held) return
    this.held = false
    const owner = this.readOwner()
    if (owner?.pid === process.pid) rmSync(this.file, { force: true })
  }

  private readOwner(): LockOwner | null {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as LockOwner
    } catch {
      return null
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Writes a file so that a crash leaves either the old or the new content, never half of it. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`
  writeFileSync(tmp, data)
  renameSync(tmp, file)
}
