import { WissensnetzError } from '../../../errors.ts'

/** The IMAP server refused the credentials. The message names the server, never user or password. */
export class MailAuthError extends WissensnetzError {
  constructor(server: string, cause?: unknown) {
    super('mail_auth_failed', `Anmeldung am IMAP-Server ${server} fehlgeschlagen: Benutzername oder Passwort falsch.`, {
      status: 502,
      expose: true,
      cause,
    })
  }
}

/** The IMAP server could not be reached or broke off the connection. */
export class MailConnectionError extends WissensnetzError {
  constructor(server: string, reason: string, cause?: unknown) {
    super('mail_connection_failed', `IMAP-Server ${server} nicht erreichbar: ${reason}`, { status: 502, expose: true, cause })
  }
}

/** A configured mailbox (IMAP folder) does not exist on the server. */
export class MailboxMissingError extends WissensnetzError {
  constructor(server: string, mailbox: string, cause?: unknown) {
    super('mail_mailbox_missing', `Postfach „${mailbox}“ gibt es auf dem IMAP-Server ${server} nicht.`, {
      status: 502,
      expose: true,
      cause,
    })
  }
}

/** The location is neither an mbox file, a Maildir, a folder of messages nor an IMAP URL. */
export class MailLocationError extends WissensnetzError {
  constructor(message: string, cause?: unknown) {
    super('mail_location_invalid', message, { status: 500, expose: false, cause })
  }
}
