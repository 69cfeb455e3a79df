import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { WissensnetzNode } from '../node.ts'
import { openTestNode } from '../test/helpers.ts'
import { accountFromClaims, type OidcSettings } from './oidc-claims.ts'
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts'
import { LoginRateLimiter } from './rate-limit.ts'
import { SessionStore } from './sessions.ts'

test('passwords are stored as salted scrypt hashes and verified in constant time', async () => {
  const hash = await hashPassword('Bürgerbüro-Öffnung 2024')
  assert.match(hash, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
  assert.not.ok(hash.includes('Bürgerbüro'))
  assert.ok(await verifyPassword('Bürgerbüro-Öffnung 2024', hash))
  assert.ok(await verifyPassword('Bu\u0308rgerbu\u0308ro-O\u0308ffnung 2024', hash), 'umlauts typed decomposed still match (NFC)')
  assert.not.ok(await verifyPassword('bürgerbüro-öffnung 2024', hash))
  assert.not.ok(await verifyPassword('x', 'kaputt'))
  assert.not.ok(await verifyPassword('x', 'scrypt$0$8$1$abc$def'))
  assert.is.not(await hashPassword('gleich-gleich'), await hashPassword('gleich-gleich'), 'a fresh salt each time')
})

test('generated passwords are long and avoid characters that are easily confused', () => {
  const seen = new Set<string>()
  for (let i = 0; i < 50; i++) {
    const password = generatePassword()
    assert.is(password.length, 16)
    assert.not.match(password, /[0O1lI]/)
    seen.add(password)
  }
  assert.is(seen.size, 50)
})

test('the login limiter blocks a username+address after 5 failures until the window ends, and an address after 50', () => {
  let now = 0
  const limiter = new LoginRateLimiter({ now: () => now })
  for (let i = 0; i < 5; i++) {
    limiter.check('mueller', '10.0.0.1')
    limiter.fail('mueller', '10.0.0.1')
  }
  assert.throws(
    () => limiter.check('mueller', '10.0.0.1'),
    (err: Error) => err.name === 'TooManyAttemptsError',
  )
  limiter.check('mueller', '10.0.0.2')
  limiter.check('schmidt', '10.0.0.1')
  now += 14 * 60_000
  assert.throws(
    () => limiter.check('MUELLER', '10.0.0.1'),
    (err: { retryAfterSeconds: number }) => err.retryAfterSeconds === 60,
  )
  now += 60_000
  limiter.check('mueller', '10.0.0.1')

  for (let i = 0; i < 50; i++) limiter.fail(`user${i}`, '10.0.0.3')
  assert.throws(
    () => limiter.check('jemand', '10.0.0.3'),
    (err: Error) => err.name === 'TooManyAttemptsError',
  )
})

test('the limiter keeps a bounded number of counters', () => {
  const limiter = new LoginRateLimiter({ maxKeys: 10 })
  for (let i = 0; i < 100; i++) limiter.fail(`user${i}`, `10.0.${i}.1`)
  assert.ok((limiter as unknown as { windows: Map<string, unknown> }).windows.size <= 10)
})

let node: WissensnetzNode

test.before(async () => {
  node = await openTestNode()
})

test.after(async () => {
  await node.close()
})

test('sessions end after the idle time and after the maximum age, and only their hash is stored', async () => {
  let now = 1_000_000
  const sessions = new SessionStore(node.db, { maxAgeMs: 10 * 60_000, idleMs: 3 * 60_000 }, () => now)
  const { user } = await node.auth.accounts.createUser({ username: 'sitzung', passwordless: true, roles: ['reader'], groups: [] })
  const session = sessions.create(user.id)
  const stored = JSON.stringify(node.db.prepare('SELECT * FROM sessions').all())
  assert.not.ok(stored.includes(session.id), 'the cookie value is not in the database')
  for (let i = 0; i < 3; i++) {
    now += 2 * 60_000
    assert.ok(sessions.resolve(session.id) !== null, 'active within the idle time')
  }
  now += 5 * 60_000
  assert.is(sessions.resolve(session.id), null, 'past the maximum age')

  const idle = sessions.create(user.id)
  now += 3 * 60_000
  assert.is(sessions.resolve(idle.id), null, 'idle too long')
})

const settings: OidcSettings = {
  issuer: 'https://sso.example.de/realms/myk',
  clientId: 'wissensnetz',
  clientSecretEnv: null,
  redirectUri: 'https://wissen.example.de/api/auth/oidc/callback',
  scopes: 'openid',
  usernameClaim: 'preferred_username',
  groupsClaim: 'groups',
  roleMapping: { reader: ['*'], author: ['redaktion'], admin: ['it'], dpo: [] },
  label: 'Anmelden',
}

test('single sign-on claims map to username, groups (Keycloak paths too) and roles', () => {
  const account = accountFromClaims(
    {
      iss: settings.issuer,
      sub: 'abc-123',
      preferred_username: 'A.Mueller',
      name: 'Anna Müller',
      groups: ['/kommune/bauamt', 'redaktion', 'kein gültiger Name!'],
    },
    settings,
  )
  assert.equal(account, {
    subject: 'https://sso.example.de/realms/myk abc-123',
    username: 'a.mueller',
    displayName: 'Anna Müller',
    groups: ['bauamt', 'redaktion'],
    roles: ['reader', 'author'],
  })
  assert.is(accountFromClaims({ preferred_username: 'x' }, settings), null, 'no subject, no account')
  const noReader = accountFromClaims(
    { sub: 's', preferred_username: 'b' },
    { ...settings, roleMapping: { ...settings.roleMapping, reader: ['alle'] } },
  )
  assert.equal(noReader?.roles, [], 'roles only through the mapping')
  assert.is(accountFromClaims({ sub: 's', preferred_username: 'Leer Zeichen', email: 'b@x.de' }, settings)?.username, 'b@x.de')
})

test.run()
