import type { SourceRow } from '../../store/sources.ts'
import type { Connector } from '../types.ts'
import type { FolderAccessRule } from './folder/index.ts'
import { type MailSourceOptions, resolveMailSource } from './mail/options.ts'

/**
 * Builds the connector for a configured source. Connector modules (imapflow, chokidar, CSV parsing) are loaded
 * on first use, so that commands that never scan (search, status) do not pay for them. Options are still
 * checked here, synchronously, so that a bad mail configuration is refused when the source is added.
 */
export function connectorFor(source: SourceRow): Connector {
  const options = source.options
  switch (source.kind) {
    case 'folder':
      return lazyConnector(async () =>
        (await import('./folder/index.ts')).createFolderConnector({
          location: source.location,
          include: options.include as string[] | undefined,
          exclude: options.exclude as string[] | undefined,
          access: options.access as FolderAccessRule[] | undefined,
        }),
      )
    case 'mail': {
      const mailOptions: MailSourceOptions = { ...(options as Partial<MailSourceOptions>), location: source.location }
      resolveMailSource(mailOptions)
      return lazyConnector(async () => (await import('./mail/index.ts')).createMailConnector(mailOptions))
    }
    case 'dms':
      return lazyConnector(async () => (await import('./dms/index.ts')).createDmsConnector({ location: source.location }))
  }
}

function lazyConnector(load: () => Promise<Connector>): Connector {
  let connector: Promise<Connector> | undefined
  const get = (): Promise<Connector> => {
    connector ??= load()
    return connector
  }
  return {
    async *scan(signal) {
      yield* (await get()).scan(signal)
    },
    async watch(onChange) {
      const inner = await get()
      return inner.watch === undefined ? async () => undefined : inner.watch(onChange)
    },
    async close() {
      if (connector !== undefined) await (await connector).close?.()
    },
  }
}
