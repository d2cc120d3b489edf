#!/usr/bin/env node
// A walk through the app in Debian's Chromium, as two people would use it (a start for the e2e suite).
//
//   node e2e/walkthrough.mjs http://127.0.0.1:4173 [OUT_DIR]
//
// Needs the API behind BASE (vite preview proxies it). Uses fresh usernames, so it runs on any database.
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { chromium } from 'playwright-core'

const base = process.argv[2] ?? 'http://127.0.0.1:4173'
const out = process.argv[3] ?? 'test-results/walkthrough'
await mkdir(out, { recursive: true })
const suffix = Date.now().toString(36).slice(-5)
const alice = { username: `alice_${suffix}`, email: `alice_${suffix}@example.com`, password: 'purple-otter-kayak-42' }
const bob = { username: `bob_${suffix}`, email: `bob_${suffix}@example.com`, password: 'green-walrus-tandem-17' }

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
})
const errors = []

async function newPerson() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const origin = new URL(base).origin
  await context.route((url) => url.origin !== origin, (route) => route.fulfill({ contentType: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg"/>' }))
  const page = await context.newPage()
  page.on('console', (msg) => {
    // Chrome logs every 4xx answer; the steps that cause one (a bad sign-up, an expired token) expect it.
    if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) errors.push(`${page.url()}: ${msg.text()}`)
  })
  page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`))
  return { context, page }
}

let step = 0
async function shot(page, name) {
  await page.screenshot({ path: `${out}/${String(++step).padStart(2, '0')}-${name}.png`, fullPage: true })
}

async function signUp(page, person) {
  await page.goto(`${base}/signup`)
  await page.getByLabel('Username').fill(person.username)
  await page.getByLabel('Email').fill(person.email)
  await page.getByLabel('Password').fill(person.password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('heading', { name: `Welcome back, ${person.username}` }).waitFor()
}

// --- Alice: validation messages sit next to their field ---
const a = await newPerson()
await a.page.goto(`${base}/signup`)
await a.page.getByLabel('Username').fill(alice.username)
await a.page.getByLabel('Email').fill('not-an-email')
await a.page.getByLabel('Password').fill(alice.password)
await a.page.getByRole('button', { name: 'Create account' }).click()
const emailError = a.page.locator('.field-invalid').filter({ has: a.page.getByLabel('Email') }).locator('.field-errors')
await emailError.waitFor()
assert.match(await emailError.innerText(), /valid email/i)
await shot(a.page, 'signup-error')
await a.page.getByLabel('Email').fill(alice.email)
await a.page.getByRole('button', { name: 'Create account' }).click()
await a.page.getByRole('heading', { name: `Welcome back, ${alice.username}` }).waitFor()

// --- Alice searches with the keyboard: type, ↓, Enter ---
const search = a.page.getByRole('combobox', { name: 'Search games' })
await search.fill('celest')
await a.page.getByRole('option', { name: /Celeste/ }).first().waitFor()
assert.equal(await search.getAttribute('aria-expanded'), 'true')
await search.press('ArrowDown')
assert.ok(await search.getAttribute('aria-activedescendant'))
await shot(a.page, 'search-suggestions')
await search.press('Enter')
await a.page.getByRole('heading', { level: 1, name: 'Celeste' }).waitFor()

// --- rates it 4.5 stars, logs it with a review, favorites it ---
await a.page.locator('.viewer-panel').getByText('4.5 stars').click({ force: true })
await a.page.getByRole('status').filter({ hasText: 'Rated 4.5 stars.' }).waitFor()
await a.page.getByRole('button', { name: 'Favorite' }).click()
await a.page.waitForFunction(() => document.querySelector('[data-kind="favorite"]')?.getAttribute('aria-pressed') === 'true')
await a.page.getByRole('button', { name: 'Log or review…' }).click()
const dialog = a.page.getByRole('dialog', { name: 'Log Celeste' })
await dialog.getByLabel('Platform').fill('PC')
await dialog.getByLabel('Review').fill('Every screen is a little puzzle. The music carries you up the mountain.')
await dialog.getByLabel('Liked it').check()
await shot(a.page, 'log-dialog')
await dialog.getByRole('button', { name: 'Save' }).click()
await a.page.locator('.review').filter({ hasText: alice.username }).filter({ hasText: 'The music carries you' }).waitFor()
await a.page.waitForFunction(() => document.querySelector('[data-kind="played"]')?.getAttribute('aria-pressed') === 'true')
await shot(a.page, 'game-after-log')

// --- makes a list, adding two games through the search and reordering them ---
await a.page.getByRole('link', { name: 'New list' }).click()
await a.page.getByLabel('Title').fill('Mountains to climb')
const add = a.page.getByRole('combobox', { name: 'Add a game' })
for (const [q, name] of [['celeste', /Celeste/], ['hollow knight', /Hollow Knight/]]) {
  await add.fill(q)
  await a.page.getByRole('option', { name }).first().waitFor()
  await a.page.locator('.combobox-list:not([aria-busy])').waitFor()
  await add.press('ArrowDown')
  await add.press('Enter')
}
await a.page.getByRole('button', { name: /Move Hollow Knight up/ }).click()
await a.page.getByLabel('Note for Celeste').fill('Farewell is the hardest chapter.')
await a.page.getByRole('button', { name: 'Create list' }).click()
await a.page.getByRole('heading', { level: 1, name: 'Mountains to climb' }).waitFor()
const names = await a.page.locator('.list-items .game-card-name').allInnerTexts()
assert.deepEqual(names, ['Hollow Knight', 'Celeste'])
await shot(a.page, 'list')

// --- Bob follows Alice and sees her activity, likes and comments on her review ---
const b = await newPerson()
await signUp(b.page, bob)
await b.page.goto(`${base}/u/${alice.username}`)
await b.page.getByRole('button', { name: `Follow ${alice.username}` }).click()
await b.page.getByRole('button', { name: `Following ${alice.username}` }).waitFor()
await b.page.goto(base)
await b.page.locator('.feed-item').filter({ hasText: 'reviewed Celeste' }).waitFor()
await b.page.locator('.feed-item').filter({ hasText: 'Mountains to climb' }).waitFor()
await shot(b.page, 'feed')
await b.page.goto(`${base}/games/celeste`)
const review = b.page.locator('.review').filter({ hasText: alice.username }).first()
await review.getByRole('button', { name: /Like/ }).click()
await review.getByRole('button', { name: /Liked/ }).waitFor()
await review.getByRole('button', { name: /comment/ }).click()
await review.getByLabel('Add a comment').fill('Have you tried the B-sides?')
await review.getByRole('button', { name: 'Post comment' }).click()
await review.locator('.comment').filter({ hasText: 'B-sides' }).waitFor()
await shot(b.page, 'review-liked-commented')

// --- Alice edits her profile and looks at her stats ---
await a.page.goto(`${base}/settings`)
await a.page.getByLabel('Bio').fill('Climbing, one strawberry at a time.')
await a.page.getByLabel('Location').fill('Celeste Mountain')
await a.page.getByLabel('Twitter').fill('@alice')
await a.page.getByRole('button', { name: 'Save profile' }).click()
await a.page.getByText('Saved.').waitFor()
await a.page.goto(`${base}/u/${alice.username}/stats`)
await a.page.getByText('Climbing, one strawberry at a time.').waitFor()
await a.page.getByRole('img', { name: /Ratings \(stars\)/ }).waitFor()
await shot(a.page, 'stats')

// --- signs out and back in; a reload keeps her signed in ---
await a.page.getByRole('button', { name: 'Sign out' }).click()
await a.page.getByRole('link', { name: 'Sign in' }).first().click()
await a.page.getByLabel('Username or email').fill(alice.email)
await a.page.getByLabel('Password').fill(alice.password)
await a.page.getByRole('button', { name: 'Sign in' }).click()
await a.page.getByRole('heading', { name: `Welcome back, ${alice.username}` }).waitFor()
await a.page.reload()
await a.page.getByRole('heading', { name: `Welcome back, ${alice.username}` }).waitFor()

// --- a token that stops working signs her out cleanly ---
await a.page.evaluate(() => localStorage.setItem('overworld.token', 'expired'))
await a.page.goto(`${base}/settings`)
await a.page.getByText('Your session has ended').waitFor()

await browser.close()
if (errors.length) {
  console.error(`console errors:\n${errors.join('\n')}`)
  process.exit(1)
}
console.log('walkthrough: 1 passed, 0 failed')
