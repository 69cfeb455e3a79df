import { posix } from 'node:path'
import { logger } from '../../../log.ts'
import { INDEX_FILE_NAMES } from './constants.ts'
import type { MetadataReading } from './fields.ts'
import { readIndexFile } from './index-file.ts'
import { FileResolver } from './resolve.ts'
import { documentNameOf, readSidecar } from './sidecar.ts'
import type { FoundFile } from './walk.ts'

const log = logger('node:ingest:dms')

/** A document of the export with everything known about its metadata, in the order it is merged. */
export interface PlannedDocument {
  file: FoundFile
  readings: MetadataReading[]
  /** where the metadata came from, shown in the document view (`metadata.csv Zeile 4`, `x.pdf.meta.json`) */
  sources: string[]
  /** newest modification time of the file and its metadata, so an edited sidecar re-indexes the document */
  mtimeMs: number
}

interface Attached {
  reading: MetadataReading
  source: string
  mtimeMs: number
}

/**
 * Splits a listing into documents and metadata files and attaches to each document its index row and sidecars.
 * The index of a folder applies to that folder and below; the file's own sidecar wins over any index.
 */
export async function planDocuments(files: FoundFile[], signal: AbortSignal): Promise<PlannedDocument[]> {
  const resolver = new FileResolver(files.map((file) => file.path))
  const byPath = new Map(files.map((file) => [file.path, file]))
  const metadataFiles = new Set<string>()
  const fromIndex = new Map<string, Attached>()
  const fromSidecars = new Map<string, Attached[]>()

  const indexes = files
    .filter((file) => (INDEX_FILE_NAMES as readonly string[]).includes(posix.basename(file.path).toLowerCase()))
    .sort((a, b) => depth(a.path) - depth(b.path))
  for (const index of indexes) {
    const reading = await readIndexFile(index.absolutePath, index.path, signal)
    if (reading.kind === 'not_index') {
      log.warn('CSV ohne Dateispalte wird als Dokument behandelt', index.path, reading.reason)
      continue
    }
    metadataFiles.add(index.path)
    const indexDir = posix.dirname(index.path) === '.' ? '' : posix.dirname(index.path)
    let unresolved = 0
    for (const row of reading.rows) {
      const target = resolver.resolveReference(row.fileRef, indexDir)
      if (!target) {
        unresolved++
        continue
      }
      const previous = fromIndex.get(target)
      const problems = [...row.reading.problems]
      if (previous?.source.startsWith(`${index.path} `)) problems.push(`${index.path}: Datei mehrfach aufgeführt, Zeile ${row.line} gilt`)
      const attached = {
        reading: { metadata: row.reading.metadata, problems },
        source: `${index.path} Zeile ${row.line}`,
        mtimeMs: index.mtimeMs,
      }
      fromIndex.set(target, attached)
    }
    if (unresolved > 0) log.warn('Zeilen ohne passende Datei im Export', index.path, `${unresolved} Zeile(n)`)
    if (reading.unattributedLines.length > 0)
      log.warn('Zeilen ohne Dateiname', index.path, `Zeilen ${reading.unattributedLines.join(', ')}`)
  }

  for (const file of files) {
    if (metadataFiles.has(file.path)) continue
    const named = documentNameOf(file.path)
    if (!named) continue
    const targetPath = byPath.has(named.name) ? named.name : resolver.find(named.name)
    const target = targetPath === undefined ? undefined : byPath.get(targetPath)
    if (!target || target.path === file.path) {
      if (named.certain) {
        metadataFiles.add(file.path)
        log.warn('Metadatendatei ohne zugehöriges Dokument', file.path)
      }
      continue
    }
    metadataFiles.add(file.path)
    const reading = await readSidecar(file.absolutePath, posix.basename(file.path), signal)
    if (reading.problems.length > 0) log.warn('Metadatendatei fehlerhaft', file.path)
    const list = fromSidecars.get(target.path) ?? []
    list.push({ reading, source: posix.basename(file.path), mtimeMs: file.mtimeMs })
    fromSidecars.set(target.path, list)
  }

  const documents: PlannedDocument[] = []
  for (const file of files) {
    if (metadataFiles.has(file.path)) continue
    // `x.pdf.json` sorts before `x.pdf.meta.json`; the more specific `.meta.json` is merged last and wins.
    const sidecars = (fromSidecars.get(file.path) ?? []).sort((a, b) => specificity(a.source) - specificity(b.source))
    const attached = [fromIndex.get(file.path), ...sidecars].filter((a): a is Attached => a !== undefined)
    documents.push({
      file,
      readings: attached.map((a) => a.reading),
      sources: attached.map((a) => a.source),
      mtimeMs: Math.max(file.mtimeMs, ...attached.map((a) => a.mtimeMs)),
    })
  }
  return documents
}

function depth(path: string): number {
  return path.split('/').length
}

function specificity(sidecarName: string): number {
  return sidecarName.toLowerCase().endsWith('.meta.json') ? 1 : 0
}
