import type { ErrorResponse } from '@wissensnetz/protocol'

/**
 * A failed request, ready to show. `message` is the node's German text; codes that the browser itself produces
 * (network_error, rate_limited, invalid_response) have texts in the i18n dictionary instead.
 */
export class ApiError extends Error {
  override name = 'ApiError'

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
  }

  /** Field problems of a validation error: `[{field, problem}]`. */
  get fieldProblems(): Array<{ field: string; problem: string }> {
    if (!Array.isArray(this.details)) return []
    return this.details.filter((d): d is { field: string; problem: string } => typeof d?.field === 'string' && typeof d?.problem === 'string')
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

let csrfToken: string | null = null
let sessionLost: (() => void) | null = null

/** The session's CSRF token, sent with every changing request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

/** Called when a request answers 401 although the user was signed in (session expired). */
export function onSessionLost(handler: () => void): void {
  sessionLost = handler
}

export interface RequestOptions {
  method?: string
  /** sent as JSON */
  json?: unknown
  /** sent as is, e.g. an uploaded file's text */
  text?: string
  signal?: AbortSignal
  /** 401 is an expected answer (the login check), not a lost session */
  expectUnauthorized?: boolean
}

/** fetch with the session's headers; resolves with the response when it is OK, throws ApiError otherwise. */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const method = options.method ?? (options.json !== undefined || options.text !== undefined ? 'POST' : 'GET')
  const headers: Record<string, string> = { accept: 'application/json, text/event-stream' }
  let body: string | undefined
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  } else if (options.text !== undefined) {
    headers['content-type'] = 'text/plain; charset=utf-8'
    body = options.text
  }
  if (UNSAFE_METHODS.has(method) && csrfToken !== null) headers['x-csrf-token'] = csrfToken
  let response: Response
  try {
    response = await fetch(path, { method, headers, body, signal: options.signal, credentials: 'same-origin' })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError(0, 'network_error', 'Der Knoten ist nicht erreichbar.')
  }
  if (response.ok) return response
  const error = await errorOf(response)
  if (response.status === 401 && options.expectUnauthorized !== true) sessionLost?.()
  throw error
}

/** A JSON request; 204 resolves with undefined. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options)
  if (response.status === 204) return undefined as T
  try {
    return (await response.json()) as T
  } catch {
    throw new ApiError(response.status, 'invalid_response', 'Die Antwort des Knotens ist unverständlich.')
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get('retry-after'))
  const retry = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined
  let body: Partial<ErrorResponse> | null = null
  try {
    body = (await response.json()) as Partial<ErrorResponse>
  } catch {
    body = null
  }
  const code = response.status === 429 ? 'rate_limited' : (body?.error?.code ?? (response.status >= 500 ? 'server_error' : 'invalid_response'))
  return new ApiError(response.status, code, body?.error?.message ?? '', body?.error?.details, retry)
}

/** Any thrown value as an ApiError, so that the page can always say something useful. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  return new ApiError(0, 'client_error', err instanceof Error ? err.message : String(err))
}

export const isAbort = (err: unknown): boolean => (err as Error | null)?.name === 'AbortError'
