import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { WissensnetzNode } from '../node.ts'
import { resolveDataDir } from '../store/datadir.ts'
import { tempDir } from '../test/helpers.ts'

const CLI = fileURLToPath(new URL('../../bin/wissensnetz.js', import.meta.url))

function run(data: string, args: string[], input?: string) {
  const result = spawnSync(process.execPath, [CLI, '--data', data, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WISSENSNETZ_LOG: 'silent' },
    ...(input === undefined ? {} : { input }),
  })
  return { code: result.status, out: result.stdout, err: result.stderr }
}

test('users, groups and tokens from the command line; passwords and tokens are shown once', async () => {
  const data = tempDir('cli-users')
  const admin = run(data, ['users', 'add', 'Chefin', '--roles', 'reader,admin', '--groups', 'leitung'])
  assert.is(admin.code, 0, admin.err)
  const generated = /Passwort \(wird nur jetzt angezeigt\): (\S+)/.exec(admin.out)?.[1] ?? ''
  assert.is(generated.length, 16, admin.out)

  const reader = run(data, ['users', 'add', 'mueller', '--groups', 'bauamt,kasse', '--password-stdin'], 'Mein-Passwort-2024\n')
  assert.is(reader.code, 0, reader.err)
  assert.not.match(reader.out, /Passwort/, 'a password from stdin is not echoed')
  const short = run(data, ['users', 'add', 'kurz', '--password-stdin'], 'kurz\n')
  assert.is(short.code, 1)
  assert.match(short.err, /mindestens 10 Zeichen/)

  const users = JSON.parse(run(data, ['users', 'list', '--json']).out) as Array<{ username: string; roles: string[]; groups: string[] }>
  assert.equal(
    users.map((u) => [u.username, u.roles, u.groups]),
    [
      ['chefin', ['reader', 'admin'], ['leitung']],
      ['mueller', ['reader'], ['bauamt', 'kasse']],
    ],
  )
  const groups = run(data, ['groups', 'list'])
  assert.match(groups.out, /bauamt\t1 Mitglieder/)
  assert.is(run(data, ['groups', 'add', 'personal', '--description', 'Personalamt']).code, 0)
  assert.is(run(data, ['groups', 'remove', 'kasse']).code, 0)

  const created = run(data, ['tokens', 'create', '--user', 'mueller', '--name', 'Import-Skript'])
  assert.is(created.code, 0, created.err)
  const token = /^(wn_\S+)$/m.exec(created.out)?.[1] ?? ''
  assert.ok(token !== '', created.out)
  const tokens = JSON.parse(run(data, ['tokens', 'list', '--json']).out) as Array<{ id: number; prefix: string; name: string }>
  assert.is(tokens.length, 1)
  assert.ok(token.startsWith(tokens[0]?.prefix as string))

  const node = await WissensnetzNode.open({ dataDir: resolveDataDir(data), exclusive: false, models: false })
  try {
    const mueller = node.auth.fromToken(token)
    assert.equal(mueller?.actor.groups, ['bauamt'], 'the token acts as mueller, without the removed group')
    assert.ok(await node.auth.login('chefin', generated, '127.0.0.1'), 'the printed password works')
  } finally {
    await node.close()
  }

  assert.is(run(data, ['tokens', 'revoke', String(tokens[0]?.id)]).code, 0)
  assert.match(run(data, ['tokens', 'list']).out, /Keine Tokens/)
  const last = run(data, ['users', 'remove', 'chefin'])
  assert.is(last.code, 1, 'the last administrator stays')
  assert.match(last.err, /mindestens eine aktive Person/)
  assert.is(run(data, ['users', 'remove', 'mueller']).code, 0)
})

test.run()
