import { addSourceRequestSchema } from '@wissensnetz/protocol'
import { PassThrough } from 'node:stream'
import { addSource } from '../../ingest/add-source.ts'
import type { IngestProgress } from '../../ingest/pipeline.ts'
import type { WissensnetzNode } from '../../node.ts'
import type { ApiRouter } from '../app.ts'
import { validate } from '../errors.ts'
import { presentFailure, presentSource } from '../presenters.ts'

/** Failed documents listed per request at most. */
const MAX_FAILURES = 500
/** Keeps proxies and browsers from closing an idle event stream. */
const SSE_HEARTBEAT_MS = 15_000

export function sourceRoutes(router: ApiRouter, node: WissensnetzNode): void {
  router.get('/api/sources', (ctx) => {
    const counts = node.documents.countsBySource()
    const runs = node.runs.latest()
    ctx.body = { sources: node.sources.list().map((s) => presentSource(s, counts.get(s.id), runs.get(s.id))) }
  })

  router.post('/api/sources', async (ctx) => {
    const request = validate(addSourceRequestSchema, ctx.request.body)
    const source = addSource(node.sources, request)
    await node.scheduler.watchSource(source)
    void node.scheduler.trigger(source.id)
    ctx.status = 201
    ctx.body = presentSource(source)
  })

  router.delete('/api/sources/:id', async (ctx) => {
    await node.removeSource(ctx.params.id as string)
    ctx.status = 204
  })

  router.post('/api/sources/:id/ingest', (ctx) => {
    const source = node.sources.get(ctx.params.id as string)
    void node.scheduler.trigger(source.id)
    ctx.status = 202
    ctx.body = { queued: source.id }
  })

  router.get('/api/errors', (ctx) => {
    const sourceParam = ctx.query.source
    const sourceId = typeof sourceParam === 'string' ? node.sources.get(sourceParam).id : undefined
    const warnings = node.documents.metadataWarnings(MAX_FAILURES).filter((w) => sourceId === undefined || w.sourceId === sourceId)
    ctx.body = { failures: node.documents.failures(MAX_FAILURES, sourceId).map(presentFailure), warnings }
  })

  router.get('/api/ingest/progress', (ctx) => {
    ctx.body = { running: node.scheduler.running(), sources: node.scheduler.progress() }
  })

  // Server-Sent Events: the current state of every source, then each progress update as it happens.
  router.get('/api/ingest/events', (ctx) => {
    const stream = new PassThrough()
    ctx.req.socket.setTimeout(0)
    ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' })
    ctx.status = 200
    ctx.body = stream
    const send = (event: string, data: unknown): void => {
      stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    }
    for (const progress of node.scheduler.progress()) send('progress', progress)
    const onProgress = (p: IngestProgress): void => send('progress', p)
    const onIdle = (): void => send('idle', { at: new Date().toISOString() })
    node.scheduler.on('progress', onProgress)
    node.scheduler.on('idle', onIdle)
    const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), SSE_HEARTBEAT_MS)
    const close = (): void => {
      clearInterval(heartbeat)
      node.scheduler.off('progress', onProgress)
      node.scheduler.off('idle', onIdle)
      stream.end()
    }
    ctx.req.on('close', close)
    stream.on('error', close)
  })
}
