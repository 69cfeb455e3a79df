import { z } from 'zod'
import { agentIssueMap } from './agent-messages.ts'

/**
 * Agent definitions: data, never code. A definition is what a node stores per version, what an export file
 * carries and what federation signs (over `canonicalAgentJson`) and gossips. Limits are shared by node and ui.
 */

export const AGENT_FILE_FORMAT = 'wissensnetz-agent'
export const AGENT_FILE_FORMAT_VERSION = 1

export const MAX_AGENT_NAME_CHARS = 120
export const MAX_AGENT_DESCRIPTION_CHARS = 2_000
export const MAX_AGENT_CATEGORY_CHARS = 80
export const MAX_INSTRUCTIONS_CHARS = 20_000
export const MAX_STARTER_PROMPTS = 12
export const MAX_STARTER_PROMPT_CHARS = 500
export const MAX_OUTPUT_TEMPLATE_CHARS = 10_000
export const MAX_SCOPE_TAGS = 20
export const MAX_SCOPE_TAG_CHARS = 60
export const MAX_MUNICIPALITY_CHARS = 200
export const MAX_LICENCE_CHARS = 64
export const MAX_NODE_ID_CHARS = 200
export const MAX_SIGNATURE_CHARS = 512
export const MIN_AGENT_TEMPERATURE = 0
export const MAX_AGENT_TEMPERATURE = 2
export const MAX_AGENT_MAX_TOKENS = 8_192
/** An export file larger than this is refused before it is parsed. */
export const MAX_AGENT_FILE_BYTES = 192 * 1024

export const DEFAULT_AGENT_CATEGORY = 'Allgemein'
export const DEFAULT_AGENT_TEMPERATURE = 0.3
export const DEFAULT_AGENT_MAX_TOKENS = 1_024
export const DEFAULT_AGENT_LICENCE = 'CC-BY-4.0'

export const modelCapabilitySchema = z.enum(['chat', 'embedding'])
export type ModelCapability = z.infer<typeof modelCapabilitySchema>

export const agentLanguageSchema = z.enum(['de', 'en'])
export const agentStatusSchema = z.enum(['draft', 'published', 'shared'])
/** draft: only its author works on it; published: usable in the municipality; shared: offered to the network */
export type AgentStatus = z.infer<typeof agentStatusSchema>

const text = (max: number) => z.string().trim().max(max)
const required = (max: number) => text(max).min(1, 'darf nicht leer sein')

export const scopeTagSchema = z
  .string()
  .trim()
  .min(1, 'darf nicht leer sein')
  .max(MAX_SCOPE_TAG_CHARS)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/&-]*$/u, 'nur Buchstaben, Ziffern, Leerzeichen und . _ / & -')

export const agentParametersSchema = z
  .object({
    temperature: z.number().min(MIN_AGENT_TEMPERATURE).max(MAX_AGENT_TEMPERATURE),
    maxTokens: z.number().int().min(1).max(MAX_AGENT_MAX_TOKENS),
  })
  .strict()

export const agentProvenanceSchema = z
  .object({
    origin: z.enum(['local', 'imported']),
    /** the node (peer id) it came from, where known */
    sourceNode: required(MAX_NODE_ID_CHARS).optional(),
    /** the agent it was imported or forked from */
    sourceAgentId: z.uuid().optional(),
    sourceVersion: z.number().int().min(1).optional(),
  })
  .strict()

/** Filled by federation when a node publishes: Ed25519 over `canonicalAgentJson(definition)`, base64. */
export const agentSignatureSchema = z
  .object({
    publicKey: required(MAX_SIGNATURE_CHARS),
    value: required(MAX_SIGNATURE_CHARS),
    algorithm: z.literal('ed25519'),
  })
  .strict()

const uniqueItems = <T extends z.ZodType<string>>(item: T, max: number, what: string) =>
  z
    .array(item)
    .max(max)
    .refine((items) => new Set(items.map((i) => i.toLocaleLowerCase('de'))).size === items.length, `${what} doppelt angegeben`)

/** The fields a person edits; everything else (id, version, timestamps, provenance) the node assigns. */
const editableShape = {
  name: required(MAX_AGENT_NAME_CHARS),
  description: text(MAX_AGENT_DESCRIPTION_CHARS),
  category: required(MAX_AGENT_CATEGORY_CHARS),
  instructions: required(MAX_INSTRUCTIONS_CHARS),
  starterPrompts: z.array(required(MAX_STARTER_PROMPT_CHARS)).max(MAX_STARTER_PROMPTS),
  parameters: agentParametersSchema,
  requiredCapabilities: uniqueItems(modelCapabilitySchema, modelCapabilitySchema.options.length, 'Fähigkeit').refine(
    (caps) => caps.includes('chat'),
    'muss "chat" enthalten',
  ),
  /** abstract tags ("Satzungen", "Bauamt"); each node binds them to its own sources */
  knowledgeScope: uniqueItems(scopeTagSchema, MAX_SCOPE_TAGS, 'Schlagwort'),
  /** Markdown; `{{Platzhalter}}` mark what the model fills in */
  outputTemplate: text(MAX_OUTPUT_TEMPLATE_CHARS),
  language: agentLanguageSchema,
  authorMunicipality: required(MAX_MUNICIPALITY_CHARS),
  /** licence id such as CC-BY-4.0 */
  licence: required(MAX_LICENCE_CHARS).regex(/^[A-Za-z0-9.+-]+$/, 'Lizenzkennung wie CC-BY-4.0 erwartet'),
}

export const agentDefinitionSchema = z
  .object({
    id: z.uuid(),
    version: z.number().int().min(1),
    ...editableShape,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    provenance: agentProvenanceSchema,
    signature: agentSignatureSchema.optional(),
  })
  .strict()

export type AgentDefinition = z.infer<typeof agentDefinitionSchema>
export type AgentParameters = z.infer<typeof agentParametersSchema>
export type AgentProvenance = z.infer<typeof agentProvenanceSchema>
export type AgentSignature = z.infer<typeof agentSignatureSchema>

/** What a client sends to create an agent; omitted fields get defaults (authorMunicipality: the node's name). */
export const agentDraftSchema = z
  .object({
    ...editableShape,
    description: editableShape.description.default(''),
    category: editableShape.category.default(DEFAULT_AGENT_CATEGORY),
    starterPrompts: editableShape.starterPrompts.default([]),
    parameters: agentParametersSchema.default({ temperature: DEFAULT_AGENT_TEMPERATURE, maxTokens: DEFAULT_AGENT_MAX_TOKENS }),
    requiredCapabilities: editableShape.requiredCapabilities.default(['chat']),
    knowledgeScope: editableShape.knowledgeScope.default([]),
    outputTemplate: editableShape.outputTemplate.default(''),
    language: agentLanguageSchema.default('de'),
    authorMunicipality: editableShape.authorMunicipality.optional(),
    licence: editableShape.licence.default(DEFAULT_AGENT_LICENCE),
  })
  .strict()

export type AgentDraft = z.infer<typeof agentDraftSchema>
export const AGENT_DRAFT_FIELDS = Object.keys(agentDraftSchema.shape) as Array<keyof AgentDraft>

/** `status` 'shared' is set by federation when a node publishes to the network, never by this request. */
const settableStatus = z.enum(['draft', 'published'])

export const createAgentRequestSchema = agentDraftSchema.extend({ status: settableStatus.optional() }).strict()
export type CreateAgentRequest = z.infer<typeof createAgentRequestSchema>

/** A save names the version it edited (`baseVersion`); a stale one is refused with 409. */
export const updateAgentRequestSchema = agentDraftSchema
  .extend({ baseVersion: z.number().int().min(1), status: settableStatus.optional() })
  .strict()
export type UpdateAgentRequest = z.infer<typeof updateAgentRequestSchema>

export const agentFileSchema = z
  .object({
    format: z.literal(AGENT_FILE_FORMAT),
    formatVersion: z.literal(AGENT_FILE_FORMAT_VERSION),
    agent: agentDefinitionSchema,
  })
  .strict()

export type AgentFile = z.infer<typeof agentFileSchema>

export const scopeBindingsRequestSchema = z
  .object({
    bindings: z
      .array(
        z
          .object({
            tag: scopeTagSchema,
            /** source ids or names */
            sources: z.array(z.union([z.number().int().positive(), z.string().trim().min(1).max(200)])).max(100),
          })
          .strict(),
      )
      .max(500),
  })
  .strict()

export type ScopeBindingsRequest = z.infer<typeof scopeBindingsRequestSchema>

export interface AgentProblem {
  /** dotted path such as "agent.parameters.temperature", or "(Datei)" for the file as a whole */
  field: string
  problem: string
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: AgentProblem[] }

/** Validates with German messages that name each field; `prefix` is prepended to paths ("agent"). */
export function checkAgentInput<T>(schema: z.ZodType<T>, value: unknown, prefix = ''): Checked<T> {
  const result = schema.safeParse(value, { error: agentIssueMap })
  if (result.success) return { ok: true, value: result.data }
  return {
    ok: false,
    problems: result.error.issues.map((i) => {
      const path = [...(prefix === '' ? [] : [prefix]), ...i.path.map(String)].join('.')
      return { field: path === '' ? '(Datei)' : path, problem: i.message }
    }),
  }
}

/**
 * Reads an export file (text as read from disk, or already parsed JSON). Checks size, JSON, format and format
 * version first, so that a file of another kind gets one clear sentence instead of a list of missing fields.
 */
export function parseAgentFile(input: string | unknown): Checked<AgentFile> {
  let value: unknown = input
  if (typeof input === 'string') {
    const bytes = new TextEncoder().encode(input).byteLength
    if (bytes > MAX_AGENT_FILE_BYTES) {
      return fileProblem('(Datei)', `zu groß: ${bytes} Bytes, erlaubt sind höchstens ${MAX_AGENT_FILE_BYTES} Bytes`)
    }
    try {
      value = JSON.parse(input)
    } catch (err) {
      return fileProblem('(Datei)', `kein gültiges JSON (${(err as Error).message})`)
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fileProblem('(Datei)', 'erwartet wird ein JSON-Objekt mit format, formatVersion und agent')
  }
  const record = value as Record<string, unknown>
  if (record.format !== AGENT_FILE_FORMAT) {
    return fileProblem('format', `muss "${AGENT_FILE_FORMAT}" sein: dies ist keine Assistenten-Datei von Wissensnetz`)
  }
  if (record.formatVersion !== AGENT_FILE_FORMAT_VERSION) {
    return fileProblem(
      'formatVersion',
      `Version ${JSON.stringify(record.formatVersion)} wird nicht unterstützt; gelesen wird Version ${AGENT_FILE_FORMAT_VERSION}`,
    )
  }
  return checkAgentInput(agentFileSchema, value)
}

function fileProblem(field: string, problem: string): Checked<never> {
  return { ok: false, problems: [{ field, problem }] }
}

export function agentFile(agent: AgentDefinition): AgentFile {
  return { format: AGENT_FILE_FORMAT, formatVersion: AGENT_FILE_FORMAT_VERSION, agent }
}

/**
 * The bytes federation signs: the definition without `signature`, object keys sorted at every level, no
 * whitespace, array order kept. Equal definitions give equal strings whatever order their keys came in.
 */
export function canonicalAgentJson(definition: AgentDefinition): string {
  const { signature: _signature, ...unsigned } = definition
  return JSON.stringify(sortKeys(unsigned))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== 'object' || value === null) return value
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key]
    if (v !== undefined) sorted[key] = sortKeys(v)
  }
  return sorted
}
