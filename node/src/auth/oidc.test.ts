import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createServer as createNetServer } from 'node:net'
import { HttpServer } from '../api/server.ts'
import { addSource } from '../ingest/add-source.ts'
import { WissensnetzNode } from '../node.ts'
import { resolveDataDir } from '../store/datadir.ts'
import { tempDir, writeFiles } from '../test/helpers.ts'
import { TestOidcProvider } from './oidc-fixture.ts'

const SECRET_ENV = 'WN_TEST_OIDC_SECRET'
const provider = new TestOidcProvider('wissensnetz', 'geheim-für-tests')
let node: WissensnetzNode
let server: HttpServer
let base: string

async function freePort(): Promise<number> {
  const probe = createNetServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as { port: number }).port
  await new Promise((resolve) => probe.close(resolve))
  return port
}

test.before(async () => {
  const issuer = await provider.start()
  process.env[SECRET_ENV] = provider.clientSecret
  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  const docs = tempDir('oidc-docs')
  writeFiles(docs, { 'Bauamt/carport.txt': 'Carport Genehmigung im Bauamt.', 'Kasse/mahnung.txt': 'Carport Mahnung der Stadtkasse.' })
  node = await WissensnetzNode.open({
    dataDir: resolveDataDir(tempDir('oidc-data')),
    exclusive: true,
    models: false,
    configOverrides: (c) => ({
      ...c,
      ingest: { ...c.ingest, watch: false, rescanIntervalMinutes: 0, ocr: false },
      auth: {
        ...c.auth,
        oidc: {
          issuer,
          clientId: provider.clientId,
          clientSecretEnv: SECRET_ENV,
          redirectUri: `${base}/api/auth/oidc/callback`,
          scopes: 'openid profile',
          usernameClaim: 'preferred_username',
          groupsClaim: 'groups',
          roleMapping: { reader: ['*'], author: ['redaktion'], admin: [], dpo: [] },
          label: 'Mit Kreis-Konto anmelden',
        },
      },
    }),
  })
  addSource(node.sources, {
    kind: 'folder',
    location: docs,
    name: 'Ablage',
    options: {
      access: [
        { pattern: 'Bauamt/**', groups: ['bauamt'] },
        { pattern: 'Kasse/**', groups: ['kasse'] },
      ],
    },
  })
  await node.scheduler.triggerAll()
  server = new HttpServer(node, '127.0.0.1', port)
  await server.start()
})

test.after(async () => {
  await server.stop()
  await node.close()
  await provider.stop()
})

const cookieOf = (res: Response, name: string): string | undefined =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] as string)
    .find((c) => c.startsWith(`${name}=`) && c.length > name.length + 1)

/** Runs the browser's part: login → provider → callback, carrying the state cookie. */
async function signIn(options: { dropStateCookie?: boolean } = {}): Promise<Response> {
  const start = await fetch(`${base}/api/auth/oidc/login`, { redirect: 'manual' })
  assert.is(start.status, 302)
  const stateCookie = cookieOf(start, 'wn_oidc')
  assert.ok(stateCookie, 'the state cookie is set')
  const authorize = new URL(start.headers.get('location') ?? '')
  assert.is(authorize.origin, provider.issuer)
  assert.is(authorize.searchParams.get('code_challenge_method'), 'S256')
  const atProvider = await fetch(authorize, { redirect: 'manual' })
  assert.is(atProvider.status, 302)
  const callback = atProvider.headers.get('location') ?? ''
  assert.ok(callback.startsWith(`${base}/api/auth/oidc/callback?`))
  return fetch(callback, { redirect: 'manual', headers: options.dropStateCookie ? {} : { cookie: stateCookie as string } })
}

test('the login page learns that single sign-on is offered', async () => {
  const info = (await (await fetch(`${base}/api/auth/oidc/info`)).json()) as { enabled: boolean; label: string }
  assert.equal(info, { enabled: true, label: 'Mit Kreis-Konto anmelden' })
})

test('single sign-on creates the user from the ID token, maps groups and roles, and opens a session', async () => {
  provider.next = { sub: 'kc-0001', preferred_username: 'B.Schmidt', name: 'Berta Schmidt', groups: ['/myk/bauamt', 'redaktion'] }
  const done = await signIn()
  assert.is(done.status, 302)
  assert.is(done.headers.get('location'), '/')
  const session = cookieOf(done, 'wn_session')
  assert.ok(session, 'a session cookie is set')
  const me = (await (await fetch(`${base}/api/auth/me`, { headers: { cookie: session as string } })).json()) as {
    user: { username: string; displayName: string; roles: string[]; groups: string[] }
    csrfToken: string
  }
  assert.equal(me.user, {
    username: 'b.schmidt',
    displayName: 'Berta Schmidt',
    roles: ['reader', 'author'],
    groups: ['bauamt', 'redaktion'],
  })
  const search = (await (
    await fetch(`${base}/api/search`, {
      method: 'POST',
      headers: { cookie: session as string, 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' },
      body: '{"query":"Carport"}',
    })
  ).json()) as { hits: Array<{ path: string }> }
  assert.equal(
    search.hits.map((h) => h.path),
    ['Bauamt/carport.txt'],
    'the groups from the identity provider decide what is visible',
  )
  const stored = node.auth.users.get('b.schmidt')
  assert.is(stored.source, 'oidc')
  assert.is(stored.passwordHash, null)
  try {
    await node.auth.accounts.setPassword('b.schmidt', 'Umgehung-des-SSO-1')
    assert.unreachable('a single-sign-on account got a local password')
  } catch (err) {
    assert.is((err as Error).name, 'ValidationError')
  }
})

test('the identity provider stays the authority: a later login updates groups and roles', async () => {
  provider.next = { sub: 'kc-0001', preferred_username: 'b.schmidt', name: 'Berta Schmidt', groups: ['kasse'] }
  assert.is((await signIn()).status, 302)
  const user = node.auth.users.get('b.schmidt')
  assert.equal([user.roles, user.groups], [['reader'], ['kasse']])
})

test("a callback without the browser's state cookie, a wrong nonce, a foreign audience or a forged signature fail", async () => {
  provider.next = { sub: 'kc-0002', preferred_username: 'c.wagner', groups: [] }
  const noCookie = await signIn({ dropStateCookie: true })
  assert.is(noCookie.status, 401)
  assert.is(((await noCookie.json()) as { error: { code: string } }).error.code, 'oidc_failed')
  for (const tamper of ['wrong-nonce', 'wrong-audience', 'bad-signature'] as const) {
    provider.tamper = tamper
    const res = await signIn()
    assert.is(res.status, 401, tamper)
    assert.is(cookieOf(res, 'wn_session'), undefined, `${tamper}: no session`)
  }
  provider.tamper = 'none'
  assert.is(node.auth.users.find('c.wagner'), null, 'no account was created')
})

test('single sign-on never takes over a local account of the same name', async () => {
  await node.auth.accounts.createUser({ username: 'd.local', password: 'Lokales-Passwort-1', roles: ['admin'], groups: [] })
  provider.next = { sub: 'kc-0003', preferred_username: 'd.local', groups: [] }
  const res = await signIn()
  assert.is(res.status, 409)
  assert.is(node.auth.users.get('d.local').source, 'local')
})

test('a browser that fails the login gets a German page it can act on', async () => {
  const res = await fetch(`${base}/api/auth/oidc/callback?code=x&state=y`, { headers: { accept: 'text/html' } })
  assert.is(res.status, 401)
  assert.match(await res.text(), /Anmeldung fehlgeschlagen/)
})

test.run()
