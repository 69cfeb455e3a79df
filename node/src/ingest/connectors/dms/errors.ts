import { WissensnetzError } from '../../../errors.ts'

/** The configured export folder does not exist or cannot be read: the whole source is unavailable, not one file. */
export class DmsExportUnavailableError extends WissensnetzError {
  constructor(location: string, cause?: unknown) {
    super('source_unavailable', `Der DMS-Export-Ordner ${location} ist nicht lesbar oder existiert nicht.`, { status: 503, cause })
  }
}
