import { ConfigError } from '../../../errors.ts'

/** How a mail source is configured (one entry of the node configuration). */
export interface MailSourceOptions {
  /** mbox file, Maildir, folder of .eml/.msg files, or `imap://user@host:port/Mailbox` / `imaps://…` */
  location: string
  /** user who owns the mailbox; required unless visibility is 'groups' */
  owner?: string
  /** users who may read the mailbox on the owner's behalf (Vertretung) */
  delegates?: string[]
  /** 'owner' (default): only owner and delegates see the mail; 'groups': the source's groups apply */
  visibility?: 'owner' | 'groups'
  /** IMAP password; prefer passwordEnv so that it stays out of configuration files */
  password?: string
  /** name of the environment variable that holds the IMAP password */
  passwordEnv?: string
  /** IMAP mailboxes to read; default the mailbox in the URL, else INBOX. '*' reads every selectable mailbox */
  mailboxes?: string[]
  /** IMAP: imaps:// always uses TLS; on imap:// true requires STARTTLS, false forbids it, unset uses it when offered */
  tls?: boolean
}

export interface ImapSettings {
  host: string
  port: number
  user: string
  password: string
  /** implicit TLS (imaps://) */
  secure: boolean
  /** STARTTLS policy for imap:// (undefined: opportunistic) */
  startTls: boolean | undefined
  /** mailbox names to read, or ['*'] for all */
  mailboxes: string[]
  /** host:port, for messages */
  server: string
}

export interface MailSourceSettings {
  /** location without any credentials, safe to show */
  displayLocation: string
  /** principals every item of this source gets, or undefined with visibility 'groups' */
  principals: string[] | undefined
  /** set for IMAP sources; local sources read `location` */
  imap: ImapSettings | undefined
  location: string
}

const IMAP_DEFAULT_PORT = 143
const IMAPS_DEFAULT_PORT = 993
const PRINCIPAL_NAME = /^[^\s:,]+$/

/** Validates the options once, at creation; every problem is reported together (ConfigError). */
export function resolveMailSource(options: MailSourceOptions, env: NodeJS.ProcessEnv = process.env): MailSourceSettings {
  const problems: string[] = []
  const location = typeof options.location === 'string' ? options.location.trim() : ''
  const isImap = /^imaps?:\/\//i.test(location)
  const displayLocation = isImap ? redactUrl(location) : location
  const label = `Mailquelle ${displayLocation || '(ohne Ort)'}`
  if (location === '') problems.push('Mailquelle: „location“ fehlt (mbox-Datei, Maildir, Ordner mit .eml/.msg oder IMAP-URL).')

  const principals = resolvePrincipals(options, label, problems)
  const imap = isImap ? resolveImap(location, options, env, label, problems) : undefined
  if (!isImap && (options.password !== undefined || options.passwordEnv !== undefined || options.tls !== undefined)) {
    problems.push(`${label}: password, passwordEnv und tls gelten nur für IMAP-Quellen.`)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return { displayLocation, principals, imap, location }
}

function resolvePrincipals(options: MailSourceOptions, label: string, problems: string[]): string[] | undefined {
  const visibility = options.visibility ?? 'owner'
  if (visibility !== 'owner' && visibility !== 'groups') {
    problems.push(`${label}: visibility muss „owner“ oder „groups“ sein.`)
    return undefined
  }
  const delegates = options.delegates ?? []
  for (const name of [options.owner, ...delegates]) {
    if (name !== undefined && (typeof name !== 'string' || !PRINCIPAL_NAME.test(name))) {
      problems.push(`${label}: ungültiger Benutzername in owner/delegates (keine Leerzeichen, Doppelpunkte oder Kommas).`)
    }
  }
  if (visibility === 'groups') return undefined
  if (options.owner === undefined || options.owner === '') {
    problems.push(
      `${label}: Ein Postfach enthält personenbezogene Daten und braucht einen Eigentümer (owner). ` +
        'Soll es stattdessen für die Gruppen der Quelle sichtbar sein, visibility: groups setzen.',
    )
    return undefined
  }
  return [...new Set([options.owner, ...delegates])].map((name) => `user:${name}`)
}

function resolveImap(
  location: string,
  options: MailSourceOptions,
  env: NodeJS.ProcessEnv,
  label: string,
  problems: string[],
): ImapSettings | undefined {
  let url: URL
  try {
    url = new URL(location)
  } catch {
    problems.push(`${label}: keine gültige IMAP-URL (Beispiel: imaps://benutzer@mail.example.de/INBOX).`)
    return undefined
  }
  const secure = url.protocol.toLowerCase() === 'imaps:'
  if (url.password !== '') problems.push(`${label}: Das Passwort gehört nicht in die URL; password oder passwordEnv verwenden.`)
  const user = decodeURIComponent(url.username)
  if (user === '') problems.push(`${label}: Benutzername fehlt in der URL (imap://benutzer@server/INBOX).`)
  if (secure && options.tls === false) problems.push(`${label}: imaps:// verwendet immer TLS; tls: false passt nicht dazu.`)

  let password = options.password
  if (password === undefined && options.passwordEnv !== undefined) {
    password = env[options.passwordEnv]
    if (password === undefined || password === '') problems.push(`${label}: Umgebungsvariable ${options.passwordEnv} ist nicht gesetzt.`)
  } else if (password === undefined) {
    problems.push(`${label}: kein Passwort angegeben (password oder passwordEnv).`)
  }

  // RFC 5092 allows ";UIDVALIDITY=…" and similar after the mailbox; only the mailbox name matters here.
  const urlMailbox = decodeURIComponent(url.pathname.replace(/^\//, '').split(';')[0] ?? '')
  const mailboxes = options.mailboxes ?? [urlMailbox === '' ? 'INBOX' : urlMailbox]
  if (mailboxes.length === 0 || mailboxes.some((m) => typeof m !== 'string' || m === '')) {
    problems.push(`${label}: mailboxes muss mindestens ein Postfach nennen (oder „*“ für alle).`)
  }
  const port = url.port === '' ? (secure ? IMAPS_DEFAULT_PORT : IMAP_DEFAULT_PORT) : Number(url.port)
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  return {
    host,
    port,
    user,
    password: password ?? '',
    secure,
    startTls: secure ? undefined : options.tls,
    mailboxes,
    server: `${url.hostname}:${port}`,
  }
}

/** The URL without a password, for messages and logs. */
function redactUrl(location: string): string {
  try {
    const url = new URL(location)
    url.password = ''
    return url.toString()
  } catch {
    return location.replace(/\/\/([^@/]*?):[^@/]*@/, '//$1@')
  }
}
