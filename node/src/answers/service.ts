import type { AnswerMode, Citation } from '@wissensnetz/protocol'
import { ConflictError, NotFoundError } from '../errors.ts'
import type { ChatGenerator, ChatMessage } from '../llm/chat.ts'
import { logger } from '../log.ts'
import type { Principal } from '../store/access.ts'
import type { ConversationRepository, ConversationRow, MessageRow } from '../store/conversations.ts'
import { checkCitations, stripCitations } from './citations.ts'
import { extractiveAnswer, MAX_EXTRACTIVE_PASSAGES, passageCitation } from './extractive.ts'
import { ownerKey } from './owner.ts'
import { MAX_PASSAGES, type PassageRetriever } from './passages.ts'
import { messagesFor, systemPrompt } from './prompt.ts'
import type { AgentResolver, AgentRunSettings, AnswerStats, AskInput, AskOptions, AskResult, Passage } from './types.ts'

const log = logger('node:answers')

/** Earlier messages (questions and answers) a follow-up question sees. */
const MAX_HISTORY_MESSAGES = 6
/** An earlier answer longer than this is cut in the history: the passages matter more than old wording. */
const MAX_HISTORY_MESSAGE_CHARS = 1500
/** Passage tokens at most, even where the context would hold more: more text dilutes the answer. */
const MAX_PASSAGE_TOKENS = 3000
/** The answer may take at most this share of a slot's context; the rest is prompt. */
const MAX_ANSWER_SHARE = 0.5
/** Chat template tokens around system prompt, history and question (role markers, separators). */
const TEMPLATE_MARGIN_TOKENS = 64
const TITLE_CHARS = 80
const MAX_LISTED_CONVERSATIONS = 200
const DEFAULT_MAX_ANSWER_TOKENS = 512

export const NOTHING_FOUND =
  'In den Quellen, die Sie einsehen dürfen, habe ich dazu nichts gefunden. Bitte formulieren Sie die Frage anders ' +
  'oder prüfen Sie, ob die passenden Dokumente eingelesen sind.'
const EMPTY_ANSWER = 'Das Sprachmodell hat keine Antwort erzeugt. Die gefundenen Quellen stehen unten.'

export interface AnswerServiceInit {
  retriever: Pick<PassageRetriever, 'retrieve'>
  conversations: ConversationRepository
  /** the loaded chat model, or null: then answers are extractive */
  chat: () => ChatGenerator | null
  agents?: () => AgentResolver | null
  /** longest answer in tokens unless an agent asks for less */
  maxAnswerTokens?: number
}

interface Plan {
  system: string
  history: ChatMessage[]
  maxTokens: number
  passageTokens: number
}

/**
 * Answers questions from the passages the asking user may see: retrieval, a prompt with fenced and numbered
 * passages, streamed generation, checked citations, and the conversation stored per user. Without a chat
 * model the answer is extractive.
 */
export class AnswerService {
  constructor(private readonly init: AnswerServiceInit) {}

  async ask(who: Principal, input: AskInput, options: AskOptions = {}): Promise<AskResult> {
    const started = performance.now()
    const owner = ownerKey(who)
    const question = input.question.trim()
    const existing = input.conversationId === undefined ? null : this.init.conversations.get(owner, input.conversationId)
    if (existing !== null && input.agentId !== undefined && existing.agentId !== input.agentId) {
      throw new ConflictError('Dieses Gespräch wurde mit einem anderen Assistenten begonnen.')
    }
    const agentId = input.agentId ?? existing?.agentId ?? null
    const agent = agentId === null ? null : await this.resolveAgent(agentId)
    const earlier = existing === null ? [] : this.init.conversations.recentMessages(existing.id, MAX_HISTORY_MESSAGES)
    // A follow-up ("Und für Hunde?") rarely names its subject: search with the previous question too.
    const previous = earlier.findLast((m) => m.role === 'user')?.content
    const query = previous === undefined ? question : `${previous}\n${question}`

    const chat = this.init.chat()
    const plan = chat === null ? null : this.plan(chat, agent, earlier, question)
    const retrievalStarted = performance.now()
    const passages = await this.init.retriever.retrieve(who, query, {
      limit: chat === null ? MAX_EXTRACTIVE_PASSAGES : MAX_PASSAGES,
      sourceIds: agent?.sourceIds ?? null,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(chat === null || plan === null ? {} : { budget: { tokens: plan.passageTokens, count: (t: string) => chat.countTokens(t) } }),
    })
    const stats: AnswerStats = {
      passages: passages.length,
      retrievalMs: performance.now() - retrievalStarted,
      promptTokens: 0,
      outputTokens: 0,
      queuedMs: 0,
      modelFirstTokenMs: null,
      totalMs: 0,
    }

    let answer: string
    let citations: Citation[]
    let droppedCitations = 0
    const mode: AnswerMode = chat === null ? 'extractive' : 'generative'
    if (passages.length === 0) {
      // Nothing the user may see matches: say so without asking the model, which would only guess.
      options.onAccepted?.()
      answer = NOTHING_FOUND
      citations = []
      options.onToken?.(answer)
    } else if (chat === null || plan === null) {
      options.onAccepted?.()
      ;({ answer, citations } = extractiveAnswer(question, passages))
      options.onToken?.(answer)
    } else {
      const result = await chat.generate({
        system: plan.system,
        messages: messagesFor(plan.history, question, passages),
        ...(agent?.temperature === undefined ? {} : { temperature: agent.temperature }),
        maxTokens: plan.maxTokens,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.onToken === undefined ? {} : { onToken: options.onToken }),
        ...(options.onAccepted === undefined ? {} : { onAdmitted: options.onAccepted }),
      })
      Object.assign(stats, {
        promptTokens: result.stats.promptTokens,
        outputTokens: result.stats.outputTokens,
        queuedMs: result.stats.queuedMs,
        modelFirstTokenMs: result.stats.modelFirstTokenMs,
      })
      const checked = checkCitations(result.text.trim(), passages.length)
      answer = checked.answer.trim()
      droppedCitations = checked.dropped
      citations = citationsFor(checked.cited, passages, question)
      if (answer === '') {
        // nothing to read: at least the passages the model was given, so that the user can read them herself
        answer = EMPTY_ANSWER
        citations = citationsFor(
          passages.map((p) => p.n),
          passages,
          question,
        )
        options.onToken?.(answer)
      }
    }

    const conversationId = this.init.conversations.record(owner, existing?.id ?? null, { agentId, title: titleOf(question) }, [
      { role: 'user', content: question },
      { role: 'assistant', content: answer, citations, mode },
    ])
    stats.totalMs = performance.now() - started
    log.trace('answered', { conversation: conversationId, mode, ...stats, cited: citations.length, droppedCitations })
    return { answer, citations, droppedCitations, mode, conversationId, stats }
  }

  listConversations(who: Principal): Array<ConversationRow & { messages: number }> {
    return this.init.conversations.list(ownerKey(who), MAX_LISTED_CONVERSATIONS)
  }

  getConversation(who: Principal, id: string): { conversation: ConversationRow; messages: MessageRow[] } {
    const conversation = this.init.conversations.get(ownerKey(who), id)
    return { conversation, messages: this.init.conversations.messages(id) }
  }

  deleteConversation(who: Principal, id: string): void {
    this.init.conversations.delete(ownerKey(who), id)
  }

  private async resolveAgent(agentId: string): Promise<AgentRunSettings> {
    const resolver = this.init.agents?.() ?? null
    if (resolver === null) throw new NotFoundError('Assistent')
    return await resolver.resolve(agentId)
  }

  /** System prompt, history and the token budget left for passages in one slot's context. */
  private plan(chat: ChatGenerator, agent: AgentRunSettings | null, earlier: MessageRow[], question: string): Plan {
    const system = systemPrompt({
      ...(agent?.instructions === undefined ? {} : { instructions: agent.instructions }),
      ...(agent?.outputTemplate === undefined ? {} : { outputTemplate: agent.outputTemplate }),
    })
    const requested = agent?.maxTokens ?? this.init.maxAnswerTokens ?? DEFAULT_MAX_ANSWER_TOKENS
    const maxTokens = Math.max(1, Math.min(requested, Math.floor(chat.contextSize * MAX_ANSWER_SHARE)))
    const fixed = chat.countTokens(system) + chat.countTokens(question) + TEMPLATE_MARGIN_TOKENS + maxTokens
    const history = earlier.map((m) => ({ role: m.role, content: historyText(m) }))
    let historyTokens = history.reduce((sum, m) => sum + chat.countTokens(m.content), 0)
    // Older turns go first when the context is tight: the passages of this question matter more.
    const minPassageTokens = Math.min(MAX_PASSAGE_TOKENS / 2, chat.contextSize / 4)
    while (history.length > 0 && chat.contextSize - fixed - historyTokens < minPassageTokens) {
      const dropped = history.splice(0, 2)
      historyTokens -= dropped.reduce((sum, m) => sum + chat.countTokens(m.content), 0)
    }
    const passageTokens = Math.min(MAX_PASSAGE_TOKENS, chat.contextSize - fixed - historyTokens)
    return { system, history, maxTokens, passageTokens }
  }
}

function citationsFor(numbers: number[], passages: Passage[], question: string): Citation[] {
  const byNumber = new Map(passages.map((p) => [p.n, p]))
  return numbers.flatMap((n) => {
    const passage = byNumber.get(n)
    return passage === undefined ? [] : [passageCitation(passage, question)]
  })
}

function historyText(m: MessageRow): string {
  // Earlier citation numbers referred to earlier passages; left in, the model would cite them again.
  const text = m.role === 'assistant' ? stripCitations(m.content) : m.content
  return text.length > MAX_HISTORY_MESSAGE_CHARS ? `${text.slice(0, MAX_HISTORY_MESSAGE_CHARS)} …` : text
}

function titleOf(question: string): string {
  const line = question.replace(/\s+/g, ' ').trim()
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line
}
