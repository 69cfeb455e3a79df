import { z } from 'zod'

/** Limits of the answer API, shared by node and ui. */
export const MAX_QUESTION_CHARS = 2000
export const MAX_CONVERSATION_ID_CHARS = 64
export const MAX_AGENT_ID_CHARS = 128

export const askRequestSchema = z
  .object({
    question: z.string().trim().min(1, 'Frage fehlt').max(MAX_QUESTION_CHARS),
    /** run the question with this agent's instructions, parameters and knowledge scope */
    agentId: z.string().trim().min(1).max(MAX_AGENT_ID_CHARS).optional(),
    /** continue this conversation (follow-up question); omitted: a new conversation is started */
    conversationId: z.string().trim().min(1).max(MAX_CONVERSATION_ID_CHARS).optional(),
  })
  .strict()

export type AskRequest = z.infer<typeof askRequestSchema>

/** A passage an answer cites: `[n]` in the answer text is `citations[i].n`. */
export interface Citation {
  n: number
  documentId: number
  chunkId: number
  title: string
  path: string
  page: number | null
  /** the part of the passage that matches the question best */
  quote: string
  /** character ranges inside `quote` that match the question (extractive answers) */
  highlights?: Array<[number, number]>
}

export type AnswerMode = 'generative' | 'extractive'

/** Server-Sent Events of `POST /api/ask`: `token` events, then exactly one `done` or `error`. */
export interface AskTokenEvent {
  text: string
}

export interface AskDoneEvent {
  /** the final answer; citation numbers that were not in the context are removed from it */
  answer: string
  citations: Citation[]
  /** citation numbers the model produced that matched no passage in its context */
  droppedCitations: number
  mode: AnswerMode
  conversationId: string
}

export interface AskErrorEvent {
  code: string
  message: string
}

export interface ConversationSummary {
  id: string
  title: string
  agentId: string | null
  createdAt: string
  updatedAt: string
  messages: number
}

export interface ConversationMessage {
  role: 'user' | 'assistant'
  content: string
  citations: Citation[]
  mode: AnswerMode | null
  createdAt: string
}

export interface ConversationDetail extends Omit<ConversationSummary, 'messages'> {
  messages: ConversationMessage[]
}
