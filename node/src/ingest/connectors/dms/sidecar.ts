import { readFile } from 'node:fs/promises'
import { MAX_SIDECAR_BYTES, SIDECAR_SUFFIXES } from './constants.ts'
import { decodeText } from './decode.ts'
import { mapRecord, type MetadataReading } from './fields.ts'

/** Objects under these keys are read as if they stood at the top (`{ "metadaten": { "Betreff": … } }`). */
const WRAPPER_KEYS = new Set(['metadaten', 'metadata', 'properties', 'eigenschaften'])

/**
 * The sidecar names a document can have, most specific first. `.meta.json` files are always sidecars;
 * `x.json` is one only when `x` exists (otherwise it is a document of its own).
 */
export function sidecarNamesFor(fileName: string): string[] {
  return SIDECAR_SUFFIXES.map((suffix) => `${fileName}${suffix}`)
}

/** The document a sidecar name describes, or undefined when the name is no sidecar name. */
export function documentNameOf(sidecarName: string): { name: string; certain: boolean } | undefined {
  const lower = sidecarName.toLowerCase()
  if (lower.endsWith('.meta.json')) return { name: sidecarName.slice(0, -'.meta.json'.length), certain: true }
  if (lower.endsWith('.json')) return { name: sidecarName.slice(0, -'.json'.length), certain: false }
  return undefined
}

/**
 * Reads one JSON sidecar. Never throws for bad content: a sidecar that is too large, not JSON or not an object
 * yields no metadata and a problem naming the sidecar, so the document is still indexed and the admin sees why
 * its Aktenzeichen is missing.
 */
export async function readSidecar(absolutePath: string, displayName: string, signal?: AbortSignal): Promise<MetadataReading> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(absolutePath, signal ? { signal } : {})
  } catch (error) {
    if (signal?.aborted) throw error
    return failed(`${displayName}: Metadatendatei nicht lesbar`)
  }
  if (bytes.length > MAX_SIDECAR_BYTES) return failed(`${displayName}: Metadatendatei zu groß (über ${MAX_SIDECAR_BYTES / 1024} KiB)`)
  let parsed: unknown
  try {
    parsed = JSON.parse(decodeText(bytes))
  } catch {
    return failed(`${displayName}: Metadatendatei ist kein gültiges JSON`)
  }
  if (!isPlainObject(parsed)) return failed(`${displayName}: Metadatendatei enthält kein JSON-Objekt`)
  const reading = mapRecord(flatten(parsed))
  return { metadata: reading.metadata, problems: reading.problems.map((problem) => `${displayName}: ${problem}`) }
}

function flatten(object: Record<string, unknown>): [string, string][] {
  const entries: [string, string][] = []
  for (const [key, value] of Object.entries(object)) {
    if (isPlainObject(value)) {
      if (WRAPPER_KEYS.has(key.toLowerCase())) entries.push(...flatten(value))
      continue
    }
    const text = toText(value)
    if (text !== undefined) entries.push([key, text])
  }
  return entries
}

function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) {
    const parts = value.map(toText).filter((part): part is string => part !== undefined && part !== '')
    return parts.length > 0 ? parts.join(', ') : undefined
  }
  return undefined
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function failed(problem: string): MetadataReading {
  return { metadata: {}, problems: [problem] }
}
