import { z } from 'zod'

/** Limits of the HTTP API, shared by node and ui. */
export const MAX_QUERY_CHARS = 1000
export const MAX_SEARCH_LIMIT = 100

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Datum im Format JJJJ-MM-TT erwartet')

export const searchFiltersSchema = z
  .object({
    /** source ids or names */
    sources: z.array(z.union([z.number().int().positive(), z.string().min(1).max(200)])).max(100).optional(),
    /** file types by extension without dot ("pdf", "docx", "eml") */
    types: z.array(z.string().min(1).max(20)).max(50).optional(),
    dateFrom: isoDate.optional(),
    dateTo: isoDate.optional(),
    /** Aktenzeichen prefix, e.g. "6-610" */
    aktenzeichen: z.string().min(1).max(200).optional(),
  })
  .strict()

export type SearchFilters = z.infer<typeof searchFiltersSchema>

export const searchRequestSchema = z
  .object({
    query: z.string().trim().min(1, 'Suchanfrage fehlt').max(MAX_QUERY_CHARS),
    limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).optional(),
    filters: searchFiltersSchema.optional(),
  })
  .strict()

export type SearchRequest = z.infer<typeof searchRequestSchema>

export interface SearchHit {
  documentId: number
  chunkId: number
  title: string
  /** the document's path in its source */
  path: string
  snippet: string
  /** character ranges inside `snippet` that match the query */
  highlights: Array<[number, number]>
  score: number
  source: { id: number; name: string; kind: string }
  page: number | null
  section: string | null
  /** character offsets of the passage in the document's text (`GET /api/documents/:id`), to open it in place */
  passage?: { start: number; end: number }
  /** which retrievers found this passage */
  matchedBy: Array<'lexical' | 'semantic'>
}

export interface SearchResponse {
  hits: SearchHit[]
  mode: 'hybrid' | 'lexical'
  tookMs: number
}

export const sourceKindSchema = z.enum(['folder', 'mail', 'dms'])

export const addSourceRequestSchema = z
  .object({
    kind: sourceKindSchema,
    location: z.string().min(1).max(4096),
    name: z.string().trim().min(1).max(200).optional(),
    groups: z.array(z.string().trim().min(1).max(200)).max(100).optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()

export type AddSourceRequest = z.infer<typeof addSourceRequestSchema>

export interface StatusResponse {
  node: { name: string; version: string }
  /** 'login': every API request needs a session or an API token ('loopback-only' was the mode before login existed) */
  access: { mode: 'login' | 'loopback-only'; note: string }
  documents: { indexed: number; failed: number; chunks: number; bytes: number }
  sources: number
  search: { lexical: true; semantic: boolean; embeddingModel: string | null; note: string }
  /** generative: a chat model writes answers with citations; extractive: the best passages, highlighted */
  answers: { mode: 'generative' | 'extractive'; chatModel: string | null; note: string }
  ingest: { running: string[] }
}

export interface ErrorResponse {
  error: { code: string; message: string; details?: unknown }
}

/** Progress of one source's ingest: GET /api/ingest/progress and each event of GET /api/ingest/events. */
export interface IngestProgress {
  sourceId: number
  sourceName: string
  phase: 'scanning' | 'ingesting' | 'cleaning' | 'done' | 'aborted' | 'failed'
  filesTotal: number
  filesDone: number
  filesChanged: number
  filesSkipped: number
  filesRemoved: number
  errors: number
  bytesTotal: number
  bytesDone: number
  startedAt: number
  elapsedMs: number
  filesPerSecond: number
  megabytesPerSecond: number
  etaMs: number | null
  /** why the whole source failed (unreadable folder, IMAP login refused); documents' own failures are recorded per document */
  error?: string
}
