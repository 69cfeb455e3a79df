/** Suffixes that mark a JSON sidecar: `Bescheid.pdf.meta.json` or `Bescheid.pdf.json` describes `Bescheid.pdf`. */
export const SIDECAR_SUFFIXES = ['.meta.json', '.json'] as const

/** File names (compared case-insensitively) of a CSV index that describes the files of its folder and below. */
export const INDEX_FILE_NAMES = ['metadata.csv', 'index.csv', 'export.csv'] as const

/** A sidecar larger than this is not metadata but a document someone misnamed; it is refused with a reason. */
export const MAX_SIDECAR_BYTES = 1024 * 1024

/** A CSV index larger than this is not read (a DMS export of 100 000 documents stays well below it). */
export const MAX_INDEX_BYTES = 64 * 1024 * 1024

/** Unknown sidecar keys and CSV columns are kept in `metadata.extra`, bounded so one export cannot bloat the store. */
export const MAX_EXTRA_FIELDS = 30
export const MAX_EXTRA_VALUE_CHARS = 500

/** Two-digit years below this are read as 20xx, the rest as 19xx (DD.MM.YY in old exports). */
export const TWO_DIGIT_YEAR_PIVOT = 70

/** Changes within this window are reported to the pipeline as one batch. */
export const WATCH_DEBOUNCE_MS = 1000

/** Operating-system clutter and office lock files that are never documents. */
export const IGNORED_FILE_NAMES = new Set(['thumbs.db', 'desktop.ini', '.ds_store'])
export const IGNORED_PREFIXES = ['.', '~$'] as const

/** Keys in `metadata.extra` that the connector writes; the pipeline and the document view read them. */
export const EXTRA_METADATA_ERROR = 'sidecarError'
export const EXTRA_METADATA_SOURCE = 'metadataSource'
