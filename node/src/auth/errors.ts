import { AUTH_ERROR_CODES } from '@wissensnetz/protocol'
import { WissensnetzError } from '../errors.ts'

/** No valid session or token (401). */
export class UnauthenticatedError extends WissensnetzError {
  constructor(message = 'Bitte melden Sie sich an.') {
    super(AUTH_ERROR_CODES.unauthenticated, message, { status: 401 })
  }
}

/** Wrong username or password; says nothing about which (401). */
export class InvalidCredentialsError extends WissensnetzError {
  constructor() {
    super(AUTH_ERROR_CODES.invalidCredentials, 'Benutzername oder Passwort ist falsch.', { status: 401 })
  }
}

/** Too many failed logins (429); `retryAfterSeconds` goes into the Retry-After header. */
export class TooManyAttemptsError extends WissensnetzError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      AUTH_ERROR_CODES.tooManyAttempts,
      `Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in ${Math.ceil(retryAfterSeconds / 60)} Minuten erneut.`,
      { status: 429, details: { retryAfterSeconds } },
    )
  }
}

/** A cookie-authenticated change without the session's CSRF token (403). */
export class CsrfError extends WissensnetzError {
  constructor() {
    super(AUTH_ERROR_CODES.csrfFailed, 'Die Anfrage konnte nicht bestätigt werden. Bitte laden Sie die Seite neu.', { status: 403 })
  }
}

/** A change that would leave the node without an active administrator (409). */
export class LastAdminError extends WissensnetzError {
  constructor() {
    super(AUTH_ERROR_CODES.lastAdmin, 'Der Knoten braucht mindestens eine aktive Person mit der Rolle Administration.', { status: 409 })
  }
}

/** Single sign-on is not configured (404) or failed (401 / 502). */
export class OidcError extends WissensnetzError {
  constructor(code: 'oidc_disabled' | 'oidc_failed', message: string, status: number, cause?: unknown) {
    super(code, message, { status, cause })
  }
}
