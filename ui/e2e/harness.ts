// End-to-end harness: a real node on a temporary data directory with the demo corpus, the built UI, and
// Debian's Chromium driven by playwright-core. Every page is checked with axe-core and photographed.
import '../../node/src/polyfill.ts'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Role } from '@wissensnetz/protocol'
import axe from 'axe-core'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { test } from 'uvu'
import { HttpServer } from '../../node/src/api/server.ts'
import { addSource } from '../../node/src/ingest/add-source.ts'
import { setQuiet } from '../../node/src/log.ts'
import type { WissensnetzNode } from '../../node/src/node.ts'
import { openTestNode } from '../../node/src/test/helpers.ts'

export const CHROMIUM = '/usr/bin/chromium'
const REPO = fileURLToPath(new URL('../../', import.meta.url))
const UI = join(REPO, 'ui')
const DEMO = join(REPO, 'demo')
/**
 * Where the browser tests save their screenshots: docs/screenshots (the README shows them) only when asked
 * (`npm run screenshots`), so that a test run leaves the checkout as it was; otherwise a temporary folder.
 */
export const SCREENSHOTS = process.env.WISSENSNETZ_SCREENSHOTS === '1' ? join(REPO, 'docs/screenshots') : join(tmpdir(), 'wissensnetz-screenshots')
/** One size for every screenshot, so that the README shows them alike. */
export const VIEWPORT = { width: 1280, height: 820 }
/** Rules checked on every page: WCAG 2.1 A and AA (what BITV 2.0 requires) plus axe's best practices. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Why this machine cannot run the browser tests, or null when it can. */
export function skipReason(): string | null {
  if (!existsSync(CHROMIUM)) return `SKIP ui e2e: ${CHROMIUM} missing (apt-get install -y chromium)`
  return null
}

/** Builds the UI when ui/dist is missing or older than a source file (tests must see the current code). */
export function ensureBuilt(): void {
  const built = join(UI, 'dist/index.html')
  const newestSource = Math.max(...[join(UI, 'src'), join(UI, 'index.html')].map(newestMtime))
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource) return
  const result = spawnSync(process.execPath, [join(UI, 'build.mjs')], {
    cwd: UI,
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`ui build failed:\n${result.stdout}${result.stderr}`)
}

function newestMtime(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))))
}

/**
 * What every browser test file sets up alike: where Chromium is missing, its tests are skipped and the reason
 * printed; otherwise the UI is built (when stale), `start` runs and a browser opens before the first test, `ready`
 * receives both (the file keeps them, signs in …), and after the last test the axe summary is printed and both
 * are closed. Returns the function to declare tests with: `test`, or `test.skip` where the browser is missing.
 */
export function browserSuite<Env>(options: {
  start: () => Promise<Env>
  stop: (env: Env) => Promise<void>
  ready: (env: Env, browser: Browser) => void | Promise<void>
}): typeof test.skip {
  setQuiet(true)
  const skip = skipReason()
  if (skip !== null) {
    console.log(skip)
    return test.skip
  }
  let env: Env | undefined
  let browser: Browser | undefined
  test.before(async () => {
    ensureBuilt()
    env = await options.start()
    browser = await openBrowser()
    await options.ready(env, browser)
  })
  test.after(async () => {
    reportAxe()
    await browser?.close()
    if (env !== undefined) await options.stop(env)
  })
  return test
}

export interface TestNode {
  node: WissensnetzNode
  base: string
  stop(): Promise<void>
}

/** Accounts of the test node (login is always required). The admin is in group bauamt to see its mailbox. */
export const USERS = {
  admin: { username: 'admin', password: 'Verwaltung-2026!', roles: ['admin'] as Role[], groups: ['bauamt'] },
  reader: { username: 'leser', password: 'Nur-lesen-2026!', roles: ['reader'] as Role[], groups: [] as string[] },
  dpo: { username: 'dsb', password: 'Datenschutz-2026!', roles: ['dpo'] as Role[], groups: [] as string[] },
}

/** A node with the demo corpus (as `npm start` reads it) and the test accounts, served on a free port. */
export async function startNode(): Promise<TestNode> {
  const node = await openTestNode()
  for (const user of Object.values(USERS)) await node.auth.accounts.createUser({ ...user, displayName: user.username })
  addSource(node.sources, { kind: 'folder', location: join(DEMO, 'ablage'), name: 'Ablage' })
  addSource(node.sources, {
    kind: 'mail',
    location: join(DEMO, 'postfach-bauamt.mbox'),
    name: 'Postfach Bauamt',
    options: { visibility: 'groups' },
    groups: ['bauamt'],
  })
  addSource(node.sources, { kind: 'dms', location: join(DEMO, 'dms-export'), name: 'DMS-Export' })
  await node.scheduler.triggerAll()
  const server = new HttpServer(node, '127.0.0.1', 0)
  await server.start()
  return {
    node,
    base: `http://127.0.0.1:${server.address().port}`,
    stop: async () => {
      await server.stop()
      await node.close()
    },
  }
}

/** Signs in through the login page (the page must show it) and waits for the app. */
export async function signIn(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.fill('#login-user', user.username)
  await page.fill('#login-password', user.password)
  await page.getByRole('button', { name: 'Anmelden' }).click()
  await page.waitForSelector('nav[aria-label=Hauptnavigation]')
}

export interface Browser {
  context: BrowserContext
  page: Page
  /** messages the page logged as errors, and uncaught exceptions: a test fails on any */
  pageErrors: string[]
  close(): Promise<void>
}

export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'wn-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: VIEWPORT,
    locale: 'de-DE',
    acceptDownloads: true,
    reducedMotion: 'reduce',
  })
  const page = context.pages()[0] ?? (await context.newPage())
  page.setDefaultTimeout(15_000)
  const pageErrors: string[] = []
  page.on('pageerror', (err) => pageErrors.push(err.message))
  return {
    context,
    page,
    pageErrors,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  targets: string[]
}

/** Runs axe-core in the page (injected through the debugging protocol, so the page's CSP does not block it). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined')
  if (!loaded) await page.evaluate(axe.source)
  return page.evaluate(async (tags) => {
    const runner = (window as unknown as { axe: typeof axe }).axe
    const result = await runner.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }))
  }, AXE_TAGS)
}

const axeCounts = new Map<string, number>()

/**
 * axe on the page as it is now; fails the test on any violation, naming rule and elements. `screenshotName`:
 * also saves <name>.png in SCREENSHOTS.
 */
export async function checkAccessibility(page: Page, label: string, screenshotName?: string, options: ScreenshotOptions = {}): Promise<void> {
  const violations = await axeViolations(page)
  axeCounts.set(label, violations.length)
  if (screenshotName !== undefined) await screenshot(page, screenshotName, options)
  if (violations.length > 0) throw new Error(`axe found ${violations.length} violations on ${label}:\n${JSON.stringify(violations, null, 2)}`)
}

/** One line per checked page with its number of axe violations. */
export function reportAxe(): void {
  for (const [label, count] of axeCounts) console.log(`axe ${label}: ${count} violations`)
}

export interface ScreenshotOptions {
  /** an element below the fold that the picture is about: scrolled up until its end is in view */
  scrollTo?: string
}

export async function screenshot(page: Page, name: string, options: ScreenshotOptions = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  // From the top of the page, so that every picture shows where the user is (unless it is about something further down).
  if (options.scrollTo === undefined) await page.evaluate(() => window.scrollTo(0, 0))
  else await page.locator(options.scrollTo).evaluate((element) => element.scrollIntoView({ block: 'end' }))
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: 'disabled', caret: 'hide' })
}

/** Presses Tab until the focused element matches `selector`; fails after `max` presses. Keyboard only. */
export async function tabTo(page: Page, selector: string, max = 40, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) === true, selector)) return
    await page.keyboard.press(key)
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120) ?? 'nothing')
  throw new Error(`keyboard focus never reached ${selector}; it is on ${at}`)
}

/** The accessible text of the focused element (to assert where keyboard focus is). */
export const focusedText = (page: Page): Promise<string> => page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? '')
