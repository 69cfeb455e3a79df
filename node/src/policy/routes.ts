import type { PlainAction } from './rules.ts'

/**
 * What each API route requires. `public`: no login (health, login, single sign-on). `signed-in`: any signed-in
 * person; the route authorizes against its target itself (own tokens, own password). `action`: the rule in
 * rules.ts. A route missing here is treated as admin-only, and policy.test.ts fails until it is listed.
 */
export type RoutePolicy = { kind: 'public' } | { kind: 'signed-in' } | { kind: 'action'; action: PlainAction }

const PUBLIC: RoutePolicy = { kind: 'public' }
const SIGNED_IN: RoutePolicy = { kind: 'signed-in' }
const action = (a: PlainAction): RoutePolicy => ({ kind: 'action', action: a })

/** Paths below this prefix are public even when no route matches (the identity provider's redirects). */
export const PUBLIC_PREFIX = '/api/auth/oidc/'

/** Fallback for routes not listed: only administrators. */
export const UNLISTED_ROUTE: RoutePolicy = action('node:administer')

const ROUTES: Record<string, RoutePolicy> = {
  'GET /api/health': PUBLIC,
  'POST /api/auth/login': PUBLIC,
  'GET /api/auth/oidc/info': PUBLIC,
  'GET /api/auth/oidc/login': PUBLIC,
  'GET /api/auth/oidc/callback': PUBLIC,
  'GET /api/auth/me': SIGNED_IN,
  'POST /api/auth/logout': SIGNED_IN,
  'POST /api/auth/password': SIGNED_IN,

  'GET /api/status': action('status:read'),
  'POST /api/search': action('knowledge:use'),
  'GET /api/documents/:id': action('knowledge:use'),
  'POST /api/ask': action('knowledge:use'),
  'GET /api/conversations': action('knowledge:use'),
  'GET /api/conversations/:id': action('knowledge:use'),
  'DELETE /api/conversations/:id': action('knowledge:use'),

  'GET /api/agents': action('knowledge:use'),
  'GET /api/agents/:id': action('knowledge:use'),
  'GET /api/agents/:id/versions': action('knowledge:use'),
  'GET /api/agents/:id/versions/:version': action('knowledge:use'),
  'GET /api/agents/:id/export': action('knowledge:use'),
  'POST /api/agents': action('agent:edit'),
  'PUT /api/agents/:id': action('agent:edit'),
  'DELETE /api/agents/:id': action('agent:edit'),
  'POST /api/agents/import': action('agent:edit'),
  'POST /api/agents/:id/fork': action('agent:edit'),
  'GET /api/agents/scope-bindings': action('agent:edit'),
  'PUT /api/agents/scope-bindings': action('agent:bind-scopes'),

  'GET /api/sources': action('source:manage'),
  'POST /api/sources': action('source:manage'),
  'DELETE /api/sources/:id': action('source:manage'),
  'POST /api/sources/:id/ingest': action('source:manage'),
  'GET /api/errors': action('source:manage'),
  'GET /api/ingest/progress': action('source:manage'),
  'GET /api/ingest/events': action('source:manage'),

  'GET /api/network/peers': action('network:use'),
  'GET /api/network/catalog': action('network:use'),
  'GET /api/network/catalog/:agentId': action('network:use'),
  'POST /api/network/catalog/publish': action('agent:publish'),
  'POST /api/network/catalog/:agentId/withdraw': action('agent:publish'),
  'POST /api/network/catalog/:agentId/import': action('agent:edit'),
  'POST /api/network/catalog/:agentId/update': action('agent:edit'),
  'POST /api/network/query/preview': action('network:use'),
  'POST /api/network/query': action('network:use'),
  'GET /api/network/exchanges': action('privacy:read'),
  'GET /api/network/stats': action('network:manage'),

  'GET /api/users': action('user:manage'),
  'POST /api/users': action('user:manage'),
  'PATCH /api/users/:username': action('user:manage'),
  'DELETE /api/users/:username': action('user:manage'),
  'GET /api/groups': action('group:manage'),
  'POST /api/groups': action('group:manage'),
  'DELETE /api/groups/:name': action('group:manage'),
  'GET /api/tokens': SIGNED_IN,
  'POST /api/tokens': SIGNED_IN,
  'DELETE /api/tokens/:id': SIGNED_IN,
}

/** The policy of a route by method and path template (as registered: "/api/agents/:id"); null when unlisted. */
export function policyForRoute(method: string, template: string): RoutePolicy | null {
  const verb = method === 'HEAD' ? 'GET' : method
  return ROUTES[`${verb} ${template}`] ?? null
}
