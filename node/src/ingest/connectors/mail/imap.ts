import type { ImapFlow } from 'imapflow'
import { AbortError } from '../../../errors.ts'
import { logger } from '../../../log.ts'
import type { Connector, SourceItem } from '../../types.ts'
import { ParseError } from '../../types.ts'
import { IMAP_WATCH_RECONNECT_DELAY_MS } from './constants.ts'
import { MailboxMissingError } from './errors.ts'
import { connectImap, disconnectImap, errorCode, toMailError } from './imap-client.ts'
import { ImapSession } from './imap-session.ts'
import type { ImapSettings } from './options.ts'

const log = logger('node:ingest:mail')

interface MailboxListing {
  mailbox: string
  uidValidity: string
  messages: Array<{ uid: number; size: number; internalMs: number }>
}

/**
 * Connector for an IMAP account. Scans and reads share one connection (ImapSession); watching keeps a second
 * connection that IDLEs on the first configured mailbox.
 */
export function createImapConnector(settings: ImapSettings, principals: string[] | undefined): Connector {
  const session = new ImapSession(settings)
  const watchers = new Set<() => Promise<void>>()

  /** Runs IMAP commands so that an abort closes the connection (imapflow commands take no signal). */
  const guarded = async <T>(client: ImapFlow, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> => {
    const onAbort = (): void => client.close()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      return await run()
    } catch (error) {
      if (signal?.aborted) throw new AbortError()
      throw toMailError(settings, error)
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  const resolveMailboxes = async (client: ImapFlow, signal: AbortSignal): Promise<string[]> => {
    if (!settings.mailboxes.includes('*')) return settings.mailboxes
    const listed = await guarded(client, signal, () => client.list())
    return listed.filter((box) => !box.flags.has('\\Noselect') && !box.flags.has('\\NonExistent')).map((box) => box.path)
  }

  const listMailbox = async (client: ImapFlow, mailbox: string, signal: AbortSignal): Promise<MailboxListing> => {
    const lock = await openMailbox(client, mailbox)
    try {
      return await guarded(client, signal, async () => {
        const opened = client.mailbox
        if (opened === false) throw new MailboxMissingError(settings.server, mailbox)
        // UID, date and size only: the message bodies are fetched one by one in read()
        const fetched = opened.exists === 0 ? [] : await client.fetchAll('1:*', { uid: true, internalDate: true, size: true })
        return {
          mailbox,
          uidValidity: String(opened.uidValidity),
          messages: fetched.map((m) => ({ uid: m.uid, size: m.size ?? 0, internalMs: toMs(m.internalDate) })),
        }
      })
    } finally {
      lock.release()
    }
  }

  /** Opens the mailbox read-only (EXAMINE): indexing must never change flags or \Recent in a user's mailbox. */
  const openMailbox = async (client: ImapFlow, mailbox: string): Promise<{ release(): void }> => {
    try {
      return await client.getMailboxLock(mailbox, { readOnly: true })
    } catch (error) {
      if ((error as { mailboxMissing?: boolean }).mailboxMissing === true) throw new MailboxMissingError(settings.server, mailbox)
      throw toMailError(settings, error)
    }
  }

  const readMessage = async (mailbox: string, uidValidity: string, uid: number, signal?: AbortSignal): Promise<Uint8Array> => {
    if (signal?.aborted) throw new AbortError()
    return session.use(signal, async (client) => {
      let lock: { release(): void }
      try {
        lock = await openMailbox(client, mailbox)
      } catch (error) {
        if (error instanceof MailboxMissingError) {
          throw new ParseError('read_failed', 'Das Postfach gibt es auf dem Server nicht mehr.', error)
        }
        throw error
      }
      try {
        return await guarded(client, signal, async () => {
          const opened = client.mailbox
          if (opened === false || String(opened.uidValidity) !== uidValidity) {
            throw new ParseError('read_failed', 'Das Postfach wurde auf dem Server neu aufgebaut (UIDVALIDITY); es wird neu eingelesen.')
          }
          const message = await client.fetchOne(String(uid), { source: true }, { uid: true })
          if (message === false || message.source === undefined) {
            throw new ParseError('read_failed', 'Die Nachricht ist auf dem Server nicht mehr vorhanden.')
          }
          return message.source
        })
      } finally {
        lock.release()
      }
    })
  }

  return {
    async *scan(signal) {
      const mailboxes = await session.use(signal, (client) => resolveMailboxes(client, signal))
      let count = 0
      for (const mailbox of mailboxes) {
        if (signal.aborted) throw new AbortError()
        // list first, yield afterwards: a consumer calling read() while we hold the mailbox lock would deadlock
        const listing = await session.use(signal, (client) => listMailbox(client, mailbox, signal))
        for (const message of listing.messages) {
          count += 1
          const item: SourceItem = {
            path: `${listing.mailbox}/${listing.uidValidity}/${message.uid}`,
            fileName: `${message.uid}.eml`,
            size: message.size,
            mtimeMs: message.internalMs,
            read: (readSignal) => readMessage(listing.mailbox, listing.uidValidity, message.uid, readSignal),
          }
          if (principals !== undefined) item.principals = [...principals]
          yield item
        }
      }
      log.trace('IMAP %s scanned: %d mailboxes, %d messages', settings.server, mailboxes.length, count)
    },

    async watch(onChange) {
      const stop = await watchMailbox(settings, onChange)
      watchers.add(stop)
      return async () => {
        watchers.delete(stop)
        await stop()
      }
    },

    async close() {
      for (const stop of [...watchers]) await stop()
      watchers.clear()
      await session.close()
    },
  }
}

/**
 * IDLE on one mailbox (the first configured one; INBOX when all are read): one connection can only watch one,
 * and the scheduler's periodic rescans cover the others. A dropped connection is reopened, then a rescan asked
 * for, because changes may have been missed in between.
 */
async function watchMailbox(settings: ImapSettings, onChange: (paths?: string[]) => void): Promise<() => Promise<void>> {
  const first = settings.mailboxes[0]
  const mailbox = first === undefined || first === '*' ? 'INBOX' : first
  let stopped = false
  let client: ImapFlow | undefined
  let retry: NodeJS.Timeout | undefined

  const open = async (): Promise<void> => {
    const next = await connectImap(settings, 'watch')
    try {
      await next.mailboxOpen(mailbox, { readOnly: true })
    } catch (error) {
      await disconnectImap(next)
      if ((error as { mailboxMissing?: boolean }).mailboxMissing === true) throw new MailboxMissingError(settings.server, mailbox)
      throw toMailError(settings, error)
    }
    next.on('exists', () => onChange())
    next.on('expunge', () => onChange())
    next.once('close', () => {
      if (!stopped) scheduleReopen()
    })
    client = next
  }

  const scheduleReopen = (): void => {
    retry = setTimeout(() => {
      retry = undefined
      if (stopped) return
      open().then(
        () => onChange(),
        (error: unknown) => {
          log.warn(`IMAP watch on ${settings.server} could not reconnect`, errorCode(error))
          if (!stopped) scheduleReopen()
        },
      )
    }, IMAP_WATCH_RECONNECT_DELAY_MS)
    retry.unref()
  }

  await open()
  return async () => {
    stopped = true
    if (retry !== undefined) clearTimeout(retry)
    if (client !== undefined) await disconnectImap(client)
  }
}

function toMs(date: Date | string | undefined): number {
  if (date instanceof Date) return date.getTime()
  const ms = date === undefined ? Number.NaN : Date.parse(date)
  return Number.isFinite(ms) ? ms : 0
}
