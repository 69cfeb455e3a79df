import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError } from '../../../errors.ts'
import { createMailConnector } from './index.ts'
import type { MailSourceOptions } from './index.ts'
import { resolveMailSource } from './options.ts'

function configProblems(options: MailSourceOptions, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    resolveMailSource(options, env)
  } catch (error) {
    assert.instance(error, ConfigError)
    return (error as ConfigError).problems
  }
  assert.unreachable('expected a ConfigError')
  return []
}

test('a mailbox without owner is refused unless it is shared with the groups', () => {
  try {
    createMailConnector({ location: '/srv/mail/archiv.mbox' })
    assert.unreachable('expected a ConfigError')
  } catch (error) {
    assert.is((error as ConfigError).code, 'config_invalid')
    assert.match((error as ConfigError).message, /Eigentümer/)
  }
  assert.ok(createMailConnector({ location: '/srv/mail/archiv.mbox', visibility: 'groups' }))
})

test('owner and delegates become principals, without duplicates', () => {
  const settings = resolveMailSource({ location: '/srv/mail/Maildir', owner: 'mueller', delegates: ['schmidt', 'mueller'] })
  assert.equal(settings.principals, ['user:mueller', 'user:schmidt'])
  assert.is(resolveMailSource({ location: '/srv/mail/Maildir', visibility: 'groups', owner: 'mueller' }).principals, undefined)
})

test('IMAP URL: user, port, mailbox and TLS mode are read from it; the password comes from the environment', () => {
  const settings = resolveMailSource(
    { location: 'imaps://poststelle%40rathaus.example@mail.rathaus.example/Gesendet', owner: 'mueller', passwordEnv: 'WN_IMAP_PW' },
    { WN_IMAP_PW: 'geheim' },
  )
  assert.equal(
    {
      user: settings.imap?.user,
      port: settings.imap?.port,
      secure: settings.imap?.secure,
      mailboxes: settings.imap?.mailboxes,
      password: settings.imap?.password,
    },
    { user: 'poststelle@rathaus.example', port: 993, secure: true, mailboxes: ['Gesendet'], password: 'geheim' },
  )
  const plain = resolveMailSource({ location: 'imap://alice@127.0.0.1:1143', owner: 'alice', password: 'x', tls: true })
  assert.equal([plain.imap?.port, plain.imap?.secure, plain.imap?.startTls, plain.imap?.mailboxes], [1143, false, true, ['INBOX']])
})

test('IMAP configuration problems are all reported, and no password is ever repeated', () => {
  const problems = configProblems({ location: 'imaps://alice:Sommer2024@mail.example/INBOX', tls: false, mailboxes: [] })
  const text = problems.join('\n')
  assert.not.match(text, /Sommer2024/)
  assert.match(text, /Passwort gehört nicht in die URL/)
  assert.match(text, /Eigentümer/)
  assert.match(text, /tls: false/)
  assert.match(text, /mailboxes/)
  const unset = configProblems({ location: 'imap://alice@mail.example', owner: 'alice', passwordEnv: 'FEHLT' })
  assert.match(unset.join(), /FEHLT ist nicht gesetzt/)
  assert.match(configProblems({ location: 'imap://alice@mail.example', owner: 'alice' }).join(), /kein Passwort/)
})

test('local sources refuse IMAP-only settings', () => {
  assert.match(configProblems({ location: '/srv/mail/archiv.mbox', owner: 'mueller', password: 'x' }).join(), /nur für IMAP/)
})

test.run()
