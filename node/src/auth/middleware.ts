import type Router from '@koa/router'
import { CSRF_HEADER, SESSION_COOKIE } from '@wissensnetz/protocol'
import type { Context, Next } from 'koa'
import { type Actor, ANONYMOUS, authorize, principalOf } from '../policy/index.ts'
import { PUBLIC_PREFIX, policyForRoute, type RoutePolicy, UNLISTED_ROUTE } from '../policy/routes.ts'
import type { Principal } from '../store/access.ts'
import { CsrfError, UnauthenticatedError } from './errors.ts'
import { safeEqual } from './passwords.ts'
import type { AuthService } from './service.ts'

/** What the authentication middleware leaves in `ctx.state` for routes. */
export interface AuthState {
  actor: Actor
  /** whose documents searches may return (derived from the actor) */
  principal: Principal
  /** how the request was authenticated; null when it was not */
  credentials: { via: 'session'; sessionId: string; csrfToken: string } | { via: 'token' } | null
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const BEARER = /^Bearer\s+(\S+)$/i

/**
 * Resolves who is asking (API token in `Authorization: Bearer`, else the session cookie), refuses API requests
 * without valid credentials (401), checks the CSRF token of cookie-authenticated changes (403), and applies the
 * route's policy (403). Paths outside /api/ (the web interface) pass without login.
 */
export function authenticate(auth: AuthService, router: Router<AuthState>) {
  return async function authenticateRequest(ctx: Context, next: Next): Promise<void> {
    const state = ctx.state as AuthState
    const signedIn = resolve(auth, ctx)
    state.credentials = signedIn?.credentials ?? null
    state.actor = signedIn?.actor ?? ANONYMOUS
    if (!ctx.path.startsWith('/api/')) {
      state.principal = principalOf(state.actor)
      return next()
    }
    const policy = routePolicy(router, ctx)
    if (policy?.kind !== 'public' && !ctx.path.startsWith(PUBLIC_PREFIX)) {
      if (signedIn === null) throw new UnauthenticatedError()
      if (state.credentials?.via === 'session' && !SAFE_METHODS.has(ctx.method)) checkCsrf(ctx, state.credentials.csrfToken)
      if (policy?.kind === 'action') authorize(state.actor, policy.action)
    }
    state.principal = principalOf(state.actor)
    await next()
  }
}

function resolve(auth: AuthService, ctx: Context): { actor: Actor; credentials: NonNullable<AuthState['credentials']> } | null {
  const header = ctx.get('authorization')
  if (header !== '') {
    const token = BEARER.exec(header)?.[1]
    const signedIn = token === undefined ? null : auth.fromToken(token)
    return signedIn === null ? null : { actor: signedIn.actor, credentials: { via: 'token' } }
  }
  const sessionId = ctx.cookies.get(SESSION_COOKIE)
  if (sessionId === undefined || sessionId === '') return null
  const signedIn = auth.fromSession(sessionId)
  if (signedIn === null || signedIn.csrfToken === null) return null
  return { actor: signedIn.actor, credentials: { via: 'session', sessionId, csrfToken: signedIn.csrfToken } }
}

function checkCsrf(ctx: Context, expected: string): void {
  const sent = ctx.get(CSRF_HEADER)
  if (sent === '' || !safeEqual(sent, expected)) throw new CsrfError()
}

/**
 * The policy of the route that will answer this request (the first registered match, as the router runs it);
 * a route missing from the table is for administrators only; null when no route matches (404 after login).
 */
function routePolicy(router: Router<AuthState>, ctx: Context): RoutePolicy | null {
  // Only API routes count: the web interface's catch-all route also matches /api/… paths and passes them on.
  const layer = router
    .match(ctx.path, ctx.method)
    .pathAndMethod.find((l) => l.methods.length > 0 && (typeof l.path !== 'string' || l.path.startsWith('/api/')))
  if (layer === undefined) return null
  return (typeof layer.path === 'string' ? policyForRoute(ctx.method, layer.path) : null) ?? UNLISTED_ROUTE
}
