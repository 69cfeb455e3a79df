import { ImapFlow } from 'imapflow'
import { AbortError, WissensnetzError } from '../../../errors.ts'
import { logger } from '../../../log.ts'
import {
  IMAP_CONNECTION_TIMEOUT_MS,
  IMAP_GREETING_TIMEOUT_MS,
  IMAP_IDLE_START_DELAY_MS,
  IMAP_MAX_IDLE_MS,
  IMAP_SOCKET_TIMEOUT_MS,
} from './constants.ts'
import { MailAuthError, MailConnectionError } from './errors.ts'
import type { ImapSettings } from './options.ts'

const log = logger('node:ingest:mail')

/**
 * Opens an authenticated IMAP connection. 'watch' connections IDLE on their mailbox; 'fetch' connections never
 * IDLE, so that scans and reads do not pay for breaking it. An abort closes the socket at once.
 */
export async function connectImap(settings: ImapSettings, purpose: 'fetch' | 'watch', signal?: AbortSignal): Promise<ImapFlow> {
  if (signal?.aborted) throw new AbortError()
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    doSTARTTLS: settings.startTls,
    auth: { user: settings.user, pass: settings.password },
    // imapflow logs protocol details (mailbox names, envelopes); our own log says what matters, without personal data
    logger: false,
    // BINARY[] may hand back a server-converted message; BODY.PEEK[] is the stored bytes and never sets \Seen
    disableBinary: true,
    disableAutoIdle: purpose === 'fetch',
    autoIdleDelay: IMAP_IDLE_START_DELAY_MS,
    maxIdleTime: IMAP_MAX_IDLE_MS,
    connectionTimeout: IMAP_CONNECTION_TIMEOUT_MS,
    greetingTimeout: IMAP_GREETING_TIMEOUT_MS,
    socketTimeout: IMAP_SOCKET_TIMEOUT_MS,
    clientInfo: { name: 'Wissensnetz' },
  })
  // without a listener an 'error' event would end the process
  client.on('error', (error: Error) => log.warn(`IMAP connection to ${settings.server} failed`, errorCode(error)))
  const onAbort = (): void => client.close()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    await client.connect()
    log.trace('IMAP connected (%s, %s)', settings.server, purpose)
    return client
  } catch (error) {
    client.close()
    if (signal?.aborted) throw new AbortError()
    throw toMailError(settings, error)
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

/** Logs out politely; a connection that is already broken is just closed. */
export async function disconnectImap(client: ImapFlow): Promise<void> {
  if (client.usable) await client.logout().catch(() => client.close())
  else client.close()
}

/**
 * Maps imapflow and socket errors to our typed errors. The messages carry the server and a reason only: the
 * original error may quote server responses, so it is kept as cause only where it cannot hold credentials.
 */
export function toMailError(settings: ImapSettings, error: unknown): Error {
  if (error instanceof WissensnetzError) return error
  const failure = error as { authenticationFailed?: boolean; tlsFailed?: boolean; code?: string }
  if (failure.authenticationFailed === true) return new MailAuthError(settings.server)
  const code = errorCode(error)
  switch (code) {
    case 'CONNECT_TIMEOUT':
    case 'GREETING_TIMEOUT':
    case 'UPGRADE_TIMEOUT':
    case 'ETIMEOUT':
    case 'ETIMEDOUT':
      return new MailConnectionError(settings.server, `Zeitüberschreitung (nach höchstens ${IMAP_CONNECTION_TIMEOUT_MS / 1000} s).`, error)
    case 'ECONNREFUSED':
      return new MailConnectionError(settings.server, 'Verbindung abgelehnt (Adresse und Port prüfen).', error)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new MailConnectionError(settings.server, 'Servername nicht auflösbar.', error)
    case 'NoConnection':
    case 'EConnectionClosed':
    case 'ECONNRESET':
      return new MailConnectionError(settings.server, 'Verbindung unterbrochen.', error)
  }
  if (failure.tlsFailed === true || code.startsWith('ERR_TLS') || code.includes('CERT')) {
    const reason = `TLS-Verbindung fehlgeschlagen (${code}); Zertifikat und tls-Einstellung prüfen.`
    return new MailConnectionError(settings.server, reason, error)
  }
  return new MailConnectionError(settings.server, `Fehler ${code}.`, error)
}

export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code
  return typeof code === 'string' && code !== '' ? code : 'unknown'
}
