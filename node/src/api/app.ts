import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import Koa from 'koa'
import { logger } from '../log.ts'
import type { WissensnetzNode } from '../node.ts'
import { LOCAL_OPERATOR, type Principal } from '../store/access.ts'
import { errorMiddleware } from './errors.ts'
import { loopbackOnly } from './loopback.ts'
import { documentRoutes } from './routes/documents.ts'
import { searchRoutes } from './routes/search.ts'
import { sourceRoutes } from './routes/sources.ts'
import { statusRoutes } from './routes/status.ts'
import { uiRoutes } from './routes/ui.ts'

const log = logger('node:api')

/** Request bodies above this are refused with 413. */
const MAX_JSON_BODY = '256kb'

export interface ApiState {
  principal: Principal
}

export type ApiRouter = Router<ApiState>

/** The HTTP API and the UI. Routes stay thin: validate, authorize, call the node, present. */
export function createApp(node: WissensnetzNode): Koa<ApiState> {
  const app = new Koa<ApiState>()
  app.proxy = false
  // Koa's default handler prints every error; a client that closes an event stream is not one.
  app.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ERR_STREAM_PREMATURE_CLOSE' || err.code === 'ECONNRESET' || err.code === 'EPIPE') return
    log.error('http error', err)
  })
  app.use(errorMiddleware)
  app.use(loopbackOnly)
  app.use(async (ctx, next) => {
    // Until login exists every request acts as the local operator (see README: access).
    ctx.state.principal = LOCAL_OPERATOR
    ctx.set('X-Content-Type-Options', 'nosniff')
    await next()
  })
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: MAX_JSON_BODY, encoding: 'utf-8' }))
  const router: ApiRouter = new Router<ApiState>()
  statusRoutes(router, node)
  searchRoutes(router, node)
  sourceRoutes(router, node)
  documentRoutes(router, node)
  uiRoutes(router)
  app.use(router.routes())
  app.use(router.allowedMethods())
  app.use(async (ctx) => {
    ctx.status = 404
    ctx.body = { error: { code: 'not_found', message: ctx.path.startsWith('/api/') ? 'Unbekannter API-Pfad.' : 'Seite nicht gefunden.' } }
  })
  return app
}
