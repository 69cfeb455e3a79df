import type { IngestProgress } from '../ingest/pipeline.ts'

/** Plain progress lines are printed at most this often when stdout is not a terminal. */
const PLAIN_INTERVAL_MS = 2000

export function formatProgress(p: IngestProgress): string {
  const mb = (n: number) => (n / 1e6).toFixed(1)
  const eta = p.etaMs === null ? '' : `, noch ~${formatDuration(p.etaMs)}`
  const phase = { scanning: 'durchsuche', ingesting: 'lese ein', cleaning: 'räume auf', done: 'fertig', aborted: 'abgebrochen', failed: 'fehlgeschlagen' }[
    p.phase
  ]
  return (
    `[${p.sourceName}] ${phase}: ${p.filesDone}/${p.filesTotal} Dateien, ${mb(p.bytesDone)}/${mb(p.bytesTotal)} MB, ` +
    `${p.filesPerSecond.toFixed(1)} Dateien/s, ${p.megabytesPerSecond.toFixed(2)} MB/s, ${p.errors} Fehler${eta}`
  )
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000)
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`
}

/** Live progress on a terminal (one line rewritten), plain lines otherwise (logs, CI, pipes). */
export function progressPrinter(stream: NodeJS.WriteStream = process.stdout): (p: IngestProgress) => void {
  let last = 0
  return (p) => {
    const final = p.phase === 'done' || p.phase === 'aborted' || p.phase === 'failed'
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${formatProgress(p)}${final ? '\n' : ''}`)
      return
    }
    const now = Date.now()
    if (!final && now - last < PLAIN_INTERVAL_MS) return
    last = now
    stream.write(`${formatProgress(p)}\n`)
  }
}
