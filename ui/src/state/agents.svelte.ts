import {
  type AgentStatus,
  type CreateAgentRequest,
  DEFAULT_AGENT_CATEGORY,
  DEFAULT_AGENT_MAX_TOKENS,
  DEFAULT_AGENT_TEMPERATURE,
} from '@wissensnetz/protocol'
import { splitList } from '../lib/format.ts'
import {
  type Agent,
  type AgentSummary,
  type AgentVersion,
  createAgent,
  deleteAgent,
  forkAgent,
  getAgent,
  getAgentVersion,
  importAgent,
  listAgents,
  listVersions,
  updateAgent,
} from '../services/agents.ts'
import { type ApiError, toApiError } from '../services/http.ts'

/** The fields of the edit form, as the inputs hold them (lists as text: one starter prompt per line, tags by comma). */
export interface AgentFields {
  name: string
  description: string
  category: string
  instructions: string
  starterPrompts: string
  temperature: number
  maxTokens: number
  knowledgeScope: string
  outputTemplate: string
  language: 'de' | 'en'
  status: Exclude<AgentStatus, 'shared'>
}

const EMPTY_FIELDS: AgentFields = {
  name: '',
  description: '',
  category: DEFAULT_AGENT_CATEGORY,
  instructions: '',
  starterPrompts: '',
  temperature: DEFAULT_AGENT_TEMPERATURE,
  maxTokens: DEFAULT_AGENT_MAX_TOKENS,
  knowledgeScope: '',
  outputTemplate: '',
  language: 'de',
  status: 'draft',
}

function fieldsOf(agent: Agent): AgentFields {
  return {
    name: agent.name,
    description: agent.description,
    category: agent.category,
    instructions: agent.instructions,
    starterPrompts: agent.starterPrompts.join('\n'),
    temperature: agent.parameters.temperature,
    maxTokens: agent.parameters.maxTokens,
    knowledgeScope: agent.knowledgeScope.join(', '),
    outputTemplate: agent.outputTemplate,
    language: agent.language,
    status: agent.status === 'shared' ? 'published' : agent.status,
  }
}

/** Server field paths ("parameters.temperature", "starterPrompts.2") mapped to the form's inputs. */
function formField(path: string): keyof AgentFields | 'form' {
  const head = path.replace(/^agent\./, '').split('.')
  if (head[0] === 'parameters') return head[1] === 'maxTokens' ? 'maxTokens' : 'temperature'
  const known = head[0] as keyof AgentFields
  return known in EMPTY_FIELDS ? known : 'form'
}

/** The assistant being edited. A save is a new version; it names the version it started from. */
export class AgentEditor {
  fields = $state<AgentFields>({ ...EMPTY_FIELDS })
  agent = $state<Agent | null>(null)
  versions = $state<AgentVersion[]>([])
  problems = $state<Partial<Record<keyof AgentFields | 'form', string>>>({})
  saving = $state(false)
  error = $state<ApiError | null>(null)
  saved = $state(false)
  private snapshot = JSON.stringify(EMPTY_FIELDS)

  get isNew(): boolean {
    return this.agent === null
  }

  get dirty(): boolean {
    return JSON.stringify(this.fields) !== this.snapshot
  }

  load(agent: Agent, versions: AgentVersion[] = this.versions): void {
    this.agent = agent
    this.fields = fieldsOf(agent)
    this.snapshot = JSON.stringify(this.fields)
    this.versions = versions
    this.problems = {}
    this.error = null
  }

  /** Takes an older version's content into the form; saving it makes it the newest version. */
  adopt(old: Agent): void {
    this.fields = { ...fieldsOf(old), status: this.fields.status }
    this.saved = false
  }

  async save(): Promise<boolean> {
    this.saving = true
    this.error = null
    this.problems = {}
    this.saved = false
    try {
      const request = this.request()
      const agent = this.agent === null ? await createAgent(request) : await updateAgent(this.agent.id, { ...request, baseVersion: this.agent.currentVersion })
      this.load(agent, await listVersions(agent.id).catch(() => this.versions))
      this.saved = true
      return true
    } catch (err) {
      const error = toApiError(err)
      this.error = error
      for (const p of error.fieldProblems) {
        const field = formField(p.field)
        this.problems[field] = this.problems[field] === undefined ? p.problem : `${this.problems[field]}; ${p.problem}`
      }
      return false
    } finally {
      this.saving = false
    }
  }

  private request(): CreateAgentRequest {
    const f = this.fields
    const kept = this.agent
    return {
      name: f.name,
      description: f.description,
      category: f.category.trim() === '' ? DEFAULT_AGENT_CATEGORY : f.category,
      instructions: f.instructions,
      starterPrompts: splitList(f.starterPrompts, /\n/),
      parameters: { temperature: Number(f.temperature), maxTokens: Number(f.maxTokens) },
      requiredCapabilities: kept?.requiredCapabilities ?? ['chat'],
      knowledgeScope: splitList(f.knowledgeScope),
      outputTemplate: f.outputTemplate,
      language: f.language,
      ...(kept === null ? {} : { authorMunicipality: kept.authorMunicipality }),
      licence: kept?.licence ?? 'CC-BY-4.0',
      status: f.status,
    }
  }
}

/** The assistants page: the list with search, and the one being edited. */
export class AgentsState {
  query = $state('')
  category = $state('')
  agents = $state<AgentSummary[]>([])
  categories = $state<string[]>([])
  loading = $state(false)
  error = $state<ApiError | null>(null)
  editor = $state<AgentEditor | null>(null)
  notice = $state('')
  /** an import refused because the agent exists here; the user may import it as a copy */
  importConflict = $state<{ text: string; error: ApiError } | null>(null)
  private listRequest = 0

  async refresh(): Promise<void> {
    const request = ++this.listRequest
    this.loading = true
    try {
      const list = await listAgents(this.query, this.category)
      if (request !== this.listRequest) return
      this.agents = list.agents
      this.categories = list.categories
      this.error = null
    } catch (err) {
      if (request === this.listRequest) this.error = toApiError(err)
    } finally {
      if (request === this.listRequest) this.loading = false
    }
  }

  startNew(): void {
    this.editor = new AgentEditor()
    this.notice = ''
  }

  async open(id: string): Promise<void> {
    try {
      const [agent, versions] = await Promise.all([getAgent(id), listVersions(id)])
      const editor = new AgentEditor()
      editor.load(agent, versions)
      this.editor = editor
      this.error = null
      this.notice = ''
    } catch (err) {
      this.error = toApiError(err)
    }
  }

  async adoptVersion(version: number): Promise<void> {
    const editor = this.editor
    if (editor?.agent == null) return
    try {
      editor.adopt(await getAgentVersion(editor.agent.id, version))
    } catch (err) {
      editor.error = toApiError(err)
    }
  }

  async remove(): Promise<void> {
    const agent = this.editor?.agent
    if (agent == null) return
    try {
      await deleteAgent(agent.id)
      this.editor = null
      await this.refresh()
    } catch (err) {
      this.error = toApiError(err)
    }
  }

  async fork(): Promise<void> {
    const agent = this.editor?.agent
    if (agent == null) return
    try {
      const copy = await forkAgent(agent.id)
      await this.refresh()
      await this.open(copy.id)
    } catch (err) {
      this.error = toApiError(err)
    }
  }

  /** The imported assistant's id, or null when the file was refused (the reason is in `error` or `importConflict`). */
  async importFile(text: string, asCopy = false): Promise<string | null> {
    this.importConflict = null
    this.notice = ''
    try {
      const agent = await importAgent(text, asCopy)
      await this.refresh()
      await this.open(agent.id)
      this.notice = agent.name
      this.error = null
      return agent.id
    } catch (err) {
      const error = toApiError(err)
      if (error.status === 409 && !asCopy) this.importConflict = { text, error }
      else this.error = error
      return null
    }
  }
}

export const agentsState = new AgentsState()
