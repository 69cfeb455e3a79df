import { ImapFlow } from 'imapflow'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Connector, SourceItem } from '../../types.ts'
import { changeProbe } from './change-probe.ts'
import { dovecotMissing, startDovecot } from './dovecot-fixture.ts'
import type { Dovecot } from './dovecot-fixture.ts'
import { createMailConnector } from './index.ts'
import type { MailSourceOptions } from './index.ts'

const crlf = (lines: string[]): string => `${lines.join('\r\n')}\r\n`
const messages = [
  {
    raw: crlf([
      'Message-ID: <i1@rathaus.example>',
      'Subject: =?UTF-8?Q?Sitzungsvorlage_Stra=C3=9Fenbau?=',
      'Date: Mon, 6 Mar 2023 09:15:00 +0100',
      '',
      'Erste.',
    ]),
    date: new Date('2023-03-06T08:15:00Z'),
  },
  {
    raw: crlf(['Message-ID: <i2@rathaus.example>', 'Subject: Haushalt', 'Date: Tue, 7 Mar 2023 10:00:00 +0100', '', 'Gebühr.']),
    date: new Date('2023-03-07T09:00:00Z'),
  },
]

const missing = dovecotMissing()
let server: Dovecot | undefined
const connectors: Connector[] = []

function connector(overrides: Partial<MailSourceOptions> = {}): Connector {
  if (server === undefined) throw new Error('dovecot not started')
  const created = createMailConnector({
    location: `imap://${server.user}@${server.host}:${server.port}/INBOX`,
    owner: 'mueller',
    delegates: ['vertretung'],
    password: server.password,
    ...overrides,
  })
  connectors.push(created)
  return created
}

async function direct<T>(run: (client: ImapFlow) => Promise<T>): Promise<T> {
  if (server === undefined) throw new Error('dovecot not started')
  const auth = { user: server.user, pass: server.password }
  const client = new ImapFlow({ host: server.host, port: server.port, secure: false, auth, logger: false })
  await client.connect()
  try {
    return await run(client)
  } finally {
    await client.logout()
  }
}

async function scanAll(source: Connector): Promise<SourceItem[]> {
  const items: SourceItem[] = []
  for await (const item of source.scan(new AbortController().signal)) items.push(item)
  return items
}

async function expectError(run: () => Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await run()
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('expected an error')
}

if (missing !== undefined) {
  console.log(`IMAP-Tests übersprungen: ${missing}`)
  test.skip('IMAP connector against a real dovecot', () => {})
} else {
  test.before(async () => {
    server = await startDovecot()
    await direct(async (client) => {
      for (const m of messages) await client.append('INBOX', m.raw, [], m.date)
      await client.mailboxCreate('Entwürfe')
      await client.append('Entwürfe', messages[0]?.raw ?? '', ['\\Draft'], messages[0]?.date)
    })
  })

  test.after(async () => {
    for (const c of connectors) await c.close?.()
    await server?.stop()
  })

  test('IMAP: scan lists both messages with stable paths, owner principals, internal date and exact bytes', async () => {
    const source = connector()
    const items = await scanAll(source)
    assert.is(items.length, 2)
    const uidValidity = await direct(async (client) => String((await client.mailboxOpen('INBOX', { readOnly: true })).uidValidity))
    assert.equal(
      items.map((i) => i.path),
      [`INBOX/${uidValidity}/1`, `INBOX/${uidValidity}/2`],
    )
    assert.ok(items.every((i) => i.fileName.endsWith('.eml')))
    assert.equal(items[0]?.principals, ['user:mueller', 'user:vertretung'])
    for (const [index, m] of messages.entries()) {
      const item = items[index]
      assert.is(item?.mtimeMs, m.date.getTime())
      const bytes = Buffer.from((await item?.read()) ?? new Uint8Array())
      assert.is(bytes.toString('utf8'), m.raw)
      assert.is(item?.size, bytes.length)
    }
    assert.equal(
      (await scanAll(source)).map((i) => i.path),
      items.map((i) => i.path),
    )
  })

  test('IMAP: reads running side by side each get their own message', async () => {
    const items = await scanAll(connector())
    const texts = await Promise.all([...items, ...items].map(async (item) => Buffer.from(await item.read()).toString('utf8')))
    assert.equal(texts, [...messages, ...messages].map((m) => m.raw))
  })

  test('IMAP: indexing never marks a message as read', async () => {
    const items = await scanAll(connector())
    for (const item of items) await item.read()
    const seen = await direct(async (client) => {
      await client.mailboxOpen('INBOX', { readOnly: true })
      const flags = await client.fetchAll('1:*', { flags: true })
      return flags.filter((m) => m.flags?.has('\\Seen')).length
    })
    assert.is(seen, 0)
  })

  test('IMAP: "*" reads every mailbox, with readable names', async () => {
    const items = await scanAll(connector({ mailboxes: ['*'] }))
    assert.is(items.length, 3)
    assert.ok(items.some((i) => i.path.startsWith('Entwürfe/')))
  })

  test('IMAP: a wrong password is a typed error that names neither user nor password', async () => {
    const error = await expectError(() => scanAll(connector({ password: 'falsches-Passwort' })))
    assert.is(error.name, 'MailAuthError')
    assert.is(error.code, 'mail_auth_failed')
    assert.not.match(error.message, /falsches-Passwort/)
    assert.not.match(error.message, new RegExp(server?.user ?? 'alice'))
  })

  test('IMAP: a missing mailbox and a closed port are typed errors', async () => {
    const noBox = await expectError(() => scanAll(connector({ mailboxes: ['Gibt es nicht'] })))
    assert.is(noBox.code, 'mail_mailbox_missing')
    const refused = await expectError(() =>
      scanAll(createMailConnector({ location: 'imap://alice@127.0.0.1:1/INBOX', owner: 'mueller', password: server?.password })),
    )
    assert.is(refused.code, 'mail_connection_failed')
  })

  test('IMAP: watch is told when a new message arrives (IDLE)', async () => {
    const source = connector()
    const probe = changeProbe()
    const stop = await source.watch?.(probe.onChange)
    assert.ok(stop)
    try {
      await direct((client) => client.append('INBOX', messages[1]?.raw ?? '', [], new Date()))
      await probe.until((batches) => batches.length > 0)
      assert.is((await scanAll(source)).length, 3)
    } finally {
      await stop?.()
    }
  })
}

test.run()
