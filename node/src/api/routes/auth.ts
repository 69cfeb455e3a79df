import { type AuthResponse, changePasswordRequestSchema, loginRequestSchema, type OidcInfoResponse } from '@wissensnetz/protocol'
import type { Context } from 'koa'
import { OIDC_PENDING_LOGIN_MS, OIDC_STATE_COOKIE } from '../../auth/constants.ts'
import { clearSessionCookie, type CookieOptions, setCookie, setSessionCookie } from '../../auth/cookies.ts'
import { OidcError, TooManyAttemptsError, UnauthenticatedError } from '../../auth/index.ts'
import { presentSessionUser } from '../../auth/presenters.ts'
import type { UserRecord } from '../../auth/users.ts'
import type { WissensnetzNode } from '../../node.ts'
import type { UserActor } from '../../policy/index.ts'
import type { ApiRouter, ApiState } from '../app.ts'
import { validate } from '../errors.ts'

const OIDC_CALLBACK_PATH = '/api/auth/oidc/'
const DEFAULT_OIDC_LABEL = 'Mit Dienstkonto anmelden'

/** The signed-in person, or 401 (also for the local operator: these routes are about a person). */
export function signedInUser(state: ApiState): UserActor {
  if (state.actor.kind !== 'user') throw new UnauthenticatedError()
  return state.actor
}

/** Login with password or single sign-on, the current session, logout, own password. */
export function authRoutes(router: ApiRouter, node: WissensnetzNode): void {
  const cookies: CookieOptions = { secureCookies: node.config.server.secureCookies }

  router.post('/api/auth/login', async (ctx) => {
    const request = validate(loginRequestSchema, ctx.request.body)
    try {
      const { user, session } = await node.auth.login(request.username, request.password, ctx.ip)
      setSessionCookie(ctx, session.id, session.expiresAtMs, cookies)
      ctx.body = response(user, session.csrfToken)
    } catch (err) {
      if (err instanceof TooManyAttemptsError) ctx.set('Retry-After', String(err.retryAfterSeconds))
      throw err
    }
  })

  router.get('/api/auth/me', (ctx) => {
    const user = signedInUser(ctx.state)
    const credentials = ctx.state.credentials
    ctx.body = {
      user: presentSessionUser(user),
      csrfToken: credentials?.via === 'session' ? credentials.csrfToken : null,
    } satisfies AuthResponse
  })

  router.post('/api/auth/logout', (ctx) => {
    const credentials = ctx.state.credentials
    if (credentials?.via === 'session') node.auth.logout(credentials.sessionId)
    clearSessionCookie(ctx, cookies)
    ctx.status = 204
  })

  router.post('/api/auth/password', async (ctx) => {
    const user = signedInUser(ctx.state)
    const request = validate(changePasswordRequestSchema, ctx.request.body)
    const session = await node.auth.changePassword(user.username, request.currentPassword, request.newPassword, ctx.ip)
    setSessionCookie(ctx, session.id, session.expiresAtMs, cookies)
    ctx.body = response(node.auth.users.get(user.username), session.csrfToken)
  })

  router.get('/api/auth/oidc/info', (ctx) => {
    ctx.body = { enabled: node.oidc !== null, label: node.oidc?.settings.label ?? DEFAULT_OIDC_LABEL } satisfies OidcInfoResponse
  })

  router.get('/api/auth/oidc/login', async (ctx) => {
    const oidc = requireOidc(node)
    const { url, state } = await oidc.start()
    setCookie(ctx, OIDC_STATE_COOKIE, state, OIDC_PENDING_LOGIN_MS, cookies, OIDC_CALLBACK_PATH)
    ctx.redirect(url.href)
  })

  router.get('/api/auth/oidc/callback', async (ctx) => {
    const oidc = requireOidc(node)
    setCookie(ctx, OIDC_STATE_COOKIE, '', 0, cookies, OIDC_CALLBACK_PATH)
    try {
      const { session } = await oidc.finish(ctx.querystring, ctx.cookies.get(OIDC_STATE_COOKIE))
      setSessionCookie(ctx, session.id, session.expiresAtMs, cookies)
      ctx.redirect('/')
    } catch (err) {
      if (!(err instanceof OidcError) || !acceptsHtml(ctx)) throw err
      // A browser came here from the identity provider: a page it can act on rather than JSON.
      ctx.status = err.status
      ctx.type = 'html'
      ctx.body = failurePage(err.message)
    }
  })
}

function response(user: UserRecord, csrfToken: string): AuthResponse {
  return { user: presentSessionUser(user), csrfToken }
}

function requireOidc(node: WissensnetzNode) {
  if (node.oidc === null) throw new OidcError('oidc_disabled', 'Single Sign-on ist auf diesem Knoten nicht eingerichtet.', 404)
  return node.oidc
}

const acceptsHtml = (ctx: Context): boolean => ctx.accepts('json', 'html') === 'html'

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)

function failurePage(message: string): string {
  return `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Anmeldung fehlgeschlagen – Wissensnetz</title></head>
<body><main><h1>Anmeldung fehlgeschlagen</h1><p>${escapeHtml(message)}</p><p><a href="/">Zurück zur Anmeldung</a></p></main></body></html>`
}
