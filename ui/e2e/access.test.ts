// Login and what each role sees: the login page, wrong passwords, too many attempts, expired sessions, logout,
// and the administration of users, groups and tokens (secrets shown once). Runs against a node that requires login.
import type { Page } from 'playwright-core'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { type Browser, browserSuite, checkAccessibility, signIn, startNode, type TestNode, USERS } from './harness.ts'

let env: TestNode
let browser: Browser
let page: Page

const uiTest = browserSuite({
  start: startNode,
  stop: (node) => node.stop(),
  ready: (node, opened) => {
    ;[env, browser, page] = [node, opened, opened.page]
  },
})

const navLabels = async () => (await page.locator('nav[aria-label=Hauptnavigation] a').allInnerTexts()).map((l) => l.replace(/\s+/g, ' '))

/** The reader changes her password in one test; later tests sign in with the new one. */
const READER_NEW_PASSWORD = 'Neues-Passwort-2026'
const reader = { username: USERS.reader.username, password: READER_NEW_PASSWORD }

/** Opens Suche through the navigation: no page load, so only what the app itself dropped is gone. */
async function openSearchInApp(): Promise<void> {
  await page.locator('nav[aria-label=Hauptnavigation] a:text-is("Suche")').click()
  await page.waitForSelector('#search-query')
}

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Abmelden' }).click()
  await page.waitForSelector('#login-user')
}

uiTest('sign in: an accessible login page; a wrong password says so; the right one opens the app', async () => {
  await page.goto(`${env.base}/fragen`)
  await page.waitForSelector('#login-user')
  assert.is(await page.locator('main h1').innerText(), 'Anmelden')
  assert.is(await page.locator('a:text("Mit Dienstkonto anmelden")').count(), 0, 'no single sign-on button when none is configured')
  await checkAccessibility(page, 'Anmeldung', 'anmeldung')

  await page.fill('#login-user', USERS.admin.username)
  await page.fill('#login-password', 'falsch')
  await page.keyboard.press('Enter')
  await page.waitForSelector('.error[role=alert]:has-text("Benutzername oder Passwort ist falsch")')
  assert.is(await page.inputValue('#login-password'), '', 'the wrong password is cleared')

  await signIn(page, USERS.admin)
  assert.match(page.url(), /\/fragen$/, 'the page asked for stays')
  assert.match(await page.locator('header').innerText(), /Angemeldet: admin/)
})

uiTest('an administrator manages groups, users and tokens; generated secrets are shown once', async () => {
  await page.goto(`${env.base}/verwaltung`)
  await page.waitForSelector('section[aria-labelledby=users-title] table')

  await page.fill('#group-name', 'ordnungsamt')
  await page.fill('#group-description', 'Ordnungsamt der Verbandsgemeinde')
  await page.getByRole('button', { name: 'Gruppe anlegen' }).click()
  await page.waitForSelector('section[aria-labelledby=groups-title] li:has-text("ordnungsamt")')

  await page.fill('#user-name', 'schulz')
  await page.fill('#user-display', 'Petra Schulz')
  await page.fill('#user-groups', 'ordnungsamt')
  await page.locator('form.inline-form fieldset.roles label:has-text("Assistenten bauen") input').check()
  await page.getByRole('button', { name: 'Anlegen', exact: true }).click()
  const secret = page.locator('.notice.ok .secret')
  await secret.waitFor()
  assert.match(await page.locator('.notice.ok').innerText(), /Erzeugtes Passwort für schulz/)
  assert.ok((await secret.innerText()).length >= 12, 'a generated password is shown')
  const row = page.locator('section[aria-labelledby=users-title] tbody tr:has-text("schulz")')
  await row.waitFor()
  assert.match(await row.innerText(), /Petra Schulz/)
  assert.ok(await row.locator('label:has-text("Assistenten bauen") input').isChecked())
  await page.getByRole('button', { name: 'Ich habe es gesichert' }).click()
  assert.is(await secret.count(), 0, 'the secret is gone once confirmed')

  await row.getByRole('button', { name: 'schulz sperren' }).click()
  await row.locator('.badge:text("gesperrt")').waitFor()

  await page.fill('#token-name', 'Fachverfahren')
  await page.getByRole('button', { name: 'Schlüssel erzeugen' }).click()
  await secret.waitFor()
  const token = await secret.innerText()
  assert.match(token, /^wn_/)
  const tokenRow = page.locator('section[aria-labelledby=tokens-title] tbody tr:has-text("Fachverfahren")')
  await tokenRow.waitFor()
  assert.not.ok((await tokenRow.innerText()).includes(token), 'the list shows only the prefix')
  const status = await page.evaluate(async (t) => (await fetch('/api/status', { headers: { authorization: `Bearer ${t}` }, credentials: 'omit' })).status, token)
  assert.is(status, 200, 'the token works for automation')
  await checkAccessibility(page, 'Verwaltung', 'verwaltung')

  await tokenRow.getByRole('button', { name: 'Schlüssel Fachverfahren widerrufen' }).click()
  await tokenRow.waitFor({ state: 'detached' })
  await page.getByRole('button', { name: 'Ich habe es gesichert' }).click()
  await signOut()
})

uiTest('a reader sees what a reader may: no sources, no user administration, no assistant editing', async () => {
  await signIn(page, USERS.reader)
  assert.equal(await navLabels(), ['Suche', 'Fragen', 'Assistenten', 'Verwaltung', 'Netzwerk', 'Datenschutz folgt'])
  await page.goto(`${env.base}/quellen`)
  await page.waitForSelector('main h1:text("Keine Berechtigung")')
  await page.goto(`${env.base}/assistenten`)
  await page.waitForSelector('.agent-list li')
  assert.is(await page.locator('a:text("Neuer Assistent")').count(), 0)
  assert.is(await page.locator('#agent-import').count(), 0)

  await page.goto(`${env.base}/verwaltung`)
  await page.waitForSelector('section[aria-labelledby=tokens-title]')
  assert.is(await page.locator('section[aria-labelledby=users-title]').count(), 0)
  assert.is(await page.locator('#token-user').count(), 0, 'a reader makes tokens only for herself')

  await page.fill('#own-current', USERS.reader.password)
  await page.fill('#own-new', READER_NEW_PASSWORD)
  await page.getByRole('button', { name: 'Passwort ändern' }).click()
  await page.waitForSelector('.notice.ok:text("Das Passwort wurde geändert.")')
  await signOut()
  await signIn(page, reader)
  await signOut()
})

uiTest('a data protection officer starts on a page she may use', async () => {
  await page.goto(`${env.base}/`)
  await signIn(page, USERS.dpo)
  assert.equal(await navLabels(), ['Verwaltung', 'Datenschutz folgt'], 'the network is for those who search and ask')
  await page.waitForURL(/\/verwaltung$/)
  await page.waitForSelector('section[aria-labelledby=status-title] .facts')
  await signOut()
})

uiTest('an expired session asks to sign in again; signing in continues', async () => {
  await signIn(page, USERS.admin)
  await page.goto(`${env.base}/suche`)
  await page.waitForSelector('#search-query')
  await browser.context.clearCookies()
  await page.fill('#search-query', 'Winterdienst')
  await page.keyboard.press('Enter')
  await page.waitForSelector('.notice:text("Ihre Sitzung ist abgelaufen")')
  await signIn(page, USERS.admin)
  await page.fill('#search-query', 'Winterdienst')
  await page.keyboard.press('Enter')
  await page.waitForSelector('.hit')
  await signOut()
  const me = await page.evaluate(async () => (await fetch('/api/auth/me')).status)
  assert.is(me, 401, 'signed out on the node too')
})

uiTest('the next person at this browser sees nothing of the previous one: not after logout, not after an expired session', async () => {
  await signIn(page, USERS.admin)
  await page.goto(`${env.base}/suche`)
  await page.fill('#search-query', 'Winterdienst')
  await page.keyboard.press('Enter')
  await page.waitForSelector('.hit')
  await signOut()
  await signIn(page, reader)
  await openSearchInApp()
  assert.is(await page.inputValue('#search-query'), '', 'the previous query is gone')
  assert.is(await page.locator('.hit').count(), 0, 'the previous hits are gone')

  // the reader searches, the session expires, and the administrator signs in at the same browser
  await page.fill('#search-query', 'Winterdienst')
  await page.keyboard.press('Enter')
  await page.waitForSelector('.hit')
  await browser.context.clearCookies()
  await page.fill('#search-query', 'Hundesteuer')
  await page.keyboard.press('Enter')
  await page.waitForSelector('.notice:text("Ihre Sitzung ist abgelaufen")')
  await signIn(page, USERS.admin)
  await openSearchInApp()
  assert.is(await page.inputValue('#search-query'), '', "the reader's query is gone")
  assert.is(await page.locator('.hit').count(), 0, "the reader's hits are gone")
  await signOut()
})

uiTest('too many failed logins: the page says how long to wait', async () => {
  for (let i = 0; i < 5; i++) {
    await page.fill('#login-user', USERS.dpo.username)
    await page.fill('#login-password', `falsch-${i}`)
    await page.keyboard.press('Enter')
    await page.waitForSelector('.error[role=alert]')
    await page.waitForFunction(() => !document.querySelector('form button[type=submit]')?.hasAttribute('disabled'))
  }
  await page.fill('#login-user', USERS.dpo.username)
  await page.fill('#login-password', USERS.dpo.password)
  await page.keyboard.press('Enter')
  await page.waitForSelector('.error[role=alert]:has-text("Zu viele fehlgeschlagene Anmeldeversuche")')
  assert.equal(browser.pageErrors, [])
})

test.run()
