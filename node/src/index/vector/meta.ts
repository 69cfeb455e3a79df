import { createHash } from 'node:crypto'
import { closeSync, fsyncSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { HEADER_CHECK_BYTES, META_FORMAT_VERSION } from './constants.ts'

/** `<model>.meta.json`: what the saved graph beside it contains, so that a start can trust it or rebuild. */
export interface IndexMeta {
  version: number
  model: string
  dimensions: number
  space: 'cosine'
  m: number
  efConstruction: number
  /** entries in the graph file, deleted ones included */
  count: number
  /** labels marked deleted in the graph file (hnswlib keeps them until a rebuild) */
  deletedIds: number[]
  /** highest chunk id ever added; rows above it in SQLite are missing from the file */
  maxChunkId: number
  indexBytes: number
  /** sha256 of the graph file's first bytes */
  headerSha256: string
  savedAt: string
}

export type MetaCheck = { ok: true; meta: IndexMeta } | { ok: false; reason: string }

/** Reads the meta file and checks it against the graph file and what this index expects. */
export function checkSavedIndex(metaFile: string, indexFile: string, expect: { model: string; dimensions: number }): MetaCheck {
  let meta: IndexMeta
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as IndexMeta
  } catch (err) {
    return { ok: false, reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no saved index' : 'meta file unreadable' }
  }
  if (meta.version !== META_FORMAT_VERSION) return { ok: false, reason: `meta version ${String(meta.version)}` }
  if (meta.model !== expect.model || meta.dimensions !== expect.dimensions || meta.space !== 'cosine') {
    return { ok: false, reason: 'meta describes another model or dimension' }
  }
  if (!Number.isInteger(meta.count) || !Number.isInteger(meta.maxChunkId) || !Array.isArray(meta.deletedIds)) {
    return { ok: false, reason: 'meta fields invalid' }
  }
  let size: number
  try {
    size = statSync(indexFile).size
  } catch {
    return { ok: false, reason: 'index file missing' }
  }
  if (size !== meta.indexBytes) return { ok: false, reason: `index file has ${size} bytes, meta says ${meta.indexBytes}` }
  if (headerHash(indexFile) !== meta.headerSha256) return { ok: false, reason: 'index file header does not match meta' }
  return { ok: true, meta }
}

export function headerHash(file: string): string {
  const buffer = Buffer.alloc(HEADER_CHECK_BYTES)
  const fd = openSync(file, 'r')
  try {
    const read = readSync(fd, buffer, 0, buffer.length, 0)
    return createHash('sha256').update(buffer.subarray(0, read)).digest('hex')
  } finally {
    closeSync(fd)
  }
}

/** Flushes a finished file to disk, so that a rename after it never exposes an empty file after a power cut. */
export function syncFile(file: string): void {
  const fd = openSync(file, 'r+')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

export function writeMetaAtomic(metaFile: string, meta: IndexMeta): void {
  const temp = `${metaFile}.tmp-${process.pid}`
  writeFileSync(temp, JSON.stringify(meta))
  syncFile(temp)
  renameSync(temp, metaFile)
}

/**
 * Puts a finished graph file in place with its meta file: fsync, rename over the old graph, then the meta file.
 * A crash between the two renames leaves a meta file whose size and header hash do not match: a rebuild, never
 * a wrong graph.
 */
export function publishGraph(tempFile: string, file: string, metaFile: string, base: Omit<IndexMeta, 'indexBytes' | 'headerSha256' | 'savedAt'>): IndexMeta {
  syncFile(tempFile)
  const meta: IndexMeta = { ...base, indexBytes: statSync(tempFile).size, headerSha256: headerHash(tempFile), savedAt: new Date().toISOString() }
  renameSync(tempFile, file)
  writeMetaAtomic(metaFile, meta)
  return meta
}
