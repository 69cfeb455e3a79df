import { AbortError } from '../../errors.ts'
import { ParseError } from '../types.ts'
import type { ParseFailureCode } from '../types.ts'

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortError()
}

/**
 * Libraries without an AbortSignal (mailparser, mammoth, exceljs) keep their CPU work, but the caller gets control
 * back as soon as the signal fires, so a stuck document never blocks the ingest queue.
 */
export async function untilAborted<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work
  throwIfAborted(signal)
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new AbortError())
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([work, aborted])
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
    // the losing side must not surface as an unhandled rejection
    work.catch(() => undefined)
  }
}

/** Keeps our own typed errors, wraps anything a library threw. */
export function asParseError(err: unknown, reason: ParseFailureCode, message: string): ParseError | AbortError {
  if (err instanceof ParseError || err instanceof AbortError) return err
  return new ParseError(reason, message, err)
}
