import type { AskDoneEvent } from '@wissensnetz/protocol'

/**
 * What an agent contributes to a question. The agents part implements the resolver; the answer service only
 * needs these fields (its ResolvedAgent has more and fits this shape).
 */
export interface AgentRunSettings {
  instructions: string
  temperature?: number
  maxTokens?: number
  /** Markdown the answer should follow; '' or absent: none */
  outputTemplate?: string
  /** sources the agent's knowledge scope binds to; null or absent: every source the user may see */
  sourceIds?: number[] | null
}

export interface AgentResolver {
  /** Throws NotFoundError for an unknown or deleted agent. */
  resolve(agentId: string): AgentRunSettings | Promise<AgentRunSettings>
}

export interface AskInput {
  question: string
  agentId?: string
  conversationId?: string
}

export interface AskOptions {
  /** aborts retrieval, the wait for a slot and generation (client disconnect) */
  signal?: AbortSignal
  /** streamed answer text */
  onToken?: (text: string) => void
  /**
   * Called once the question is accepted: it holds a model slot or a place in the queue, or it is answered
   * without the model. Errors before this (unknown conversation, busy model) are the caller's to report as
   * plain HTTP errors; later ones arrive in the stream.
   */
  onAccepted?: () => void
}

/** A passage given to the model as `<<<QUELLE n …>>>`, and what a citation `[n]` points to. */
export interface Passage {
  n: number
  documentId: number
  chunkId: number
  title: string
  path: string
  page: number | null
  section: string | null
  text: string
}

/** Timings and counts of one answer (ids, counts and durations only: nothing here may hold text). */
export interface AnswerStats {
  passages: number
  retrievalMs: number
  promptTokens: number
  outputTokens: number
  queuedMs: number
  /** the model's own time to its first streamed text, null when no model ran */
  modelFirstTokenMs: number | null
  totalMs: number
}

export interface AskResult extends AskDoneEvent {
  stats: AnswerStats
}
