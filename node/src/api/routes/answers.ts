import { type AskErrorEvent, askRequestSchema } from '@wissensnetz/protocol'
import { PassThrough } from 'node:stream'
import { AbortError, WissensnetzError } from '../../errors.ts'
import { logger } from '../../log.ts'
import type { WissensnetzNode } from '../../node.ts'
import { presentConversation, presentConversationDetail, presentDone } from '../answer-presenters.ts'
import type { ApiRouter } from '../app.ts'
import { validate } from '../errors.ts'

const log = logger('node:api:ask')

/** Keeps proxies and browsers from closing the stream while a question waits for a model slot. */
const SSE_HEARTBEAT_MS = 15_000

export function answerRoutes(router: ApiRouter, node: WissensnetzNode): void {
  // Server-Sent Events: `token` events while the answer is generated, then one `done` (or `error`).
  router.post('/api/ask', async (ctx) => {
    const request = validate(askRequestSchema, ctx.request.body)
    const controller = new AbortController()
    // The response closes before it finished when the client went away: stop generating for nobody.
    ctx.res.on('close', () => {
      if (!ctx.res.writableFinished) controller.abort()
    })
    const stream = new PassThrough()
    const send = (event: string, data: unknown): void => {
      if (!stream.writableEnded) stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    }
    let accept: () => void = () => undefined
    const accepted = new Promise<void>((resolve) => (accept = resolve))
    let streaming = false
    const heartbeat = setInterval(() => {
      if (streaming && !stream.writableEnded) stream.write(': heartbeat\n\n')
    }, SSE_HEARTBEAT_MS)
    const run = node.answers.ask(ctx.state.principal, request, {
      signal: controller.signal,
      onAccepted: () => {
        streaming = true
        accept()
      },
      onToken: (text) => send('token', { text }),
    })
    run.then(
      (result) => send('done', presentDone(result)),
      (err: unknown) => {
        if (streaming && !controller.signal.aborted) send('error', streamError(err))
      },
    )
    void run
      .catch(() => undefined)
      .finally(() => {
        clearInterval(heartbeat)
        stream.end()
      })
    // Before the question is accepted (unknown conversation or agent, model busy), errors are plain HTTP errors
    // with their status (404, 409, 503), which clients can handle before reading any stream.
    await Promise.race([accepted, run])
    ctx.req.socket.setTimeout(0)
    ctx.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    })
    ctx.status = 200
    ctx.body = stream
  })

  router.get('/api/conversations', (ctx) => {
    ctx.body = { conversations: node.answers.listConversations(ctx.state.principal).map(presentConversation) }
  })

  router.get('/api/conversations/:id', (ctx) => {
    const { conversation, messages } = node.answers.getConversation(ctx.state.principal, ctx.params.id as string)
    ctx.body = presentConversationDetail(conversation, messages)
  })

  router.delete('/api/conversations/:id', (ctx) => {
    node.answers.deleteConversation(ctx.state.principal, ctx.params.id as string)
    ctx.status = 204
  })
}

function streamError(err: unknown): AskErrorEvent {
  if (err instanceof WissensnetzError && err.expose && !(err instanceof AbortError)) return { code: err.code, message: err.message }
  log.error('answer failed after the stream started', err as Error)
  return { code: 'internal_error', message: 'Interner Fehler. Die Administration findet Details im Protokoll des Knotens.' }
}
