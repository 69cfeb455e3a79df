import type { AnswerMode, Citation } from '@wissensnetz/protocol'
import { randomUUID } from 'node:crypto'
import { NotFoundError } from '../errors.ts'
import type { Db } from './db.ts'

export interface ConversationRow {
  id: string
  owner: string
  agentId: string | null
  title: string
  createdAt: string
  updatedAt: string
}

export interface MessageRow {
  role: 'user' | 'assistant'
  content: string
  citations: Citation[]
  mode: AnswerMode | null
  createdAt: string
}

export interface NewMessage {
  role: 'user' | 'assistant'
  content: string
  citations?: Citation[]
  mode?: AnswerMode | null
}

interface RawConversation {
  id: string
  owner: string
  agent_id: string | null
  title: string
  created_at: string
  updated_at: string
}

interface RawMessage {
  role: 'user' | 'assistant'
  content: string
  citations: string
  mode: AnswerMode | null
  created_at: string
}

const toConversation = (r: RawConversation): ConversationRow => ({
  id: r.id,
  owner: r.owner,
  agentId: r.agent_id,
  title: r.title,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

const toMessage = (r: RawMessage): MessageRow => ({
  role: r.role,
  content: r.content,
  citations: JSON.parse(r.citations) as Citation[],
  mode: r.mode,
  createdAt: r.created_at,
})

/**
 * Conversations and their messages, always read through their owner: a conversation of someone else is
 * "not found", never "forbidden", so that ids reveal nothing.
 */
export class ConversationRepository {
  constructor(private readonly db: Db) {}

  create(owner: string, agentId: string | null, title: string): ConversationRow {
    const id = randomUUID()
    this.db.prepare('INSERT INTO conversations (id, owner, agent_id, title) VALUES (?, ?, ?, ?)').run(id, owner, agentId, title)
    return this.get(owner, id)
  }

  get(owner: string, id: string): ConversationRow {
    const row = this.db.prepare('SELECT * FROM conversations WHERE id = ? AND owner = ?').get(id, owner) as RawConversation | undefined
    if (row === undefined) throw new NotFoundError('Gespräch')
    return toConversation(row)
  }

  /** The owner's conversations, most recently used first, with their message counts. */
  list(owner: string, limit: number): Array<ConversationRow & { messages: number }> {
    const rows = this.db
      .prepare(`SELECT c.*, (SELECT COUNT(*) FROM conversation_messages m WHERE m.conversation_id = c.id) AS messages
        FROM conversations c WHERE c.owner = ? ORDER BY c.updated_at DESC, c.rowid DESC LIMIT ?`)
      .all(owner, limit) as Array<RawConversation & { messages: number }>
    return rows.map((r) => ({ ...toConversation(r), messages: r.messages }))
  }

  messages(conversationId: string): MessageRow[] {
    const rows = this.db
      .prepare('SELECT role, content, citations, mode, created_at FROM conversation_messages WHERE conversation_id = ? ORDER BY id')
      .all(conversationId) as RawMessage[]
    return rows.map(toMessage)
  }

  /** The last `limit` messages in the order they were written. */
  recentMessages(conversationId: string, limit: number): MessageRow[] {
    const rows = this.db
      .prepare(
        'SELECT role, content, citations, mode, created_at FROM conversation_messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?',
      )
      .all(conversationId, limit) as RawMessage[]
    return rows.reverse().map(toMessage)
  }

  /**
   * Adds the messages of one turn to a conversation, or to a new one (id null) created in the same transaction,
   * so that no conversation is left without its first turn. Returns the conversation's id.
   */
  record(owner: string, conversationId: string | null, created: { agentId: string | null; title: string }, messages: NewMessage[]): string {
    return this.db.transaction(() => {
      const id = conversationId ?? this.create(owner, created.agentId, created.title).id
      this.append(id, messages)
      return id
    })()
  }

  append(conversationId: string, messages: NewMessage[]): void {
    const insert = this.db.prepare(
      'INSERT INTO conversation_messages (conversation_id, role, content, citations, mode) VALUES (?, ?, ?, ?, ?)',
    )
    this.db.transaction(() => {
      for (const m of messages) insert.run(conversationId, m.role, m.content, JSON.stringify(m.citations ?? []), m.mode ?? null)
      this.db.prepare("UPDATE conversations SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?").run(conversationId)
    })()
  }

  /** Deletes the conversation and its messages; NotFoundError when the owner has no such conversation. */
  delete(owner: string, id: string): void {
    const info = this.db.prepare('DELETE FROM conversations WHERE id = ? AND owner = ?').run(id, owner)
    if (info.changes === 0) throw new NotFoundError('Gespräch')
  }
}
