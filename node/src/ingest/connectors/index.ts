import type { SourceRow } from '../../store/sources.ts'
import type { Connector } from '../types.ts'
import { createDmsConnector } from './dms/index.ts'
import { createFolderConnector, type FolderAccessRule } from './folder/index.ts'
import { createMailConnector, type MailSourceOptions } from './mail/index.ts'

/** Builds the connector for a configured source. */
export function connectorFor(source: SourceRow): Connector {
  const options = source.options
  switch (source.kind) {
    case 'folder':
      return createFolderConnector({
        location: source.location,
        include: options.include as string[] | undefined,
        exclude: options.exclude as string[] | undefined,
        access: options.access as FolderAccessRule[] | undefined,
      })
    case 'mail':
      return createMailConnector({ ...(options as Partial<MailSourceOptions>), location: source.location })
    case 'dms':
      return createDmsConnector({ location: source.location })
  }
}
