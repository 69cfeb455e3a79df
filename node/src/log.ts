import createDebug from 'debug'

/**
 * Scoped loggers (`node:ingest:folder`). `trace` is off unless DEBUG=node:* names the scope; info/warn/error
 * always print to stderr. Never pass document text, query text or personal data: log ids, hashes and counts.
 */
export interface Logger {
  trace(message: string, ...args: unknown[]): void
  info(message: string, ...args: unknown[]): void
  warn(message: string, ...args: unknown[]): void
  error(message: string, ...args: unknown[]): void
}

let quiet = process.env.WISSENSNETZ_LOG === 'silent'

/** Silences info-level output (tests and `--json` command-line output). Warnings and errors still print. */
export function setQuiet(value: boolean): void {
  quiet = value
}

export function logger(scope: string): Logger {
  const trace = createDebug(scope)
  const write = (level: string, message: string, args: unknown[]): void => {
    const rest = args.length > 0 ? ` ${args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}` : ''
    process.stderr.write(`${new Date().toISOString()} ${level} ${scope} ${message}${rest}\n`)
  }
  return {
    trace: (message, ...args) => trace(message, ...args),
    info: (message, ...args) => {
      if (!quiet) write('INFO', message, args)
    },
    warn: (message, ...args) => write('WARN', message, args),
    error: (message, ...args) => write('ERROR', message, args),
  }
}
