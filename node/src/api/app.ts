import { bodyParser } from '@koa/bodyparser'
import Router from '@koa/router'
import Koa from 'koa'
import { logger } from '../log.ts'
import { warnIfExposed } from '../auth/exposure.ts'
import { type AuthState, authenticate } from '../auth/middleware.ts'
import type { WissensnetzNode } from '../node.ts'
import { errorMiddleware } from './errors.ts'
import { networkRoutes } from '../federation/routes.ts'
import { agentRoutes } from './routes/agents.ts'
import { answerRoutes } from './routes/answers.ts'
import { authRoutes } from './routes/auth.ts'
import { documentRoutes } from './routes/documents.ts'
import { searchRoutes } from './routes/search.ts'
import { sourceRoutes } from './routes/sources.ts'
import { statusRoutes } from './routes/status.ts'
import { uiRoutes } from './routes/ui.ts'
import { userRoutes } from './routes/users.ts'

const log = logger('node:api')

/** Request bodies above this are refused with 413. */
const MAX_JSON_BODY = '256kb'

/** Who is asking (actor, principal, credentials): set by the authentication middleware. */
export type ApiState = AuthState

export type ApiRouter = Router<ApiState>

/** The HTTP API and the UI. Routes stay thin: validate, authorize, call the node, present. */
export function createApp(node: WissensnetzNode): Koa<ApiState> {
  const app = new Koa<ApiState>()
  app.proxy = node.config.server.trustProxy
  warnIfExposed(node.config.server)
  // Koa's default handler prints every error; a client that closes an event stream is not one.
  app.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ERR_STREAM_PREMATURE_CLOSE' || err.code === 'ECONNRESET' || err.code === 'EPIPE') return
    log.error('http error', err)
  })
  app.use(errorMiddleware)
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff')
    await next()
  })
  const router = createRouter(node)
  // Every API route requires a session or an API token, except the public ones in policy/routes.ts.
  app.use(authenticate(node.auth, router))
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: MAX_JSON_BODY, encoding: 'utf-8' }))
  app.use(router.routes())
  app.use(router.allowedMethods())
  app.use(async (ctx) => {
    ctx.status = 404
    ctx.body = { error: { code: 'not_found', message: ctx.path.startsWith('/api/') ? 'Unbekannter API-Pfad.' : 'Seite nicht gefunden.' } }
  })
  return app
}

/** Every route of the node; policy/routes.ts says who may call each. */
export function createRouter(node: WissensnetzNode): ApiRouter {
  const router: ApiRouter = new Router<ApiState>()
  authRoutes(router, node)
  userRoutes(router, node)
  statusRoutes(router, node)
  searchRoutes(router, node)
  sourceRoutes(router, node)
  documentRoutes(router, node)
  networkRoutes(router, node)
  agentRoutes(router, node)
  answerRoutes(router, node)
  uiRoutes(router)
  return router
}
