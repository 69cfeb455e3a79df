import { searchRequestSchema } from '@wissensnetz/protocol'
import type { WissensnetzNode } from '../../node.ts'
import type { ApiRouter } from '../app.ts'
import { validate } from '../errors.ts'

export function searchRoutes(router: ApiRouter, node: WissensnetzNode): void {
  router.post('/api/search', async (ctx) => {
    const request = validate(searchRequestSchema, ctx.request.body)
    ctx.body = await node.search.search(ctx.state.principal, request.query, {
      limit: request.limit ?? node.config.search.defaultLimit,
      ...(request.filters === undefined ? {} : { filters: request.filters }),
    })
  })
}
