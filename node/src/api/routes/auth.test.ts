import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { addSource } from '../../ingest/add-source.ts'
import { WissensnetzNode } from '../../node.ts'
import { resolveDataDir } from '../../store/datadir.ts'
import { createTestToken, openTestNode, serveTestNode, tempDir, writeFiles } from '../../test/helpers.ts'
import type { HttpServer } from '../server.ts'

let node: WissensnetzNode
let server: HttpServer
let base: string
const PASSWORD = 'Rathaus-Schluessel-2024'

test.before(async () => {
  const docs = tempDir('auth-docs')
  writeFiles(docs, {
    'Bauamt/carport.txt': 'Carport Genehmigung: Ein Carport bis 30 Quadratmeter ist verfahrensfrei.',
    'Personal/gehalt.txt': 'Carport Zuschuss für Mitarbeitende des Personalamts.',
    'Allgemein/oeffnung.txt': 'Öffnungszeiten Carport Rathaus: montags bis freitags.',
  })
  node = await openTestNode()
  addSource(node.sources, {
    kind: 'folder',
    location: docs,
    name: 'Ablage',
    options: {
      access: [
        { pattern: 'Bauamt/**', groups: ['bauamt'] },
        { pattern: 'Personal/**', groups: ['personal'] },
      ],
    },
  })
  await node.scheduler.triggerAll()
  await node.auth.accounts.createUser({
    username: 'mueller',
    displayName: 'Anna Müller',
    password: PASSWORD,
    roles: ['reader'],
    groups: ['bauamt'],
  })
  await node.auth.accounts.createUser({ username: 'chefin', password: PASSWORD, roles: ['admin'], groups: [] })
  ;({ server, base } = await serveTestNode(node))
})

test.after(async () => {
  await server.stop()
  await node.close()
})

interface Session {
  cookie: string
  csrf: string
}

const json = { 'content-type': 'application/json' }

async function login(username: string, password = PASSWORD): Promise<Session> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ username, password }) })
  assert.is(res.status, 200, `login ${username}`)
  const setCookie = res.headers.get('set-cookie') ?? ''
  const body = (await res.json()) as { csrfToken: string }
  return { cookie: setCookie.split(';')[0] as string, csrf: body.csrfToken }
}

const call = (path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) =>
  fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : json), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    redirect: 'manual',
  })

const errorCode = async (res: Response): Promise<string> => ((await res.json()) as { error: { code: string } }).error.code

test('login sets an HttpOnly session cookie; me answers the user; logout ends the session', async () => {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ username: 'Mueller', password: PASSWORD }),
  })
  assert.is(res.status, 200)
  const cookie = res.headers.get('set-cookie') ?? ''
  assert.match(cookie, /^wn_session=[\w-]{20,};/)
  assert.match(cookie, /HttpOnly/)
  assert.match(cookie, /SameSite=Lax/)
  assert.not.match(cookie, /Secure/, 'plain http on loopback without secureCookies: no Secure flag')
  const body = (await res.json()) as { user: Record<string, unknown>; csrfToken: string }
  assert.equal(body.user, { username: 'mueller', displayName: 'Anna Müller', roles: ['reader'], groups: ['bauamt'] })
  assert.ok(body.csrfToken.length >= 20)
  const session = { cookie: cookie.split(';')[0] as string, csrf: body.csrfToken }

  const me = await call('/api/auth/me', { headers: { cookie: session.cookie } })
  assert.is(me.status, 200)
  assert.equal(((await me.json()) as { csrfToken: string }).csrfToken, session.csrf)

  const out = await call('/api/auth/logout', { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } })
  assert.is(out.status, 204)
  assert.match(out.headers.get('set-cookie') ?? '', /wn_session=;.*Max-Age=0/)
  const after = await call('/api/auth/me', { headers: { cookie: session.cookie } })
  assert.is(after.status, 401)
  assert.is(await errorCode(after), 'unauthenticated')
})

test('a wrong password and an unknown user get the same 401 invalid_credentials', async () => {
  for (const [username, password] of [
    ['mueller', 'falsch-falsch'],
    ['niemand', 'falsch-falsch'],
  ]) {
    const res = await call('/api/auth/login', { method: 'POST', body: { username, password }, headers: { 'x-forwarded-for': '10.0.0.9' } })
    assert.is(res.status, 401)
    const error = ((await res.json()) as { error: { code: string; message: string } }).error
    assert.is(error.code, 'invalid_credentials')
    assert.match(error.message, /Benutzername oder Passwort/)
  }
})

test('after 5 failed logins for a username the sixth is refused with 429 and Retry-After, even with the right password', async () => {
  await node.auth.accounts.createUser({ username: 'ziel', password: PASSWORD, roles: ['reader'], groups: [] })
  for (let i = 0; i < 5; i++) {
    const res = await call('/api/auth/login', { method: 'POST', body: { username: 'ziel', password: `geraten-${i}-xyz` } })
    assert.is(res.status, 401)
  }
  const blocked = await call('/api/auth/login', { method: 'POST', body: { username: 'ziel', password: PASSWORD } })
  assert.is(blocked.status, 429)
  assert.is(await errorCode(blocked), 'too_many_attempts')
  const retryAfter = Number(blocked.headers.get('retry-after'))
  assert.ok(retryAfter > 800 && retryAfter <= 900, `Retry-After ${retryAfter} s within the 15-minute window`)
  const other = await login('mueller')
  assert.ok(other.cookie !== '', 'another username from the same address still logs in')
})

test('cookie sessions need the CSRF token for changes; API tokens do not', async () => {
  const session = await login('chefin')
  const body = { name: 'csrf-probe', roles: ['reader'] }
  const without = await call('/api/groups', { method: 'POST', headers: { cookie: session.cookie }, body })
  assert.is(without.status, 403)
  assert.is(await errorCode(without), 'csrf_failed')
  const wrong = await call('/api/groups', { method: 'POST', headers: { cookie: session.cookie, 'x-csrf-token': 'falsch' }, body })
  assert.is(await errorCode(wrong), 'csrf_failed')
  const reads = await call('/api/groups', { headers: { cookie: session.cookie } })
  assert.is(reads.status, 200, 'reading needs no CSRF token')
  const withToken = await call('/api/groups', {
    method: 'POST',
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
    body: { name: 'csrf-probe' },
  })
  assert.is(withToken.status, 201)

  const bearer = await createTestToken(node, { roles: ['admin'] })
  const viaToken = await call('/api/groups', { method: 'POST', headers: bearer, body: { name: 'token-probe' } })
  assert.is(viaToken.status, 201)
})

test("API tokens: created once in clear, listed by prefix and use, revoked tokens get 401; others' tokens stay hidden", async () => {
  const session = await login('mueller')
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf }
  const created = await call('/api/tokens', { method: 'POST', headers, body: { name: 'Skript Bauakten' } })
  assert.is(created.status, 201)
  const { token, info } = (await created.json()) as { token: string; info: { id: number; prefix: string; username: string } }
  assert.match(token, /^wn_[\w-]{40,}$/)
  assert.ok(token.startsWith(info.prefix))
  assert.is(info.username, 'mueller')

  const used = await call('/api/search', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: { query: 'Carport' } })
  assert.is(used.status, 200)
  const listed = (await (await call('/api/tokens', { headers })).json()) as { tokens: Array<Record<string, unknown>> }
  assert.is(listed.tokens.length, 1, 'a reader lists only own tokens')
  assert.is(listed.tokens[0]?.name, 'Skript Bauakten')
  assert.ok(listed.tokens[0]?.lastUsedAt !== null, 'last use recorded')
  assert.not.ok(JSON.stringify(listed).includes(token), 'the token itself is never listed')

  const forOther = await call('/api/tokens', { method: 'POST', headers, body: { username: 'chefin' } })
  assert.is(forOther.status, 403, 'a reader cannot create tokens for someone else')
  const admin = await createTestToken(node, { roles: ['admin'] })
  const adminToken = ((await (await call('/api/tokens', { method: 'POST', headers: admin, body: {} })).json()) as { info: { id: number } })
    .info
  const foreign = await call(`/api/tokens/${adminToken.id}`, { method: 'DELETE', headers })
  assert.is(foreign.status, 404, "someone else's token looks missing to a reader")
  const all = (await (await call('/api/tokens', { headers: admin })).json()) as { tokens: Array<{ username: string }> }
  assert.ok(
    all.tokens.some((t) => t.username === 'mueller'),
    'an admin lists every token',
  )

  const revoked = await call(`/api/tokens/${info.id}`, { method: 'DELETE', headers })
  assert.is(revoked.status, 204)
  const after = await call('/api/search', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: { query: 'Carport' } })
  assert.is(after.status, 401)
  const garbage = await call('/api/status', { headers: { authorization: 'Bearer wn_erfunden' } })
  assert.is(garbage.status, 401)
})

test('roles per route: a reader cannot add sources, an author edits agents, an admin manages users', async () => {
  const reader = await createTestToken(node, { roles: ['reader'] })
  const author = await createTestToken(node, { roles: ['author'] })
  const admin = await createTestToken(node, { roles: ['admin'] })
  const source = { kind: 'folder', location: tempDir('auth-src'), name: 'Neu' }
  const denied = await call('/api/sources', { method: 'POST', headers: reader, body: source })
  assert.is(denied.status, 403)
  assert.is(await errorCode(denied), 'forbidden')
  assert.is((await call('/api/sources', { headers: author })).status, 403)
  assert.is((await call('/api/sources', { method: 'POST', headers: admin, body: source })).status, 201)

  const agent = { name: 'Vermerk', category: 'Allgemein', instructions: 'Schreibe einen Vermerk.' }
  assert.is((await call('/api/agents', { method: 'POST', headers: reader, body: agent })).status, 403)
  const created = await call('/api/agents', { method: 'POST', headers: author, body: agent })
  assert.is(created.status, 201)
  const id = ((await created.json()) as { id: string }).id
  assert.is((await call(`/api/agents/${id}`, { headers: reader })).status, 200, 'readers use agents')
  const edited = await call(`/api/agents/${id}`, {
    method: 'PUT',
    headers: author,
    body: { ...agent, name: 'Vermerk kurz', baseVersion: 1 },
  })
  assert.is(edited.status, 200, await edited.clone().text())

  assert.is((await call('/api/users', { headers: author })).status, 403)
  const user = await call('/api/users', {
    method: 'POST',
    headers: admin,
    body: { username: 'neu.kollege', roles: ['reader'], groups: ['kasse'] },
  })
  assert.is(user.status, 201)
  const createdUser = (await user.json()) as { user: { username: string; groups: string[] }; password: string }
  assert.equal(createdUser.user.groups, ['kasse'])
  assert.ok(createdUser.password.length >= 12, 'a generated password is returned once')
  const patched = await call('/api/users/neu.kollege', { method: 'PATCH', headers: admin, body: { roles: ['reader', 'author'] } })
  assert.equal(((await patched.json()) as { user: { roles: string[] } }).user.roles, ['reader', 'author'])
  const listed = (await (await call('/api/users', { headers: admin })).json()) as { users: Array<Record<string, unknown>> }
  assert.not.ok(JSON.stringify(listed).includes('scrypt'), 'password hashes never leave the node')
  assert.is((await call('/api/users/neu.kollege', { method: 'DELETE', headers: admin })).status, 204)
})

test('the last active administrator cannot be removed, disabled or demoted', async () => {
  const admin = await createTestToken(node, { roles: ['admin'], username: 'letzte.admin' })
  const others = node.auth.users.list().filter((u) => u.roles.includes('admin') && u.username !== 'letzte.admin' && !u.disabled)
  for (const other of others) node.auth.users.update(other.username, { disabled: true })
  try {
    const demote = await call('/api/users/letzte.admin', { method: 'PATCH', headers: admin, body: { roles: ['reader'] } })
    assert.is(demote.status, 409)
    assert.is(await errorCode(demote), 'last_admin')
    assert.is((await call('/api/users/letzte.admin', { method: 'PATCH', headers: admin, body: { disabled: true } })).status, 409)
    assert.is((await call('/api/users/letzte.admin', { method: 'DELETE', headers: admin })).status, 409)
    assert.ok(node.auth.users.get('letzte.admin').roles.includes('admin'), 'nothing changed')
  } finally {
    for (const other of others) node.auth.users.update(other.username, { disabled: false })
  }
})

test('search sees only documents of the user and their groups; the admin role widens nothing', async () => {
  const paths = async (headers: Record<string, string>) => {
    const res = await call('/api/search', { method: 'POST', headers, body: { query: 'Carport', limit: 10 } })
    assert.is(res.status, 200)
    return ((await res.json()) as { hits: Array<{ path: string }> }).hits.map((h) => h.path).sort()
  }
  const bauamt = await createTestToken(node, { groups: ['bauamt'] })
  const personal = await createTestToken(node, { groups: ['personal'] })
  const admin = await createTestToken(node, { roles: ['admin'] })
  assert.equal(await paths(bauamt), ['Allgemein/oeffnung.txt', 'Bauamt/carport.txt'])
  assert.equal(await paths(personal), ['Allgemein/oeffnung.txt', 'Personal/gehalt.txt'])
  assert.equal(await paths(admin), ['Allgemein/oeffnung.txt'])
  const session = await login('mueller')
  assert.equal(await paths({ cookie: session.cookie, 'x-csrf-token': session.csrf }), ['Allgemein/oeffnung.txt', 'Bauamt/carport.txt'])
})

test('a user changes their own password: the old one stops working, the new session works', async () => {
  await node.auth.accounts.createUser({ username: 'wechsel', password: PASSWORD, roles: ['reader'], groups: [] })
  const session = await login('wechsel')
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf }
  const wrong = await call('/api/auth/password', {
    method: 'POST',
    headers,
    body: { currentPassword: 'falsch-falsch', newPassword: 'Neues-Passwort-123' },
  })
  assert.is(wrong.status, 401)
  const changed = await call('/api/auth/password', {
    method: 'POST',
    headers,
    body: { currentPassword: PASSWORD, newPassword: 'Neues-Passwort-123' },
  })
  assert.is(changed.status, 200)
  assert.is((await call('/api/auth/me', { headers: { cookie: session.cookie } })).status, 401, 'the old session ended')
  const fresh = (changed.headers.get('set-cookie') ?? '').split(';')[0] as string
  assert.is((await call('/api/auth/me', { headers: { cookie: fresh } })).status, 200, 'the new session works')
  const old = await call('/api/auth/login', { method: 'POST', body: { username: 'wechsel', password: PASSWORD } })
  assert.is(old.status, 401)
  await login('wechsel', 'Neues-Passwort-123')
})

test('the web interface and health are public; unknown API paths need a login before they are 404', async () => {
  assert.is((await call('/')).status, 200)
  assert.is((await call('/api/health')).status, 200)
  assert.is((await call('/api/gibt-es-nicht')).status, 401)
  const reader = await createTestToken(node)
  assert.is((await call('/api/gibt-es-nicht', { headers: reader })).status, 404)
  const info = (await (await call('/api/auth/oidc/info')).json()) as { enabled: boolean }
  assert.is(info.enabled, false)
  assert.is((await call('/api/auth/oidc/login')).status, 404)
})

test('with server.secureCookies (TLS at a reverse proxy) the session cookie is marked Secure', async () => {
  const secure = await WissensnetzNode.open({
    dataDir: resolveDataDir(tempDir('auth-secure')),
    exclusive: true,
    models: false,
    configOverrides: (c) => ({ ...c, server: { ...c.server, secureCookies: true } }),
  })
  const proxied = await serveTestNode(secure)
  try {
    await secure.auth.accounts.createUser({ username: 'sicher', password: PASSWORD, roles: ['reader'], groups: [] })
    const res = await fetch(`${proxied.base}/api/auth/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: 'sicher', password: PASSWORD }),
    })
    assert.is(res.status, 200)
    assert.match(res.headers.get('set-cookie') ?? '', /; Secure/)
  } finally {
    await proxied.server.stop()
    await secure.close()
  }
})

test.run()
