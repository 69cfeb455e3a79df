/**
 * Typed errors. Each has a stable `name` and `code`; tests and clients branch on those, never on message text.
 * `status` and `expose` decide what the HTTP error middleware shows (Koa convention).
 */
export class WissensnetzError extends Error {
  readonly code: string
  readonly status: number
  readonly expose: boolean
  readonly details?: unknown

  constructor(code: string, message: string, options: { status?: number; expose?: boolean; details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.status = options.status ?? 500
    this.expose = options.expose ?? this.status < 500
    this.details = options.details
  }
}

export class ValidationError extends WissensnetzError {
  constructor(message: string, details?: unknown) {
    super('validation_failed', message, { status: 400, details })
  }
}

export class NotFoundError extends WissensnetzError {
  constructor(what: string) {
    super('not_found', `${what} nicht gefunden`, { status: 404 })
  }
}

export class ConflictError extends WissensnetzError {
  constructor(message: string) {
    super('conflict', message, { status: 409 })
  }
}

export class ForbiddenError extends WissensnetzError {
  constructor(message = 'Zugriff verweigert') {
    super('forbidden', message, { status: 403 })
  }
}

export class ConfigError extends WissensnetzError {
  readonly problems: string[]
  constructor(problems: string[]) {
    super('config_invalid', `Konfiguration ungültig:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { status: 500, expose: false })
    this.problems = problems
  }
}

export class DataDirLockedError extends WissensnetzError {
  constructor(dir: string) {
    super('data_dir_locked', `Das Datenverzeichnis ${dir} wird bereits von einem anderen Wissensnetz-Prozess verwendet.`)
  }
}

export class AbortError extends WissensnetzError {
  constructor(message = 'Abgebrochen') {
    super('aborted', message, { status: 499 })
  }
}
