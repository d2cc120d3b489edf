// What the browser tests share: Debian's Chromium through playwright-core, a person's browser (context) that
// records console errors, axe-core, screenshots, and a few API calls to set up data quickly.
//
// The server under test is BASE_URL (scripts/e2e.mjs starts one on a fresh SQLite database); screenshots go under
// E2E_OUT (default ../test-results, i.e. test-results/ at the project root when run from web/).
import assert from 'node:assert/strict'
import { readFile, mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { chromium } from 'playwright-core'

export const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8000'
export const OUT = path.resolve(process.env.E2E_OUT ?? '../test-results')

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']

export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
}

// Chrome logs every 4xx answer; the steps and pages that cause one (a bad sign-up, an unknown user) expect it.
const EXPECTED_CONSOLE_ERROR = /Failed to load resource: the server responded with a status of 4\d\d/

/** The machine has no network: other hosts (Gravatar) get a stand-in picture. */
const STAND_IN_PICTURE =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="#456"/><circle cx="4" cy="3" r="1.6" fill="#9ab"/><rect x="1.5" y="5.2" width="5" height="3" rx="1.5" fill="#9ab"/></svg>'

/**
 * A person's browser at a width, signed in when given a token. `errors` collects console errors and uncaught
 * exceptions; `bypassCSP` lets axe be injected as a script (the app's own policy rightly refuses inline scripts).
 */
export async function openBrowser(browser, { width = 1280, height = 900, token, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, bypassCSP })
  const origin = new URL(BASE).origin
  await context.route((url) => url.origin !== origin, (route) => route.fulfill({ contentType: 'image/svg+xml', body: STAND_IN_PICTURE }))
  if (token) await context.addInitScript((t) => localStorage.setItem('overworld.token', t), token)
  const page = await context.newPage()
  const errors = []
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !EXPECTED_CONSOLE_ERROR.test(msg.text())) errors.push(`${page.url()}: ${msg.text()}`)
  })
  page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`))
  return { context, page, errors }
}

const require = createRequire(import.meta.url)
const axeSource = readFile(require.resolve('axe-core/axe.min.js'), 'utf8')

/** axe-core's serious and critical violations on the page as it is now (the page must allow the script: bypassCSP). */
export async function seriousViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: await axeSource })
  const violations = await page.evaluate(async () => {
    // @ts-ignore: injected above
    const result = await window.axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

export async function assertAccessible(page) {
  const violations = await seriousViolations(page)
  assert.deepEqual(violations, [], `axe-core on ${page.url()}:\n${violations.map((v) => `[${v.impact}] ${v.id}: ${v.help} — ${v.nodes.join(' | ')}`).join('\n')}`)
}

export async function screenshot(page, folder, name) {
  const dir = path.join(OUT, folder)
  await mkdir(dir, { recursive: true })
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true })
}

/** Waits until nothing on the page is loading: no request in flight, no skeleton left. */
export async function settled(page) {
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(() => document.querySelector('[aria-busy="true"]') === null)
}

/** An API call that must succeed; returns the parsed answer. The body is JSON, or sent as it is with its `type`. */
export async function api(method, url, { token, body, type } = {}) {
  const headers = { ...(token ? { authorization: `Token ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': type ?? 'application/json' }) }
  const response = await fetch(new URL(url, BASE), { method, headers, body: body === undefined || type ? body : JSON.stringify(body) })
  const text = await response.text()
  assert.ok(response.ok, `${method} ${url}: ${response.status} ${text}`)
  return text ? JSON.parse(text) : null
}

/** Fresh names on every run, so the suites can share one database and run again on it. */
export function newPeople(...names) {
  const suffix = `${Date.now().toString(36).slice(-4)}${Math.floor(Math.random() * 1296).toString(36)}`
  return names.map((name, i) => ({
    username: `${name}_${suffix}`,
    email: `${name}_${suffix}@example.com`,
    password: ['purple-otter-kayak-42', 'green-walrus-tandem-17', 'amber-heron-violin-63'][i % 3],
  }))
}
