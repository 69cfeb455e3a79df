// The web interface end to end as an administrator: search, ask, assistants, sources, model state, errors and
// language, by keyboard where a clerk would work that way. Login, roles and accounts: access.test.ts.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { tempDir } from '../../node/src/test/helpers.ts'
import { type Browser, browserSuite, checkAccessibility, focusedText, signIn, startNode, type TestNode, tabTo, USERS } from './harness.ts'

let env: TestNode
let browser: Browser
let page: Page

const uiTest = browserSuite({
  start: startNode,
  stop: (node) => node.stop(),
  ready: async (node, opened) => {
    ;[env, browser, page] = [node, opened, opened.page]
    await page.goto(`${env.base}/suche`)
    await signIn(page, USERS.admin)
  },
})

const goto = (path: string) => page.goto(`${env.base}${path}`)

uiTest('search by keyboard: highlighted results, the passage opens marked in its document, focus returns', async () => {
  await goto('/suche')
  await page.waitForSelector('#search-query:focus')
  await page.keyboard.type('Friedhof Urnenwahlgrab')
  await page.keyboard.press('Enter')
  await page.waitForSelector('.hit')
  assert.match(await page.locator('p.status').innerText(), /Treffer/)
  assert.ok((await page.locator('.hit').first().locator('.snippet mark').count()) > 0, 'query terms highlighted in the snippet')
  assert.match(page.url(), /\?q=Friedhof\+Urnenwahlgrab/)

  await tabTo(page, '.hit .title')
  const title = await focusedText(page)
  const snippet = (await page.locator('.hit').first().locator('.snippet').innerText()).replace(/^…|…$/g, '').trim()
  await page.keyboard.press('Enter')
  const passage = page.locator('dialog[open] mark.passage')
  await passage.waitFor()
  assert.is(await page.locator('dialog[open] h2').innerText(), title)
  const marked = (await passage.innerText()).replace(/\s+/g, ' ')
  assert.ok(marked.includes(snippet.slice(0, 40).replace(/\s+/g, ' ')), 'the marked passage is the one the hit showed')
  const inView = await page.evaluate(() => {
    const mark = document.querySelector('dialog[open] mark.passage') as HTMLElement
    const box = (mark.closest('.body') as HTMLElement).getBoundingClientRect()
    const at = mark.getBoundingClientRect()
    return at.top < box.bottom && at.bottom > box.top
  })
  assert.ok(inView, 'the passage is scrolled into view')
  await checkAccessibility(page, 'Dokument (Fundstelle)', 'dokument')

  await page.keyboard.press('Escape')
  await page.waitForSelector('dialog[open]', { state: 'detached' })
  assert.is(await focusedText(page), title, 'focus returns to the result')
  await checkAccessibility(page, 'Suche', 'suche')
})

uiTest('search filters narrow the results and the search survives a reload', async () => {
  await goto('/suche?q=Gebühren')
  await page.waitForSelector('.hit')
  await page.locator('summary').click()
  await page.selectOption('#filter-type', 'pdf')
  await page.locator('.search-form button[type=submit]').click()
  await page.waitForFunction(() => document.querySelector('p.status')?.textContent?.includes('Treffer') === true)
  const paths = await page.locator('.hit .where .mono').allInnerTexts()
  assert.ok(paths.length > 0, 'PDF hits exist')
  for (const p of paths) assert.match(p.toLowerCase(), /\.pdf$/)

  await page.reload()
  await page.waitForSelector('.hit')
  assert.is(await page.inputValue('#filter-type'), 'pdf', 'filters come back from the address')
  assert.is(await page.inputValue('#search-query'), 'Gebühren')

  await page.fill('#filter-az', '6-670')
  await page.selectOption('#filter-type', '')
  await page.fill('#search-query', 'Spielplatz')
  await page.keyboard.press('Enter')
  await page.waitForSelector('.hit')
  assert.equal(await page.locator('.hit .where .mono').allInnerTexts(), ['Niederschrift_Spielplatzpruefung_Auenbach.txt'], 'Aktenzeichen prefix filter')
})

uiTest('ask by keyboard: the answer arrives with citations that open the cited passage; follow-up, list, delete', async () => {
  await goto('/suche')
  await page.locator('body').focus()
  await tabTo(page, 'nav a[href="/fragen"]')
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.activeElement?.matches('main h1') === true && document.title.startsWith('Fragen'))

  await tabTo(page, '.ask-form textarea')
  await page.keyboard.type('Was kostet ein Urnenwahlgrab auf dem Friedhof?')
  await page.keyboard.press('Enter')
  await page.waitForSelector('.message.assistant .sources li')
  assert.match(await page.locator('.message.user .question').innerText(), /Urnenwahlgrab/)
  assert.ok((await page.locator('.message.assistant .badge.warn').count()) === 1, 'labelled as extractive (no chat model)')
  assert.ok((await page.locator('.message.assistant .cite').count()) > 0, 'citations in the answer are buttons')

  await tabTo(page, '.message.assistant .cite')
  const citeLabel = (await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))) ?? ''
  await page.keyboard.press('Enter')
  await page.locator('dialog[open] mark.passage').waitFor()
  assert.ok(citeLabel.includes(await page.locator('dialog[open] h2').innerText()), 'the cited document opens')
  assert.not.match(await page.locator('dialog[open] [role=status]').innerText(), /nicht gefunden/)
  await page.keyboard.press('Escape')
  await page.waitForSelector('dialog[open]', { state: 'detached' })

  await page.waitForSelector('.conversations li')
  await checkAccessibility(page, 'Fragen', 'fragen')

  await tabTo(page, '.ask-form textarea', 60)
  await page.keyboard.type('Und wie lange dauert die Ruhezeit?')
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.querySelectorAll('.message.assistant .sources').length === 2)
  await page.waitForFunction(() => document.querySelector('.conversations li')?.textContent?.includes('4') === true)
  assert.is(await page.locator('.conversations li').count(), 1, 'a follow-up stays in its conversation')

  await page.getByRole('button', { name: 'Neues Gespräch' }).click()
  assert.is(await page.locator('.message').count(), 0)
  await page.locator('.conversations .open').first().click()
  await page.waitForFunction(() => document.querySelectorAll('.message').length === 4)
  await page.locator('.conversations .delete').first().click()
  await page.waitForSelector('.conversations li', { state: 'detached' })
  assert.is(await page.locator('.message').count(), 0, 'deleting the open conversation clears it')
})

uiTest('the stop button aborts an answer that is being written', async () => {
  await page.route('**/api/ask', () => {
    // never answered: the model is "busy writing"
  })
  try {
    await goto('/fragen')
    await page.locator('.ask-form textarea').focus()
    await page.keyboard.type('Eine Frage, die lange dauert')
    await page.keyboard.press('Enter')
    await page.waitForSelector('.ask-form button.danger')
    await page.keyboard.press('Tab')
    assert.is(await focusedText(page), 'Antwort stoppen', 'the stop button is next in keyboard order')
    await page.keyboard.press('Enter')
    await page.waitForSelector('.message.assistant .badge:text("Abgebrochen")')
    assert.is(await page.locator('.ask-form button.danger').count(), 0)
  } finally {
    await page.unroute('**/api/ask')
  }
})

uiTest('create an assistant by keyboard, test it beside the form, keep versions, export and import it', async () => {
  await goto('/assistenten')
  await page.waitForSelector('.agent-list li')
  await checkAccessibility(page, 'Assistenten', 'assistenten')
  await page.locator('body').focus()
  await tabTo(page, 'a[href="/assistenten?neu"]')
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.activeElement?.matches('main h1') === true)

  // Saving an empty form names the missing fields.
  await tabTo(page, '.agent-form button[type=submit]')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#agent-name[aria-invalid=true]')
  assert.match(await page.locator('#agent-name-error').innerText(), /leer/)

  await tabTo(page, '#agent-name', 40, 'Shift+Tab')
  await page.keyboard.type('Auskunft Friedhof')
  await page.keyboard.press('Tab')
  await page.keyboard.type('Beantwortet Fragen zur Friedhofssatzung.')
  await tabTo(page, '#agent-instructions')
  await page.keyboard.type('Antworte knapp und nenne die Paragraphen der Satzung.')
  await tabTo(page, '#agent-starterPrompts')
  await page.keyboard.type('Was kostet ein Urnenwahlgrab?')
  await tabTo(page, '#agent-knowledgeScope')
  await page.keyboard.type('Satzungen, Friedhof')
  await tabTo(page, '.agent-form button[type=submit]')
  await page.keyboard.press('Enter')
  await page.waitForSelector('.notice.ok:text("Version 1")')
  assert.match(page.url(), /\/assistenten\?id=[0-9a-f-]{36}$/)
  assert.is(await page.locator('section[aria-labelledby=versions-title] tbody tr').count(), 1)

  // The test chat beside the form asks the saved assistant.
  await tabTo(page, 'section[aria-labelledby=test-title] textarea')
  await page.keyboard.type('Was kostet ein Urnenwahlgrab?')
  await page.keyboard.press('Enter')
  await page.waitForSelector('section[aria-labelledby=test-title] .message.assistant')
  await page.waitForFunction(() => {
    const status = document.querySelector('section[aria-labelledby=test-title] [role=status]')?.textContent ?? ''
    return status.startsWith('Antwort fertig')
  })
  await checkAccessibility(page, 'Assistent bearbeiten', 'assistent')

  // Every save is a version; the test saves unsaved changes first.
  await page.fill('#agent-description', 'Beantwortet Fragen zur Friedhofssatzung und zu Gebühren.')
  await page.locator('section[aria-labelledby=test-title] textarea').fill('Und die Ruhezeit?')
  await page.locator('section[aria-labelledby=test-title] textarea').press('Enter')
  await page.waitForFunction(() => document.querySelectorAll('section[aria-labelledby=versions-title] tbody tr').length === 2)

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Exportieren' }).click()])
  const file = JSON.parse(readFileSync((await download.path()) as string, 'utf8')) as { format: string; agent: { name: string; version: number } }
  assert.is(file.format, 'wissensnetz-agent')
  assert.is(file.agent.name, 'Auskunft Friedhof')
  assert.is(file.agent.version, 2)

  // Importing the same file again never overwrites: the user may import a copy.
  const exported = join(tempDir('agent-export'), 'auskunft.json')
  writeFileSync(exported, JSON.stringify(file))
  await page.getByRole('link', { name: /Zurück zur Liste/ }).click()
  await page.setInputFiles('#agent-import', exported)
  await page.waitForSelector('.notice[role=alert]')
  assert.match(await page.locator('.notice[role=alert]').innerText(), /nicht überschrieben/)
  await page.getByRole('button', { name: 'Als Kopie importieren' }).click()
  await page.waitForURL(/\/assistenten\?id=/)
  await page.waitForSelector('main h1:text("Auskunft Friedhof")')
  assert.match(await page.locator('.page-header').innerText(), /Importiert/)

  // A broken file gets a precise message.
  writeFileSync(exported, '{"format": "etwas anderes"}')
  await page.getByRole('link', { name: /Zurück zur Liste/ }).click()
  await page.setInputFiles('#agent-import', exported)
  await page.waitForSelector('.error[role=alert]')
  assert.match(await page.locator('.error[role=alert]').innerText(), /keine Assistenten-Datei/)

  await page.fill('#agent-search', 'Friedhof')
  await page.waitForFunction(() => document.querySelectorAll('.agent-list li').length === 2)
})

uiTest('sources: a new source is read with live progress, failed documents show their reason, re-run', async () => {
  const folder = tempDir('ui-source')
  writeFileSync(join(folder, 'Merkblatt.txt'), 'Merkblatt Hundesteuer: Die Steuer für den ersten Hund beträgt 60 Euro im Jahr.')
  writeFileSync(join(folder, 'Notiz.md'), '# Notiz\n\nDie Sprechzeiten des Bürgerbüros sind montags bis freitags.')
  writeFileSync(join(folder, 'kaputt.pdf'), '%PDF-1.7 dies ist kein PDF')

  await goto('/quellen')
  await page.waitForSelector('p.live:text("live")')
  assert.ok((await page.locator('.source-list > li').count()) === 3, 'the three demo sources')
  assert.ok((await page.locator('tbody tr:has-text("Scan_defekt.pdf")').count()) === 1, 'the demo corpus has one broken PDF')

  await page.selectOption('#source-kind', 'folder')
  await page.fill('#source-location', folder)
  await page.fill('#source-name', 'Testablage')
  await page.fill('#source-groups', 'bauamt')
  await page.getByRole('button', { name: 'Hinzufügen und einlesen' }).click()
  await page.waitForSelector('.notice.ok:text("Testablage")')
  const card = page.locator('.source-list > li:has(h3:text-is("Testablage"))')
  await card.locator('.progress:has-text("Fertig: 3 von 3 Dateien")').waitFor()
  await page.waitForSelector('tbody tr:has-text("kaputt.pdf")')
  assert.match(await page.locator('tbody tr:has-text("kaputt.pdf")').innerText(), /beschädigt|Nicht lesbar|Format/)
  assert.match(await card.innerText(), /bauamt/)
  await checkAccessibility(page, 'Quellen', 'quellen')

  const [rerun] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/ingest') && r.request().method() === 'POST'),
    card.getByRole('button', { name: 'Testablage neu einlesen' }).click(),
  ])
  assert.is(rerun.status(), 202)
  await card.locator('.progress:has-text("Fertig")').waitFor()

  // A path that does not exist is refused with the node's German reason.
  await page.fill('#source-location', '/gibt/es/nicht')
  await page.getByRole('button', { name: 'Hinzufügen und einlesen' }).click()
  await page.waitForSelector('form .error[role=alert]:has-text("existiert nicht")')
})

uiTest('administration shows the model state', async () => {
  await goto('/verwaltung')
  await page.waitForSelector('.facts')
  assert.match(await page.locator('section[aria-labelledby=status-title]').innerText(), /Nur Stichwortsuche/)
})

uiTest('failed requests show a German message the user can act on, never a blank page', async () => {
  await goto('/suche')
  await page.route('**/api/search', (route) =>
    route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal_error', message: 'Interner Fehler. Die Administration findet Details im Protokoll des Knotens.' } }) }),
  )
  await page.fill('#search-query', 'Winterdienst')
  await page.keyboard.press('Enter')
  await page.waitForSelector('.error[role=alert]:has-text("Interner Fehler")')
  assert.ok(await page.getByRole('button', { name: 'Erneut versuchen' }).isVisible())

  await page.unroute('**/api/search')
  await page.route('**/api/search', (route) => route.abort('failed'))
  await page.getByRole('button', { name: 'Erneut versuchen' }).click()
  await page.waitForSelector('.error[role=alert]:has-text("nicht erreichbar")')

  await page.unroute('**/api/search')
  await page.route('**/api/search', (route) => route.fulfill({ status: 429, headers: { 'retry-after': '30' }, body: '' }))
  await page.getByRole('button', { name: 'Erneut versuchen' }).click()
  await page.waitForSelector('.error[role=alert]:has-text("30 Sekunden")')

  await page.unroute('**/api/search')
  await page.getByRole('button', { name: 'Erneut versuchen' }).click()
  await page.waitForSelector('.hit')
  assert.is(await page.locator('.error[role=alert]').count(), 0, 'the message goes once the request succeeds')

  await goto('/gibt-es-nicht')
  await page.waitForSelector('main h1:text("Seite nicht gefunden")')
})

uiTest('English can be chosen; the choice is remembered and sets <html lang>', async () => {
  await goto('/suche')
  await page.getByRole('button', { name: 'English' }).click()
  await page.waitForSelector('nav a[href="/suche"]:text("Search")')
  assert.is(await page.evaluate(() => document.documentElement.lang), 'en')
  await page.reload()
  await page.waitForSelector('main h1:text("Search")')
  assert.is(await page.evaluate(() => document.documentElement.lang), 'en')
  await checkAccessibility(page, 'Search (English)')
  await page.getByRole('button', { name: 'Deutsch' }).click()
  await page.waitForSelector('main h1:text("Suche")')
  assert.is(await page.evaluate(() => document.documentElement.lang), 'de')
})

uiTest('without federation: Netzwerk and the catalogue say how to switch it on, nothing offers to ask other municipalities', async () => {
  await goto('/netzwerk')
  await page.waitForSelector('main .notice:has-text("ausgeschaltet")')
  assert.match(await page.locator('main .notice').innerText(), /federation\.enabled: true/)
  await checkAccessibility(page, 'Netzwerk (ausgeschaltet)')

  await goto('/assistenten')
  await page.getByRole('link', { name: 'Katalog der Kommunen' }).click()
  await page.waitForSelector('main h1:text("Katalog der Kommunen")')
  await page.waitForSelector('main .notice:has-text("ausgeschaltet")')
  assert.is(await page.locator('#catalog-search').count(), 0)

  for (const path of ['/suche', '/fragen']) {
    await goto(path)
    await page.waitForSelector('main h1')
    assert.is(await page.getByLabel('Auch andere Kommunen fragen').count(), 0, `${path}: no network, no offer`)
  }
})

uiTest('Datenschutz is announced as following; no page threw an error', async () => {
  await goto('/datenschutz')
  await page.waitForSelector('main h1:text("Datenschutz")')
  assert.match(await page.locator('main').innerText(), /folgt/)
  await checkAccessibility(page, 'Datenschutz (folgt)')
  assert.equal(browser.pageErrors, [])
})

test.run()
