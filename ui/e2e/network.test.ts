// The network in the browser against three real federated nodes (separate processes on 127.0.0.1, each serving
// its API and the built UI): the Netzwerk page, the catalogue (publish on one node, import on another, an update
// offered and applied on request, withdraw), and asking other municipalities from Suche and Fragen with the
// anonymised preview. The nodes share a host, so one browser holds one session at a time (cookies ignore ports).
import { join } from 'node:path'
import type { CatalogListing } from '@wissensnetz/protocol'
import type { Page } from 'playwright-core'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { FederationHarness } from '../../node/src/federation/harness.ts'
import { waitFor } from '../../node/src/federation/testing.ts'
import { tempDir, writeFiles } from '../../node/src/test/helpers.ts'
import { type Browser, browserSuite, checkAccessibility, focusedText, signIn, tabTo } from './harness.ts'

const ANDERNACH = 0
const MAYEN = 1
const BENDORF = 2
/** Accounts made on every node through its API; the author may import and publish, the reader neither. */
const AUTHOR = { username: 'autorin', password: 'Verbund-Autorin-2026', roles: ['author'] }
const READER = { username: 'leser', password: 'Verbund-Leser-2026', roles: ['reader'] }
const AGENT_NAME = 'Auskunft Hundesteuer'
/** Personal data in a question: none of it may reach the preview or another node. */
const PERSONAL = ['Anna', 'Schmidt', 'anna.schmidt@example.org', '1234-567']
const QUESTION = 'Ermäßigung der Hundesteuer für Frau Anna Schmidt, anna.schmidt@example.org, Telefon 0261 1234-567'

let h: FederationHarness
let browser: Browser
let page: Page
let agentId = ''

async function startNetwork(): Promise<FederationHarness> {
  const dir = tempDir('ui-network')
  const satzungen = (town: string) => {
    const root = join(dir, 'corpus', town)
    writeFiles(root, {
      'hundesteuer.txt': `Hundesteuersatzung ${town}. Ermäßigung der Hundesteuer für Blindenhunde und Hunde aus dem Tierheim.`,
      'friedhof.txt': `Friedhofssatzung ${town}. Gebühren für Urnengräber und Ruhezeiten.`,
    })
    return root
  }
  const network = await FederationHarness.start(dir, [
    { municipality: 'Andernach', sources: [{ name: 'Satzungen', location: satzungen('Andernach') }], inbound: { sources: ['Satzungen'] } },
    { municipality: 'Mayen', sources: [{ name: 'Satzungen', location: satzungen('Mayen') }], inbound: { sources: ['Satzungen'] } },
    // Bendorf answers nobody: it must show up as refused.
    { municipality: 'Bendorf', sources: [{ name: 'Satzungen', location: satzungen('Bendorf') }], inbound: { sources: ['Satzungen'], peers: [] } },
  ])
  try {
    await network.waitForMesh()
    for (const node of network.nodes) {
      for (const user of [AUTHOR, READER]) {
        const created = await network.api(node.index, 'POST', '/api/users', { ...user, displayName: user.username })
        if (created.status !== 201) throw new Error(`user ${user.username} on ${node.municipality}: ${created.status}`)
      }
    }
    const agent = await network.api<{ id: string }>(ANDERNACH, 'POST', '/api/agents', {
      name: AGENT_NAME,
      description: 'Beantwortet Fragen zur Hundesteuer und ihren Ermäßigungen.',
      category: 'Steuern',
      instructions: 'Antworte knapp und nenne den Paragraphen der Hundesteuersatzung.',
      status: 'published',
    })
    if (agent.status !== 201) throw new Error(`agent: ${agent.status}`)
    agentId = agent.body.id
  } catch (err) {
    await network.close()
    throw err
  }
  return network
}

const uiTest = browserSuite({
  start: startNetwork,
  stop: (network) => network.close(),
  ready: (network, opened) => {
    ;[h, browser, page] = [network, opened, opened.page]
    page.on('dialog', (dialog) => void dialog.accept())
  },
})

const base = (i: number) => h.nodes[i]!.http as string
const inboundQueries = async (i: number) =>
  (await h.api<{ exchanges: Array<{ direction: string; kind: string; status: string; content: string | null }> }>(i, 'GET', '/api/network/exchanges'))
    .body.exchanges.filter((e) => e.direction === 'in' && e.kind === 'query')
const catalogOf = async (i: number, q = '') =>
  (await h.api<{ agents: CatalogListing[] }>(i, 'GET', `/api/network/catalog${q === '' ? '' : `?q=${encodeURIComponent(q)}`}`)).body.agents

async function signInAt(node: number, path: string, user: { username: string; password: string }): Promise<void> {
  if ((await page.locator('button:text("Abmelden")').count()) > 0) {
    await page.getByRole('button', { name: 'Abmelden' }).click()
    await page.waitForSelector('#login-user')
  }
  await page.goto(`${base(node)}${path}`)
  await page.waitForSelector('#login-user')
  await signIn(page, user)
}

uiTest('Netzwerk: this node with its peer id and addresses, the other members connected, with protocol versions', async () => {
  await signInAt(ANDERNACH, '/netzwerk', AUTHOR)
  const labels = (await page.locator('nav[aria-label=Hauptnavigation] a').allInnerTexts()).map((l) => l.replace(/\s+/g, ' '))
  assert.ok(labels.includes('Netzwerk'), 'Netzwerk is a page now, not announced')
  const self = page.locator('section[aria-labelledby=self-title]')
  await self.waitFor()
  assert.match(await self.innerText(), /Andernach/)
  assert.match(await self.innerText(), new RegExp(h.nodes[ANDERNACH]!.peerId))
  assert.match(await self.innerText(), /\/ip4\/127\.0\.0\.1\/tcp\/\d+/)

  const rows = page.locator('section[aria-labelledby=members-title] tbody tr')
  await page.waitForFunction(() => document.querySelectorAll('section[aria-labelledby=members-title] tbody tr').length === 2)
  for (const [i, town] of [
    [MAYEN, 'Mayen'],
    [BENDORF, 'Bendorf'],
  ] as const) {
    const row = rows.filter({ hasText: town })
    const text = await row.innerText()
    assert.match(text, /verbunden/, `${town} connected`)
    assert.not.match(text, /nicht verbunden/)
    assert.match(text, /Fragen 1\.0\.0/, `${town} speaks the question protocol`)
    assert.match(text, /Katalog-Abgleich 1\.0\.0/)
    assert.ok(text.includes(h.nodes[i]!.peerId))
  }
  assert.match(await page.locator('section[aria-labelledby=members-title]').innerText(), /2 von 2 Mitgliedern verbunden/)

  // Refresh by keyboard asks the node again.
  await page.locator('body').focus()
  await tabTo(page, 'main .toolbar button')
  const [refreshed] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/network/peers')), page.keyboard.press('Enter')])
  assert.is(refreshed.status(), 200)
  await checkAccessibility(page, 'Netzwerk', 'network-netzwerk')

  await page.getByRole('button', { name: 'English' }).click()
  await page.waitForSelector('main h1:text("Network")')
  assert.match(await page.locator('section[aria-labelledby=members-title]').innerText(), /2 of 2 members connected[\s\S]*Questions 1\.0\.0/)
  await checkAccessibility(page, 'Network (English)')
  await page.getByRole('button', { name: 'Deutsch' }).click()
  await page.waitForSelector('main h1:text("Netzwerk")')
})

uiTest('Katalog: an author publishes an assistant of her municipality; it reaches the other members', async () => {
  await page.goto(`${base(ANDERNACH)}/assistenten`)
  await page.getByRole('link', { name: 'Katalog der Kommunen' }).click()
  await page.waitForSelector('main h1:text("Katalog der Kommunen")')
  await page.locator('#catalog-publish').selectOption({ label: `${AGENT_NAME} (Version 1)` })
  await page.getByRole('button', { name: 'Im Netzwerk veröffentlichen' }).click()
  await page.waitForSelector(`.notice.ok:has-text("${AGENT_NAME}“ ist im Katalog veröffentlicht (Version 1)")`)
  const own = page.locator('.catalog-list li', { hasText: AGENT_NAME })
  await own.locator('.badge:text("Eigene Veröffentlichung")').waitFor()
  assert.match(await own.innerText(), /Herausgeber: Andernach/)
  assert.is(await own.getByRole('button', { name: `„${AGENT_NAME}“ zurückziehen` }).count(), 1, 'the publisher may withdraw')
  assert.is(await own.getByRole('button', { name: /importieren/ }).count(), 0, 'nobody imports their own entry')
  for (const i of [MAYEN, BENDORF]) await waitFor(async () => (await catalogOf(i, 'Hundesteuer')).length === 1, 10_000, `arrived at node ${i}`)
})

uiTest('Suche: asking other municipalities shows the anonymised text first; confirmed, hits come labelled with the municipality', async () => {
  await page.goto(`${base(ANDERNACH)}/suche`)
  await page.waitForSelector('#search-query')
  const before = (await inboundQueries(MAYEN)).length

  await page.locator('#search-query').focus()
  await tabTo(page, 'input[type=checkbox]')
  assert.is(await page.evaluate(() => document.activeElement?.closest('.federated-toggle')?.textContent?.includes('Auch andere Kommunen fragen')), true)
  await page.keyboard.press('Space')
  await page.locator('#search-query').fill(QUESTION)
  await page.keyboard.press('Enter')

  const preview = page.locator('section.preview')
  await preview.waitFor()
  await page.waitForFunction(() => document.activeElement?.matches('section.preview h2') === true)
  const sent = await preview.locator('blockquote.sent').innerText()
  for (const personal of PERSONAL) assert.not.ok(sent.includes(personal), `"${personal}" is not in the preview: ${sent}`)
  assert.ok(sent.includes('Hundesteuer'), sent)
  for (const placeholder of ['[NAME]', '[E-MAIL]', '[TELEFON]']) assert.ok(sent.includes(placeholder), `${placeholder} in ${sent}`)
  const removed = await preview.locator('ul.removed').innerText()
  assert.match(removed, /Namen: 1/)
  assert.match(removed, /E-Mail-Adressen: 1/)
  assert.match(removed, /Telefonnummern: 1/)
  assert.match(await preview.innerText(), /Empfänger: Mayen, Bendorf|Empfänger: Bendorf, Mayen/)
  await page.waitForSelector('.hit')
  assert.is((await inboundQueries(MAYEN)).length, before, 'nothing is sent before the user confirms')
  await checkAccessibility(page, 'Suche: Vorschau für andere Kommunen', 'network-vorschau')

  await tabTo(page, 'section.preview button.primary')
  assert.is(await focusedText(page), 'Senden')
  await page.keyboard.press('Enter')
  const results = page.locator('section.results')
  await results.locator('.fed-hit').first().waitFor()
  await page.waitForFunction(() => document.activeElement?.matches('section.results h2') === true)
  assert.is(await results.locator('h2').innerText(), 'Aus anderen Kommunen')
  const towns = await results.locator('.fed-hit .badge').allInnerTexts()
  assert.ok(towns.length > 0 && towns.every((town) => town === 'Mayen'), `hits labelled with their municipality: ${towns}`)
  assert.match(await results.locator('.fed-hit').first().innerText(), /Hundesteuer/)
  const peers = await results.locator('ul.peers').innerText()
  assert.match(peers, /Mayen:\s*hat geantwortet/)
  assert.match(peers, /Bendorf:\s*abgelehnt \(keine Freigabe für Fragen von hier\)/)
  assert.ok((await page.locator('ol[aria-label=Suchergebnisse] .hit').count()) > 0, 'the own results stay')

  // What reached the other nodes is exactly the preview, without the personal data.
  const received = (await inboundQueries(MAYEN)).slice(before)
  assert.is(received.length, 1)
  assert.is(received[0]!.content, sent.trim())
  const refused = await inboundQueries(BENDORF)
  assert.ok(refused.length >= 1 && refused.every((e) => !PERSONAL.some((p) => (e.content ?? '').includes(p))), JSON.stringify(refused))
  await checkAccessibility(page, 'Suche mit anderen Kommunen', 'network-suche')
})

uiTest('Fragen: the local answer stays; declined, nothing leaves; confirmed, "Aus anderen Kommunen" shows their snippets', async () => {
  await page.goto(`${base(ANDERNACH)}/fragen`)
  const toggle = page.getByLabel('Auch andere Kommunen fragen')
  await toggle.waitFor()
  if (!(await toggle.isChecked())) await toggle.check()
  const before = (await inboundQueries(MAYEN)).length

  await page.locator('.ask-form textarea').fill('Gibt es eine Ermäßigung der Hundesteuer für Hunde aus dem Tierheim?')
  await page.keyboard.press('Enter')
  await page.locator('section.preview').waitFor()
  await page.getByRole('button', { name: 'Nicht senden' }).click()
  await page.waitForSelector('main p:text("Nicht gesendet")')
  await page.waitForSelector('.message.assistant .sources li')
  assert.is((await inboundQueries(MAYEN)).length, before, 'declined: nothing was sent')

  await page.locator('.ask-form textarea').fill('Welche Gebühren gelten für Urnengräber?')
  await page.keyboard.press('Enter')
  await page.locator('section.preview').waitFor()
  assert.match(await page.locator('section.preview blockquote.sent').innerText(), /Urnengräber/)
  await page.locator('section.preview').getByRole('button', { name: 'Senden', exact: true }).click()
  const results = page.locator('section.results')
  const hit = results.locator('.fed-hit', { hasText: 'Urnengräber' }).first()
  await hit.waitFor()
  assert.match(await hit.innerText(), /^Mayen\s+friedhof/, 'labelled with its municipality, with the title Mayen shares')
  await page.waitForFunction(() => document.querySelectorAll('.message.assistant .sources').length === 2)
  assert.is(await page.locator('.message.assistant').count(), 2, 'both local answers stay in the conversation')
  assert.is((await inboundQueries(MAYEN)).length, before + 1)
  await checkAccessibility(page, 'Fragen mit anderen Kommunen', 'network-fragen', { scrollTo: 'section.results' })
})

uiTest('Katalog on another node: open the definition with its origin, import it, an update is offered and applied only on request', async () => {
  await signInAt(MAYEN, '/assistenten/katalog', AUTHOR)
  const entry = page.locator('.catalog-list li', { hasText: AGENT_NAME })
  await entry.waitFor()
  assert.match(await entry.innerText(), /Herausgeber: Andernach/)
  await entry.getByRole('link', { name: AGENT_NAME }).click()
  await page.waitForSelector(`main h1:text("${AGENT_NAME}")`)
  const definition = page.locator('section[aria-labelledby=entry-title]')
  assert.match(await definition.innerText(), /Antworte knapp und nenne den Paragraphen/)
  assert.match(await definition.innerText(), /Herausgeber: Andernach/)
  assert.ok((await definition.innerText()).includes(h.nodes[ANDERNACH]!.peerId), 'the publishing node is named')
  assert.match(await definition.innerText(), /signiert und geprüft/)
  await checkAccessibility(page, 'Katalog: Eintrag', 'network-katalog-eintrag')

  await definition.getByRole('button', { name: `„${AGENT_NAME}“ importieren` }).click()
  await page.waitForSelector(`.notice.ok:has-text("${AGENT_NAME}“ wurde als Entwurf importiert")`)
  await definition.locator('.badge:text("Importiert (Version 1)")').waitFor()
  const listing = (await catalogOf(MAYEN, 'Hundesteuer'))[0]!
  const localId = listing.imports[0]!.localAgentId

  // The publisher saves and publishes a new version.
  const headers = { authorization: h.nodes[ANDERNACH]!.authorization, 'content-type': 'application/json' }
  const saved = await fetch(`${base(ANDERNACH)}/api/agents/${agentId}`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ name: AGENT_NAME, category: 'Steuern', instructions: 'Neue Fassung: nenne auch die Frist.', baseVersion: 1 }),
  })
  assert.is(saved.status, 200)
  assert.is((await h.api(ANDERNACH, 'POST', '/api/network/catalog/publish', { agentId })).status, 200)
  await waitFor(async () => (await catalogOf(MAYEN, 'Hundesteuer'))[0]?.version === 2, 10_000, 'version 2 arrived')

  await page.goto(`${base(MAYEN)}/assistenten/katalog`)
  await entry.locator('.badge:text("Aktualisierung verfügbar")').waitFor()
  const local = () => page.evaluate(async (id) => (await (await fetch(`/api/agents/${id}`)).json()) as { instructions: string }, localId)
  assert.match((await local()).instructions, /^Antworte knapp/, 'not applied silently')
  await checkAccessibility(page, 'Katalog', 'network-katalog')

  await entry.getByRole('button', { name: 'Aktualisierung auf Version 2 übernehmen' }).click()
  await page.waitForSelector('.notice.ok:has-text("Version 2 des Herausgebers")')
  await entry.locator('.badge:text("Importiert (Version 2)")').waitFor()
  assert.is(await entry.locator('.badge:text("Aktualisierung verfügbar")').count(), 0)
  assert.match((await local()).instructions, /^Neue Fassung/)

  await entry.getByRole('link', { name: /Eigene Kopie öffnen/ }).click()
  await page.waitForSelector(`main h1:text("${AGENT_NAME}")`)
  assert.match(await page.locator('.page-header').innerText(), /Importiert aus Andernach/)
})

uiTest('a reader sees the catalogue and the network but is offered no import, update, publishing or withdrawal', async () => {
  await signInAt(MAYEN, '/assistenten/katalog', READER)
  const entry = page.locator('.catalog-list li', { hasText: AGENT_NAME })
  await entry.waitFor()
  assert.is(await page.locator('main button:text("Importieren"), main button:text("übernehmen"), main button:text("Zurückziehen")').count(), 0)
  assert.is(await page.locator('section[aria-labelledby=publish-title]').count(), 0)
  await page.goto(`${base(MAYEN)}/netzwerk`)
  await page.waitForSelector('section[aria-labelledby=members-title] tbody tr')
})

uiTest('the publisher withdraws; the entry leaves every catalogue; no page threw an error', async () => {
  await signInAt(ANDERNACH, '/assistenten/katalog', AUTHOR)
  const entry = page.locator('.catalog-list li', { hasText: AGENT_NAME })
  await entry.getByRole('button', { name: `„${AGENT_NAME}“ zurückziehen` }).click()
  await page.waitForSelector(`.notice.ok:has-text("${AGENT_NAME}“ wurde zurückgezogen")`)
  await entry.waitFor({ state: 'detached' })
  for (const i of [MAYEN, BENDORF]) await waitFor(async () => (await catalogOf(i, 'Hundesteuer')).length === 0, 10_000, `withdrawn at node ${i}`)
  assert.equal(browser.pageErrors, [])
})

test.run()
