import { z } from 'zod'
import { agentDefinitionSchema } from './agent.ts'

/**
 * Wire protocol between Wissensnetz nodes. Every message is JSON, versioned (`v`), schema-checked and size-limited
 * here, once, for both the sending and the receiving side. A message of another major version is refused with
 * `unsupported_version` before its body is looked at.
 */

export const FEDERATION_WIRE_VERSION = '1.0.0'
/** Messages whose `v` starts with this major version are read; anything else is refused cleanly. */
export const FEDERATION_WIRE_MAJOR = 1

/** gossipsub topic for agent announcements and withdrawals */
export const CATALOG_TOPIC = '/wissensnetz/catalog/1.0.0'
/** request/response: catch up on catalogue entries missed while offline */
export const CATALOG_SYNC_PROTOCOL = '/wissensnetz/catalog-sync/1.0.0'
/** request/response: one anonymised federated question */
export const QUERY_PROTOCOL = '/wissensnetz/query/1.0.0'
/** kad-dht protocol prefix: our DHT never mixes with the public one */
export const DHT_PROTOCOL = '/wissensnetz/kad/1.0.0'

export const FEDERATION_PROTOCOLS = [CATALOG_SYNC_PROTOCOL, QUERY_PROTOCOL] as const

/** a gossip announcement (one signed agent definition and its envelope) */
export const MAX_ANNOUNCEMENT_BYTES = 96 * 1024
export const MAX_SYNC_REQUEST_BYTES = 1024
/** one page of catch-up entries */
export const MAX_SYNC_RESPONSE_BYTES = 1024 * 1024
export const MAX_SYNC_PAGE_ENTRIES = 8
export const MAX_QUERY_REQUEST_BYTES = 4 * 1024
export const MAX_QUERY_RESPONSE_BYTES = 128 * 1024
export const MAX_FEDERATED_QUESTION_CHARS = 1000
export const MAX_FEDERATED_HITS = 20
export const MAX_HIT_TITLE_CHARS = 300
export const MAX_HIT_SNIPPET_CHARS = 600
/** a request's timestamp may differ from the receiver's clock by at most this much (replay window) */
export const MESSAGE_CLOCK_WINDOW_MS = 5 * 60 * 1000
export const MIN_QUERY_DEADLINE_MS = 100
export const MAX_QUERY_DEADLINE_MS = 30_000

/** Bytes a publisher signs to withdraw an agent (domain-separated from agent signatures). */
export function withdrawalSigningText(agentId: string, withdrawnAt: string): string {
  return `wissensnetz-withdraw/1\n${agentId}\n${withdrawnAt}`
}

const version = z.string().regex(/^\d+\.\d+\.\d+$/)
const peerIdText = z
  .string()
  .min(20)
  .max(128)
  .regex(/^[1-9A-HJ-NP-Za-km-z]+$/, 'peer id (base58btc) erwartet')
const base64 = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/)
/** 128 random bits, hex: unique per request, remembered by the receiver to refuse replays */
export const nonceSchema = z.string().regex(/^[0-9a-f]{32}$/)

/** A signed agent as it travels: the definition carries its Ed25519 signature; `publisher` must match its key. */
export const catalogEntrySchema = z
  .object({
    publisher: peerIdText,
    agent: agentDefinitionSchema,
  })
  .strict()

export const withdrawalSchema = z
  .object({
    publisher: peerIdText,
    agentId: z.uuid(),
    withdrawnAt: z.iso.datetime(),
    /** Ed25519 over withdrawalSigningText(agentId, withdrawnAt), base64 */
    signature: base64(512),
  })
  .strict()

export const catalogAnnouncementSchema = z.discriminatedUnion('type', [
  z.object({ v: version, type: z.literal('agent.publish'), entry: catalogEntrySchema }).strict(),
  z.object({ v: version, type: z.literal('agent.withdraw'), withdrawal: withdrawalSchema }).strict(),
])

export const catalogSyncRequestSchema = z
  .object({
    v: version,
    type: z.literal('catalog.sync.request'),
    /** the responder's change counter after which entries are wanted (0 = from the start) */
    after: z.number().int().min(0),
    limit: z.number().int().min(1).max(MAX_SYNC_PAGE_ENTRIES),
  })
  .strict()

export const catalogSyncItemSchema = z.discriminatedUnion('kind', [
  z.object({ cursor: z.number().int().min(1), kind: z.literal('publish'), entry: catalogEntrySchema }).strict(),
  z.object({ cursor: z.number().int().min(1), kind: z.literal('withdraw'), withdrawal: withdrawalSchema }).strict(),
])

export const catalogSyncResponseSchema = z
  .object({
    v: version,
    type: z.literal('catalog.sync.response'),
    items: z.array(catalogSyncItemSchema).max(MAX_SYNC_PAGE_ENTRIES),
    nextCursor: z.number().int().min(0),
    more: z.boolean(),
  })
  .strict()

export const detailLevelSchema = z.enum(['titles-snippets', 'answer-only', 'counts'])

export const queryRequestSchema = z
  .object({
    v: version,
    type: z.literal('query.request'),
    nonce: nonceSchema,
    /** sender's clock, ms since the epoch */
    sentAt: z.number().int().positive(),
    /** already anonymised by the sender */
    question: z.string().trim().min(1).max(MAX_FEDERATED_QUESTION_CHARS),
    limit: z.number().int().min(1).max(MAX_FEDERATED_HITS),
    deadlineMs: z.number().int().min(MIN_QUERY_DEADLINE_MS).max(MAX_QUERY_DEADLINE_MS),
  })
  .strict()

export const federatedHitSchema = z
  .object({
    rank: z.number().int().min(1),
    /** absent at detail level answer-only and counts */
    title: z.string().max(MAX_HIT_TITLE_CHARS).optional(),
    snippet: z.string().max(MAX_HIT_SNIPPET_CHARS).optional(),
  })
  .strict()

export const queryResponseSchema = z
  .object({
    v: version,
    type: z.literal('query.response'),
    nonce: nonceSchema,
    detail: detailLevelSchema,
    hits: z.array(federatedHitSchema).max(MAX_FEDERATED_HITS),
    /** how many shared passages matched (capped by the answering node) */
    total: z.number().int().min(0),
    tookMs: z.number().min(0),
  })
  .strict()

export const wireErrorCodeSchema = z.enum([
  'unsupported_version',
  'malformed',
  'too_large',
  'not_allowed',
  'replayed',
  'expired',
  'busy',
  'internal',
])

export const wireErrorSchema = z
  .object({
    v: version,
    type: z.literal('error'),
    code: wireErrorCodeSchema,
    nonce: nonceSchema.optional(),
  })
  .strict()

export type CatalogEntry = z.infer<typeof catalogEntrySchema>
export type Withdrawal = z.infer<typeof withdrawalSchema>
export type CatalogAnnouncement = z.infer<typeof catalogAnnouncementSchema>
export type CatalogSyncRequest = z.infer<typeof catalogSyncRequestSchema>
export type CatalogSyncItem = z.infer<typeof catalogSyncItemSchema>
export type CatalogSyncResponse = z.infer<typeof catalogSyncResponseSchema>
export type DetailLevel = z.infer<typeof detailLevelSchema>
export type QueryRequest = z.infer<typeof queryRequestSchema>
export type FederatedHit = z.infer<typeof federatedHitSchema>
export type QueryResponse = z.infer<typeof queryResponseSchema>
export type WireErrorCode = z.infer<typeof wireErrorCodeSchema>
export type WireError = z.infer<typeof wireErrorSchema>

export type Decoded<T> =
  | { ok: true; message: T }
  | { ok: false; code: Extract<WireErrorCode, 'malformed' | 'too_large' | 'unsupported_version'> }

const utf8 = new TextDecoder('utf-8', { fatal: true })
const utf8Encoder = new TextEncoder()

/**
 * Decodes one wire message: size first, then UTF-8 and JSON, then the version, then the schema. Nothing of a
 * message that fails a step is kept.
 */
export function decodeWire<T>(schema: z.ZodType<T>, bytes: Uint8Array, maxBytes: number): Decoded<T> {
  if (bytes.byteLength > maxBytes) return { ok: false, code: 'too_large' }
  let value: unknown
  try {
    value = JSON.parse(utf8.decode(bytes))
  } catch {
    return { ok: false, code: 'malformed' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, code: 'malformed' }
  const v = (value as { v?: unknown }).v
  if (typeof v !== 'string') return { ok: false, code: 'malformed' }
  if (!isSupportedVersion(v)) return { ok: false, code: 'unsupported_version' }
  const parsed = schema.safeParse(value)
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, code: 'malformed' }
}

export function isSupportedVersion(v: string): boolean {
  return /^\d+\.\d+\.\d+$/.test(v) && Number(v.split('.')[0]) === FEDERATION_WIRE_MAJOR
}

/** Encodes a message; refuses (throws RangeError) to produce one above the receiver's limit. */
export function encodeWire(message: { v: string; [key: string]: unknown }, maxBytes: number): Uint8Array {
  const bytes = utf8Encoder.encode(JSON.stringify(message))
  if (bytes.byteLength > maxBytes) throw new RangeError(`wire message of ${bytes.byteLength} bytes exceeds ${maxBytes}`)
  return bytes
}

export function wireError(code: WireErrorCode, nonce?: string): WireError {
  return nonce === undefined
    ? { v: FEDERATION_WIRE_VERSION, type: 'error', code }
    : { v: FEDERATION_WIRE_VERSION, type: 'error', code, nonce }
}

// ---- HTTP API shapes of the network pages (node ↔ ui) ----

export const queryPreviewRequestSchema = z
  .object({
    question: z.string().trim().min(1, 'Frage fehlt').max(MAX_FEDERATED_QUESTION_CHARS),
  })
  .strict()

export const federatedQueryRequestSchema = z
  .object({
    question: z.string().trim().min(1, 'Frage fehlt').max(MAX_FEDERATED_QUESTION_CHARS),
    limit: z.number().int().min(1).max(MAX_FEDERATED_HITS).optional(),
    /** the text the user saw in the preview; when given, the query is refused (409) if it would send anything else */
    expectedText: z.string().max(MAX_FEDERATED_QUESTION_CHARS).optional(),
    /** also search this node's own sources (as the asking user) and merge */
    includeLocal: z.boolean().optional(),
  })
  .strict()

export type QueryPreviewRequest = z.infer<typeof queryPreviewRequestSchema>
export type FederatedQueryRequest = z.infer<typeof federatedQueryRequestSchema>

export type RedactionKind = 'name' | 'address' | 'phone' | 'email' | 'iban' | 'tax_id' | 'birth_date' | 'licence_plate' | 'file_number'

export interface Redaction {
  kind: RedactionKind
  /** range in the original question, so that the ui can mark what was removed */
  start: number
  end: number
  replacement: string
}

export interface QueryPreviewResponse {
  /** exactly the text that leaves this node */
  text: string
  redactions: Redaction[]
  /** the peers the question would go to under the current outbound rules */
  recipients: Array<{ peerId: string; municipality: string; connected: boolean }>
}

export interface MergedFederatedHit {
  municipality: string
  /** null for this node's own hits */
  peerId: string | null
  title: string | null
  snippet: string | null
  score: number
  /** local hits only: the document to open */
  documentId?: number
}

export interface FederatedQueryResponse {
  text: string
  hits: MergedFederatedHit[]
  peers: Array<{
    peerId: string
    municipality: string
    status: 'ok' | 'timeout' | 'refused' | 'unreachable' | 'error'
    code?: string
    total?: number
    detail?: DetailLevel
    tookMs: number
  }>
  tookMs: number
}

export interface NetworkPeer {
  peerId: string
  municipality: string
  member: true
  self: boolean
  connected: boolean
  lastSeen: string | null
  protocols: string[]
  banned: boolean
}

export interface NetworkPeersResponse {
  enabled: boolean
  self: { peerId: string; municipality: string; addresses: string[] } | null
  peers: NetworkPeer[]
}

export interface CatalogListing {
  agentId: string
  version: number
  name: string
  description: string
  category: string
  authorMunicipality: string
  publisher: string
  municipality: string
  publishedAt: string
  receivedAt: string
  withdrawn: boolean
  /** published by this node (only this node may withdraw it or publish a new version) */
  own: boolean
  /** a local import exists and its source version is older than this one */
  updateAvailable: boolean
  importedVersion: number | null
  /** this node's imports of it that still exist: the local agent to update (`POST …/update {localAgentId}`) */
  imports: Array<{ localAgentId: string; importedVersion: number }>
}
