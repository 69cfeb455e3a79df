import { federatedQueryRequestSchema, type NetworkPeersResponse, queryPreviewRequestSchema } from '@wissensnetz/protocol'
import { z } from 'zod'
import { authorOf } from '../agents/author.ts'
import type { ApiRouter } from '../api/app.ts'
import { validate } from '../api/errors.ts'
import type { WissensnetzNode } from '../node.ts'
import { FederationNotRunningError } from './errors.ts'
import { askFederated, previewQuestion } from './query/ask.ts'

const MAX_EXCHANGES_LISTED = 1000
const publishSchema = z.object({ agentId: z.uuid() }).strict()
const importSchema = z.object({ asCopy: z.boolean().optional() }).strict()
const updateSchema = z.object({ localAgentId: z.uuid() }).strict()

/** The network API: members and status, the agent catalogue, federated questions with preview, exchanges. */
export function networkRoutes(router: ApiRouter, node: WissensnetzNode): void {
  const federation = () => {
    if (node.federation === null || !node.federation.running) throw new FederationNotRunningError()
    return node.federation
  }

  router.get('/api/network/peers', (ctx) => {
    const body: NetworkPeersResponse = node.federation?.peersView() ?? { enabled: false, self: null, peers: [] }
    ctx.body = body
  })

  router.get('/api/network/catalog', (ctx) => {
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.slice(0, 200) : undefined
    ctx.body = { agents: federation().requireCatalog().list(q) }
  })

  router.get('/api/network/catalog/:agentId', (ctx) => {
    ctx.body = federation()
      .requireCatalog()
      .get(ctx.params.agentId as string)
  })

  router.post('/api/network/catalog/publish', async (ctx) => {
    const { agentId } = validate(publishSchema, ctx.request.body)
    const entry = await federation().requireCatalog().publish(agentId)
    ctx.body = { agentId: entry.agent.id, version: entry.agent.version, publisher: entry.publisher }
  })

  router.post('/api/network/catalog/:agentId/withdraw', async (ctx) => {
    const withdrawal = await federation()
      .requireCatalog()
      .withdraw(ctx.params.agentId as string)
    ctx.body = { agentId: withdrawal.agentId, withdrawnAt: withdrawal.withdrawnAt }
  })

  router.post('/api/network/catalog/:agentId/import', (ctx) => {
    const options = validate(importSchema, ctx.request.body ?? {})
    ctx.body = federation()
      .requireCatalog()
      .importAgent(ctx.params.agentId as string, authorOf(ctx.state.principal), options.asCopy === true ? { asCopy: true } : {})
  })

  router.post('/api/network/catalog/:agentId/update', (ctx) => {
    const { localAgentId } = validate(updateSchema, ctx.request.body)
    ctx.body = federation()
      .requireCatalog()
      .applyUpdate(ctx.params.agentId as string, localAgentId, authorOf(ctx.state.principal))
  })

  router.post('/api/network/query/preview', (ctx) => {
    const { question } = validate(queryPreviewRequestSchema, ctx.request.body)
    ctx.body = previewQuestion(federation(), question)
  })

  router.post('/api/network/query', async (ctx) => {
    const request = validate(federatedQueryRequestSchema, ctx.request.body)
    const controller = new AbortController()
    ctx.req.once('close', () => controller.abort())
    ctx.body = await askFederated(
      { federation: federation(), search: node.search, municipality: node.config.node.name },
      ctx.state.principal,
      request,
      controller.signal,
    )
  })

  router.get('/api/network/exchanges', (ctx) => {
    const limit = Math.min(Number(ctx.query.limit ?? 100) || 100, MAX_EXCHANGES_LISTED)
    ctx.body = { exchanges: federation().exchanges.list({ limit }) }
  })

  router.get('/api/network/stats', (ctx) => {
    const f = federation()
    const memory = process.memoryUsage()
    ctx.body = { penalties: f.penalties.stats(), query: f.serverStats(), memory: { rss: memory.rss, heapUsed: memory.heapUsed } }
  })
}
