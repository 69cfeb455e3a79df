import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createRouter } from '../api/app.ts'
import type { HttpServer } from '../api/server.ts'
import type { WissensnetzNode } from '../node.ts'
import { openTestNode, serveTestNode } from '../test/helpers.ts'
import { type Actor, authorize, can, OPERATOR, principalOf, type UserActor } from './index.ts'
import { policyForRoute } from './routes.ts'

const user = (roles: UserActor['roles'], groups: string[] = []): UserActor => ({
  kind: 'user',
  id: 1,
  username: 'mueller',
  displayName: 'Anna Müller',
  roles,
  groups,
})

test('roles build on each other: admin ⊃ author ⊃ reader; dpo stands apart', () => {
  const reader = user(['reader'])
  const author = user(['author'])
  const admin = user(['admin'])
  const dpo = user(['dpo'])
  assert.ok(can(reader, 'knowledge:use'))
  assert.not.ok(can(reader, 'agent:edit'))
  assert.ok(can(author, 'agent:edit') && can(author, 'knowledge:use'))
  assert.not.ok(can(author, 'source:manage'))
  assert.ok(can(admin, 'source:manage') && can(admin, 'user:manage') && can(admin, 'agent:edit'))
  assert.ok(can(dpo, 'privacy:read'))
  assert.not.ok(can(dpo, 'knowledge:use'))
  assert.not.ok(can(reader, 'privacy:read'))
  assert.throws(
    () => authorize(reader, 'user:manage'),
    (err: Error) => err.name === 'ForbiddenError',
  )
})

test("tokens: one's own, or anyone's for an admin", () => {
  assert.ok(can(user(['reader']), 'token:manage', { owner: 'mueller' }))
  assert.not.ok(can(user(['reader']), 'token:manage', { owner: 'schmidt' }))
  assert.ok(can(user(['admin']), 'token:manage', { owner: 'schmidt' }))
})

test('a user searches as themselves and their groups; no role sees everything; only the local operator does', () => {
  assert.equal(principalOf(user(['admin'], ['bauamt', 'kasse'])), { principals: ['user:mueller', 'group:bauamt', 'group:kasse'] })
  assert.not.ok(principalOf(user(['admin', 'dpo'])).all === true)
  assert.ok(principalOf(OPERATOR).all === true)
  const anonymous: Actor = { kind: 'anonymous' }
  assert.equal(principalOf(anonymous), { principals: [] })
  assert.not.ok(can(anonymous, 'knowledge:use'))
})

let node: WissensnetzNode
let server: HttpServer
let base: string

test.before(async () => {
  node = await openTestNode()
  ;({ server, base } = await serveTestNode(node))
})

test.after(async () => {
  await server.stop()
  await node.close()
})

/** Every route the router registers, as [method, path template]. */
function registeredApiRoutes(): Array<[string, string]> {
  const routes: Array<[string, string]> = []
  for (const layer of createRouter(node).stack) {
    if (typeof layer.path !== 'string' || !layer.path.startsWith('/api/')) continue
    for (const method of layer.methods) if (method !== 'HEAD') routes.push([method, layer.path])
  }
  return routes
}

test('every registered API route has an entry in the route table (policy/routes.ts)', () => {
  const routes = registeredApiRoutes()
  assert.ok(routes.length > 30, `routes found: ${routes.length}`)
  const unlisted = routes.filter(([method, path]) => policyForRoute(method, path) === null).map((r) => r.join(' '))
  assert.equal(unlisted, [], `add these to policy/routes.ts: ${unlisted.join(', ')}`)
})

test('every protected API route answers 401 unauthenticated without credentials', async () => {
  const open: string[] = []
  for (const [method, path] of registeredApiRoutes()) {
    if (policyForRoute(method, path)?.kind === 'public') continue
    const url = `${base}${path.replace(/:(\w+)/g, '1')}`
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      ...(method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }),
    })
    const body = await res.text()
    if (res.status !== 401 || !body.includes('"unauthenticated"')) open.push(`${method} ${path} → ${res.status}`)
  }
  assert.equal(open, [], `answered without login: ${open.join(', ')}`)
})

test('an expired, unknown or forged session cookie is a 401, not a fallback to anything', async () => {
  for (const cookie of ['wn_session=erfunden', 'wn_session=']) {
    const res = await fetch(`${base}/api/status`, { headers: { cookie } })
    assert.is(res.status, 401, cookie)
  }
})

test.run()
