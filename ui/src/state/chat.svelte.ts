import type { AnswerMode, Citation, ConversationDetail, ConversationSummary } from '@wissensnetz/protocol'
import { type AgentSummary, listAgents } from '../services/agents.ts'
import { ask, deleteConversation, getConversation, listConversations } from '../services/ask.ts'
import { type ApiError, isAbort, toApiError } from '../services/http.ts'

export interface ChatMessage {
  id: number
  role: 'user' | 'assistant'
  content: string
  citations: Citation[]
  mode: AnswerMode | null
  state: 'streaming' | 'done' | 'stopped' | 'failed'
  error: ApiError | null
  droppedCitations: number
}

let nextMessageId = 1

/** One conversation: questions, streamed answers, and the conversation id for follow-up questions. */
export class Chat {
  messages = $state<ChatMessage[]>([])
  conversationId = $state<string | null>(null)
  /** '' asks without an assistant */
  agentId = $state('')
  private controller: AbortController | null = null

  constructor(private readonly onAnswered?: () => void) {}

  get busy(): boolean {
    return this.messages.at(-1)?.state === 'streaming'
  }

  async send(question: string): Promise<void> {
    const text = question.trim()
    if (text === '' || this.busy) return
    this.messages.push(message('user', text, 'done'))
    this.messages.push(message('assistant', '', 'streaming'))
    const answer = this.messages.at(-1) as ChatMessage
    const controller = new AbortController()
    this.controller = controller
    try {
      const done = await ask(
        {
          question: text,
          ...(this.agentId === '' ? {} : { agentId: this.agentId }),
          ...(this.conversationId === null ? {} : { conversationId: this.conversationId }),
        },
        { signal: controller.signal, onToken: (t) => (answer.content += t) },
      )
      answer.content = done.answer
      answer.citations = done.citations
      answer.mode = done.mode
      answer.droppedCitations = done.droppedCitations
      answer.state = 'done'
      this.conversationId = done.conversationId
      this.onAnswered?.()
    } catch (err) {
      if (isAbort(err)) {
        answer.state = 'stopped'
      } else {
        answer.state = 'failed'
        answer.error = toApiError(err)
      }
    } finally {
      this.controller = null
    }
  }

  /** Stops the answer being written; the node stops generating when the request is aborted. */
  stop(): void {
    this.controller?.abort()
  }

  reset(): void {
    this.stop()
    this.messages = []
    this.conversationId = null
  }

  show(detail: ConversationDetail): void {
    this.stop()
    this.conversationId = detail.id
    this.agentId = detail.agentId ?? ''
    this.messages = detail.messages.map((m) => ({ ...message(m.role, m.content, 'done'), citations: m.citations, mode: m.mode }))
  }
}

function message(role: ChatMessage['role'], content: string, state: ChatMessage['state']): ChatMessage {
  return { id: nextMessageId++, role, content, citations: [], mode: null, state, error: null, droppedCitations: 0 }
}

/** The user's stored conversations. */
export class ConversationList {
  items = $state<ConversationSummary[]>([])
  loading = $state(false)
  error = $state<ApiError | null>(null)

  async refresh(): Promise<void> {
    this.loading = true
    try {
      this.items = await listConversations()
      this.error = null
    } catch (err) {
      this.error = toApiError(err)
    } finally {
      this.loading = false
    }
  }

  async open(id: string): Promise<ConversationDetail | null> {
    try {
      this.error = null
      return await getConversation(id)
    } catch (err) {
      this.error = toApiError(err)
      return null
    }
  }

  async remove(id: string): Promise<boolean> {
    try {
      await deleteConversation(id)
      this.items = this.items.filter((c) => c.id !== id)
      this.error = null
      return true
    } catch (err) {
      this.error = toApiError(err)
      return false
    }
  }
}

/** Assistants offered in the picker of the ask page. */
export class AgentChoices {
  items = $state<AgentSummary[]>([])
  error = $state<ApiError | null>(null)

  async load(): Promise<void> {
    try {
      this.items = (await listAgents()).agents
      this.error = null
    } catch (err) {
      this.error = toApiError(err)
    }
  }
}

export const conversations = new ConversationList()
export const askChat = new Chat(() => void conversations.refresh())
export const agentChoices = new AgentChoices()
