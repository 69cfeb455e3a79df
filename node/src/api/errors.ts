import type { Context, Next } from 'koa'
import type { z } from 'zod'
import { ValidationError, WissensnetzError } from '../errors.ts'
import { logger } from '../log.ts'

const log = logger('node:api')

/**
 * First middleware: decides what reaches the client. Typed errors carry status and expose; anything else
 * becomes a plain internal_error without a stack trace (logged here with the request id only).
 */
export async function errorMiddleware(ctx: Context, next: Next): Promise<void> {
  try {
    await next()
  } catch (err) {
    const typed = toTyped(err)
    ctx.status = typed.status
    ctx.body = {
      error: {
        code: typed.expose ? typed.code : 'internal_error',
        message: typed.expose ? typed.message : 'Interner Fehler. Die Administration findet Details im Protokoll des Knotens.',
        ...(typed.expose && typed.details !== undefined ? { details: typed.details } : {}),
      },
    }
    if (typed.status >= 500) log.error(`${ctx.method} ${ctx.path} failed`, err as Error)
  }
}

function toTyped(err: unknown): WissensnetzError {
  if (err instanceof WissensnetzError) return err
  const status = (err as { status?: number }).status
  // koa-bodyparser and koa itself throw http-errors with a status (malformed JSON, payload too large)
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new WissensnetzError(status === 413 ? 'payload_too_large' : 'bad_request', requestErrorMessage(status), { status })
  }
  return new WissensnetzError('internal_error', 'internal', { status: 500, expose: false, cause: err })
}

function requestErrorMessage(status: number): string {
  if (status === 413) return 'Die Anfrage ist zu groß.'
  if (status === 415) return 'Erwartet wird JSON (Content-Type: application/json).'
  return 'Die Anfrage ist fehlerhaft (kein gültiges JSON?).'
}

/** Validates a request body against a protocol schema; a failure lists every field problem. */
export function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw new ValidationError(
    'Die Anfrage ist ungültig.',
    result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', problem: i.message })),
  )
}
