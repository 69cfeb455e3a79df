import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { parseDocument } from 'yaml'
import { parseConfig } from '../config/load.ts'
import type { Config } from '../config/schema.ts'
import { ValidationError, WissensnetzError } from '../errors.ts'
import type { DataDir } from '../store/datadir.ts'
import { ModelInvalidError, ModelNotFoundError } from './runtime.ts'

export type ModelRole = 'chat' | 'embedding'
export const MODEL_ROLES: readonly ModelRole[] = ['chat', 'embedding']

/** Without any progress for this long, a pull gives up (no network, a proxy that swallows requests). */
export const PULL_STALL_TIMEOUT_MS = 30_000
/** Bound on the first contact with the model source, so that an offline node says so within seconds. */
export const PULL_CONNECT_TIMEOUT_MS = 10_000
/** Tokenizer tables are the bulk of a GGUF header and are not needed to describe a model. */
const HEADER_KEYS_IGNORED = ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges']
const HUGGING_FACE_URL = 'https://huggingface.co/'
/** magic, version, tensor count and metadata count */
const GGUF_PREAMBLE_BYTES = 24
const MAX_GGUF_VERSION = 3

export interface GgufSummary {
  architecture: string | null
  name: string | null
}

export interface ModelFile extends Partial<GgufSummary> {
  file: string
  path: string
  /** null: configured but missing */
  bytes: number | null
  roles: ModelRole[]
  /** why the file cannot be used (not GGUF, truncated); absent when it reads fine */
  problem?: string
}

export class ModelSourceUnreachableError extends WissensnetzError {
  constructor(host: string, cause: unknown) {
    super(
      'model_source_unreachable',
      `Die Modellquelle ${host} ist nicht erreichbar (keine Internetverbindung, Proxy oder Firewall?). ` +
        'Ohne Internet die GGUF-Datei auf anderem Weg in den Modellordner legen ' +
        'und mit "wissensnetz models use <datei> --role …" eintragen.',
      { status: 502, expose: true, cause, details: { host } },
    )
  }
}

export class ModelPullError extends WissensnetzError {
  constructor(reason: string, cause?: unknown) {
    super('model_pull_failed', `Das Modell konnte nicht heruntergeladen werden: ${reason}`, { status: 502, expose: true, cause })
  }
}

/** The models folder of a data directory (config `models.dir`, relative to the data directory). */
export function modelsDirOf(dataDir: DataDir, config: Config): string {
  return isAbsolute(config.models.dir) ? config.models.dir : join(dataDir.root, config.models.dir)
}

/** Reads a GGUF header; throws ModelNotFoundError or ModelInvalidError. */
export async function readGgufSummary(path: string): Promise<GgufSummary> {
  if (!existsSync(path) || !statSync(path).isFile()) throw new ModelNotFoundError(path)
  checkGgufPreamble(path)
  const { readGgufFileInfo } = await import('node-llama-cpp')
  let general: { architecture?: unknown; name?: unknown } | undefined
  try {
    const info = await readGgufFileInfo(path, {
      readTensorInfo: false,
      sourceType: 'filesystem',
      ignoreKeys: HEADER_KEYS_IGNORED,
      logWarnings: false,
    })
    general = info.metadata.general as typeof general
  } catch (err) {
    throw new ModelInvalidError(path, 'GGUF-Kopf nicht lesbar', err)
  }
  // node-llama-cpp reads a truncated header without complaint; a model without architecture cannot be loaded
  if (typeof general?.architecture !== 'string') throw new ModelInvalidError(path, 'GGUF-Kopf unvollständig (keine Architektur)')
  return { architecture: general.architecture, name: typeof general.name === 'string' ? general.name : null }
}

/**
 * Magic and version before node-llama-cpp sees the file: its reader spins forever on a file that starts with
 * "GGUF" followed by a nonsense version (seen with a text file).
 */
function checkGgufPreamble(path: string): void {
  const head = Buffer.alloc(GGUF_PREAMBLE_BYTES)
  const fd = openSync(path, 'r')
  let read: number
  try {
    read = readSync(fd, head, 0, head.length, 0)
  } finally {
    closeSync(fd)
  }
  if (read < GGUF_PREAMBLE_BYTES) throw new ModelInvalidError(path, 'Datei ist zu kurz')
  if (head.toString('latin1', 0, 4) !== 'GGUF') throw new ModelInvalidError(path, 'keine GGUF-Kennung am Dateianfang')
  const version = head.readUInt32LE(4)
  if (version < 1 || version > MAX_GGUF_VERSION) throw new ModelInvalidError(path, `unbekannte GGUF-Version ${version}`)
}

/** The GGUF files in the models folder and the configured models, with their size and the role they fill. */
export async function listModels(dataDir: DataDir, config: Config): Promise<ModelFile[]> {
  const dir = modelsDirOf(dataDir, config)
  const configured = new Map<string, ModelRole[]>()
  for (const role of MODEL_ROLES) {
    const name = config.models[role]
    if (name === null || name === '') continue
    const path = resolve(dir, name)
    configured.set(path, [...(configured.get(path) ?? []), role])
  }
  const paths = new Set<string>(
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /\.gguf$/i.test(f))
          .map((f) => resolve(dir, f))
      : [],
  )
  for (const path of configured.keys()) paths.add(path)
  const out: ModelFile[] = []
  for (const path of [...paths].sort()) {
    const roles = configured.get(path) ?? []
    const file = relative(dir, path).startsWith('..') ? path : relative(dir, path)
    if (!existsSync(path)) {
      out.push({ file, path, bytes: null, roles, problem: 'Datei fehlt' })
      continue
    }
    const entry: ModelFile = { file, path, bytes: statSync(path).size, roles }
    try {
      Object.assign(entry, await readGgufSummary(path))
    } catch (err) {
      entry.problem = (err as Error).message
    }
    out.push(entry)
  }
  return out
}

/**
 * Makes `file` the model for `role`: checks its GGUF header, then writes `models.<role>` into config.yaml,
 * keeping the file's comments and layout. A file inside the models folder is stored by name, others by path.
 */
export async function useModel(
  dataDir: DataDir,
  config: Config,
  file: string,
  role: ModelRole,
): Promise<{ path: string; value: string } & GgufSummary> {
  if (!MODEL_ROLES.includes(role)) throw new ValidationError(`Unbekannte Rolle "${role}"; erlaubt: ${MODEL_ROLES.join(', ')}`)
  const dir = modelsDirOf(dataDir, config)
  const path = existsSync(file) ? resolve(file) : resolve(dir, file)
  const summary = await readGgufSummary(path)
  const inside = relative(dir, path)
  const value = inside.startsWith('..') || isAbsolute(inside) ? path : inside
  setConfigValue(dataDir.configFile, ['models', role], value)
  return { path, value, ...summary }
}

/** Sets one value in config.yaml through yaml's Document API (comments stay), validated before it is written. */
export function setConfigValue(configFile: string, keyPath: string[], value: unknown): void {
  const doc = parseDocument(existsSync(configFile) ? readFileSync(configFile, 'utf8') : '')
  if (doc.errors.length > 0) throw new ValidationError(`${configFile}: kein gültiges YAML (${doc.errors[0]?.message.split('\n')[0]})`)
  doc.setIn(keyPath, value)
  parseConfig(doc.toJS(), configFile)
  const temp = join(dirname(configFile), `.${basename(configFile)}.${process.pid}.tmp`)
  writeFileSync(temp, doc.toString(), { mode: 0o640 })
  renameSync(temp, configFile)
}

export interface PullOptions {
  dir: string
  signal?: AbortSignal
  connectTimeoutMs?: number
  stallTimeoutMs?: number
  onProgress?: (status: { totalSize: number; downloadedSize: number }) => void
}

/**
 * Downloads a model through node-llama-cpp's resolver (`hf:<user>/<repo>:<quant>` or an https URL) into the
 * models folder. node-llama-cpp's downloader retries a dead connection for minutes and ignores the abort signal
 * until it has connected, so the source is probed first with a short timeout, and a download that makes no
 * progress for a while is given up.
 */
export async function pullModel(uri: string, options: PullOptions): Promise<string> {
  const probeUrl = probeTarget(uri)
  await probe(probeUrl, options.connectTimeoutMs ?? PULL_CONNECT_TIMEOUT_MS, options.signal)
  const { resolveModelFile } = await import('node-llama-cpp')
  const controller = new AbortController()
  const stallMs = options.stallTimeoutMs ?? PULL_STALL_TIMEOUT_MS
  let timer: NodeJS.Timeout | undefined
  let progress: (status: { totalSize: number; downloadedSize: number }) => void = () => undefined
  const stalled = new Promise<never>((_, reject) => {
    const arm = (): void => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        controller.abort()
        reject(
          new ModelPullError(`seit ${Math.round(stallMs / 1000)} s kein Fortschritt beim Herunterladen von ${new URL(probeUrl).host}.`),
        )
      }, stallMs)
    }
    arm()
    progress = (status) => {
      arm()
      options.onProgress?.(status)
    }
  })
  const onAbort = (): void => controller.abort()
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const path = await Promise.race([
      resolveModelFile(uri, { directory: options.dir, cli: false, signal: controller.signal, onProgress: (s) => progress(s) }),
      stalled,
    ])
    await readGgufSummary(path)
    return path
  } catch (err) {
    if (err instanceof WissensnetzError) throw err
    throw new ModelPullError(firstLine(err), err)
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
  }
}

function probeTarget(uri: string): string {
  if (/^hf:|^huggingface:/i.test(uri)) return HUGGING_FACE_URL
  if (/^https?:\/\//i.test(uri)) return uri
  throw new ValidationError(
    `Unbekannte Modellquelle "${uri}": erwartet wird hf:<benutzer>/<modell>:<quantisierung> oder eine https-Adresse.`,
  )
}

/** Any HTTP answer means the source is reachable; only a missing file (404, 410) is reported here already. */
async function probe(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const host = new URL(url).host
  const timeout = AbortSignal.timeout(timeoutMs)
  let response: Response
  try {
    response = await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    })
  } catch (err) {
    throw new ModelSourceUnreachableError(host, err)
  }
  if (response.status === 404 || response.status === 410)
    throw new ModelPullError(`${host} kennt diese Datei nicht (HTTP ${response.status}).`)
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return (message.split('\n')[0] ?? message).slice(0, 300)
}
