import type { Connector } from '../../types.ts'
import { createImapConnector } from './imap.ts'
import { createLocalMailConnector } from './local.ts'
import { resolveMailSource } from './options.ts'
import type { MailSourceOptions } from './options.ts'

export type { MailSourceOptions } from './options.ts'
export { MailAuthError, MailConnectionError, MailLocationError, MailboxMissingError } from './errors.ts'

/**
 * A connector for one mail source: an mbox file, a Maildir (with Maildir++ folders), a folder of .eml/.msg files,
 * or an IMAP account. It hands out raw messages (fileName "*.eml", or the original ".msg"); parsing is the
 * parsers' job. Unless visibility is 'groups', every item is visible to the owner and delegates only.
 * Throws ConfigError at once for an invalid configuration; what the location holds is decided on first scan.
 */
export function createMailConnector(options: MailSourceOptions): Connector {
  const settings = resolveMailSource(options)
  if (settings.imap !== undefined) return createImapConnector(settings.imap, settings.principals)
  return createLocalMailConnector(settings.location, settings.principals)
}
