import type { AskDoneEvent, ConversationDetail, ConversationMessage, ConversationSummary } from '@wissensnetz/protocol'
import type { AskResult } from '../answers/index.ts'
import type { ConversationRow, MessageRow } from '../store/conversations.ts'

/** The `done` event: the answer without the internal timings. */
export function presentDone(result: AskResult): AskDoneEvent {
  return {
    answer: result.answer,
    citations: result.citations,
    droppedCitations: result.droppedCitations,
    mode: result.mode,
    conversationId: result.conversationId,
  }
}

export function presentConversation(row: ConversationRow & { messages: number }): ConversationSummary {
  return { id: row.id, title: row.title, agentId: row.agentId, createdAt: row.createdAt, updatedAt: row.updatedAt, messages: row.messages }
}

export function presentConversationDetail(row: ConversationRow, messages: MessageRow[]): ConversationDetail {
  return {
    id: row.id,
    title: row.title,
    agentId: row.agentId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    messages: messages.map(presentMessage),
  }
}

function presentMessage(m: MessageRow): ConversationMessage {
  return { role: m.role, content: m.content, citations: m.citations, mode: m.mode, createdAt: m.createdAt }
}
