import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { logger } from '../../log.ts'

const log = logger('node:ingest:parse')
const run = promisify(execFile)

/** 300 dpi is what tesseract is trained for; lower loses umlaut dots in small print. */
export const OCR_DPI = 300
export const OCR_LANGUAGE = 'deu'
export const OCR_PAGE_TIMEOUT_MS = 120_000
const PROBE_TIMEOUT_MS = 10_000
const MAX_OCR_TEXT_BYTES = 4 * 1024 * 1024
// tesseract's OpenMP threads would fight the rest of the node for the two cores
const TESSERACT_ENV = { ...process.env, OMP_THREAD_LIMIT: '1' }

let probe: Promise<boolean> | undefined

async function detect(): Promise<boolean> {
  try {
    const { stdout, stderr } = await run('tesseract', ['--list-langs'], { timeout: PROBE_TIMEOUT_MS })
    if (!`${stdout}\n${stderr}`.split(/\s+/).includes(OCR_LANGUAGE)) {
      log.warn('OCR nicht verfügbar: tesseract ohne deutsche Sprachdaten (Paket tesseract-ocr-deu)')
      return false
    }
    await run('pdftoppm', ['-v'], { timeout: PROBE_TIMEOUT_MS })
    return true
  } catch {
    log.warn('OCR nicht verfügbar: tesseract oder pdftoppm (Pakete tesseract-ocr, poppler-utils) fehlt')
    return false
  }
}

/** Looks for tesseract with German data and pdftoppm once per process. */
export function ocrAvailable(): Promise<boolean> {
  probe ??= detect()
  return probe
}

/** Tests change PATH to simulate a machine without OCR tools; this makes the next call look again. */
export function forgetOcrProbe(): void {
  probe = undefined
}

export interface OcrSession {
  /** Renders one page (1-based) and returns tesseract's text; throws when a tool fails or the signal fires. */
  recognise(page: number, signal?: AbortSignal): Promise<string>
  close(): Promise<void>
}

/** Writes the PDF once to a private temp dir; pages are rendered and recognised one at a time, then deleted. */
export async function openOcrSession(pdf: Uint8Array): Promise<OcrSession> {
  const dir = await mkdtemp(join(tmpdir(), 'wissensnetz-ocr-'))
  const pdfPath = join(dir, 'input.pdf')
  await writeFile(pdfPath, pdf, { mode: 0o600 })
  return {
    async recognise(page, signal) {
      const timeout = AbortSignal.timeout(OCR_PAGE_TIMEOUT_MS)
      const pageSignal = signal ? AbortSignal.any([signal, timeout]) : timeout
      const prefix = join(dir, `page-${page}`)
      const pageArgs = ['-f', String(page), '-l', String(page), '-r', String(OCR_DPI), '-gray', '-png', '-singlefile']
      await run('pdftoppm', [...pageArgs, pdfPath, prefix], { signal: pageSignal })
      try {
        const { stdout } = await run('tesseract', [`${prefix}.png`, 'stdout', '-l', OCR_LANGUAGE], {
          signal: pageSignal,
          env: TESSERACT_ENV,
          maxBuffer: MAX_OCR_TEXT_BYTES,
        })
        return stdout
      } finally {
        await rm(`${prefix}.png`, { force: true })
      }
    },
    close: () => rm(dir, { recursive: true, force: true }),
  }
}
