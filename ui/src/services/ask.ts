import type { AskDoneEvent, AskErrorEvent, AskRequest, AskTokenEvent, ConversationDetail, ConversationSummary } from '@wissensnetz/protocol'
import { SseParser } from '../lib/sse.ts'
import { ApiError, api, send } from './http.ts'

export interface AskHandlers {
  onToken: (text: string) => void
  signal: AbortSignal
}

/**
 * Asks a question and streams the answer: `POST /api/ask` answers Server-Sent Events (token …, then done or
 * error). Errors before the stream starts (unknown agent, model busy) arrive as ordinary JSON errors.
 * Aborting the signal stops the request, and the node stops generating.
 */
export async function ask(request: AskRequest, handlers: AskHandlers): Promise<AskDoneEvent> {
  const response = await send('/api/ask', { json: request, signal: handlers.signal })
  if (response.body === null) throw new ApiError(response.status, 'invalid_response', '')
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  const parser = new SseParser()
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      for (const event of parser.push(value)) {
        if (event.event === 'token') handlers.onToken((JSON.parse(event.data) as AskTokenEvent).text)
        else if (event.event === 'done') return JSON.parse(event.data) as AskDoneEvent
        else if (event.event === 'error') {
          const error = JSON.parse(event.data) as AskErrorEvent
          throw new ApiError(200, error.code, error.message)
        }
      }
    }
  } finally {
    reader.cancel().catch(() => undefined)
  }
  throw new ApiError(200, 'stream_ended', '')
}

export async function listConversations(): Promise<ConversationSummary[]> {
  return (await api<{ conversations: ConversationSummary[] }>('/api/conversations')).conversations
}

export function getConversation(id: string): Promise<ConversationDetail> {
  return api<ConversationDetail>(`/api/conversations/${encodeURIComponent(id)}`)
}

export function deleteConversation(id: string): Promise<void> {
  return api<void>(`/api/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' })
}
