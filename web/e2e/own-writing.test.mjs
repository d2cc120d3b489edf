// A person owns what they wrote: they edit and delete their own reviews and journal entries, from the game page
// and from their profile, and nobody else's. Then the small things a tester saw: the header (its links keep the
// page to come back to, the wordmark at phone width), the welcome after signing up, "followed you" in the feed,
// the profile's activity and tabs, the stats tiles, and no React Router HydrateFallback warning.
//
//   BASE_URL=http://127.0.0.1:8000 node --test e2e/own-writing.test.mjs     (in web/; scripts/e2e.mjs does this)
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { api, assertAccessible, BASE, launchBrowser, newPeople, openBrowser, screenshot, settled } from './browser.mjs'

const [alice, bob, carol] = newPeople('alice', 'bob', 'carol')
/** A name with capitals, which the header must show as typed. */
const [dana] = newPeople('Dana')
const shot = (page, name) => screenshot(page, 'own-writing', name)

describe('own writing', () => {
  let browser
  let celeste

  before(async () => {
    browser = await launchBrowser()
    for (const person of [alice, bob]) {
      const { token } = await api('POST', '/api/users/register/', { body: person })
      person.token = token
    }
    celeste = await api('GET', '/api/games/celeste')
    await api('POST', '/api/actions/journal/', {
      token: bob.token,
      body: { game: celeste.id, date: '2024-02-01', entry_type: 'finished', review: 'Bob climbed it too.' },
    })
  })

  after(async () => {
    await browser?.close()
  })

  test('Alice logs Celeste with a review, edits it from the game page, then deletes it after a confirmation', async () => {
    const { context, page, errors } = await openBrowser(browser, { token: alice.token, bypassCSP: true })
    try {
      await page.goto(`${BASE}/games/celeste`)
      await page.getByRole('button', { name: 'Log or review…' }).click()
      const log = page.getByRole('dialog', { name: 'Log Celeste' })
      // The platform is one of the game's, or any other typed in once "Other…" is chosen.
      assert.deepEqual(await log.getByLabel('Platform', { exact: true }).locator('option').allInnerTexts(), [
        'Not saying',
        ...celeste.platforms,
        'Other…',
      ])
      await log.getByLabel('Platform', { exact: true }).selectOption('Other…')
      await log.getByLabel('Other platform').fill('Steam Deck')
      await log.getByLabel('Review').fill('A first climb, slow and stubborn.')
      await log.getByRole('button', { name: 'Save' }).click()
      const mine = page.locator('.review').filter({ hasText: alice.username })
      await mine.getByText('A first climb, slow and stubborn.').waitFor()
      await mine.getByText('on Steam Deck').waitFor()

      // Only her own review has Edit and Delete.
      assert.equal(await page.getByRole('button', { name: /^Edit your review/ }).count(), 1)
      assert.equal(await page.locator('.review').filter({ hasText: 'Bob climbed it too.' }).getByRole('button', { name: /^(Edit|Delete)/ }).count(), 0)

      await page.getByRole('button', { name: 'Edit your review of Celeste' }).click()
      const edit = page.getByRole('dialog', { name: 'Edit your review of Celeste' })
      assert.equal(await edit.getByLabel('Review').inputValue(), 'A first climb, slow and stubborn.')
      assert.equal(await edit.getByLabel('Other platform').inputValue(), 'Steam Deck')
      await edit.getByLabel('Platform', { exact: true }).selectOption('Nintendo Switch')
      await edit.getByLabel('Review').fill('Second climb: every screen is a little puzzle.')
      await assertAccessible(page)
      await shot(page, 'edit-dialog')
      await edit.getByRole('button', { name: 'Save' }).click()
      await mine.getByText('Second climb: every screen is a little puzzle.').waitFor()
      await mine.getByText('on Nintendo Switch').waitFor()
      assert.equal(await page.getByText('A first climb, slow and stubborn.').count(), 0)

      await page.getByRole('button', { name: 'Delete your review of Celeste' }).click()
      const confirm = page.getByRole('dialog', { name: 'Delete your review of Celeste?' })
      await assertAccessible(page)
      await shot(page, 'delete-confirmation')
      await confirm.getByRole('button', { name: 'Delete review' }).click()
      await page.getByText('Second climb: every screen is a little puzzle.').waitFor({ state: 'detached' })
      await page.getByText('Bob climbed it too.').waitFor()

      await page.goto(`${BASE}/u/${alice.username}/reviews`)
      await page.getByText('No reviews yet.').waitFor()
      assert.deepEqual(errors, [])
    } finally {
      await context.close()
    }
  })

  test('from her profile she edits a journal entry and deletes it; on Bob’s profile she can do neither', async () => {
    await api('POST', '/api/actions/journal/', { token: alice.token, body: { game: celeste.id, date: '2024-03-01', entry_type: 'started' } })
    const { context, page, errors } = await openBrowser(browser, { token: alice.token, width: 375, height: 812, bypassCSP: true })
    try {
      await page.goto(`${BASE}/u/${alice.username}/journal`)
      const journal = page.getByRole('list', { name: 'Journal' })
      await journal.getByText('started').waitFor()
      await journal.getByRole('button', { name: 'Edit your journal entry of Celeste' }).click()
      const edit = page.getByRole('dialog', { name: 'Edit your journal entry of Celeste' })
      await edit.getByLabel('What happened').selectOption('Abandoned')
      await edit.getByRole('button', { name: 'Save' }).click()
      await journal.getByText('abandoned').waitFor()

      await journal.getByRole('button', { name: 'Delete your journal entry of Celeste' }).click()
      await page.getByRole('dialog', { name: 'Delete your journal entry of Celeste?' }).getByRole('button', { name: 'Delete entry' }).click()
      await page.getByText('No journal entries yet.').waitFor()

      await page.goto(`${BASE}/u/${bob.username}/reviews`)
      await page.getByText('Bob climbed it too.').waitFor()
      await page.goto(`${BASE}/u/${bob.username}/journal`)
      await page.getByRole('list', { name: 'Journal' }).getByText('finished').waitFor()
      assert.equal(await page.getByRole('button', { name: /^(Edit|Delete)/ }).count(), 0)
      assert.deepEqual(errors, [])
    } finally {
      await context.close()
    }
  })

  test('the feed says "followed you", and the profile’s Activity tab lists what the person did', async () => {
    await api('POST', '/api/users/follow/', { token: alice.token, body: { username: bob.username } })
    await api('POST', '/api/users/follow/', { token: bob.token, body: { username: alice.username } })
    await api('POST', '/api/actions/ratings/', { token: bob.token, body: { game: celeste.id, rating: 4 } })
    const { context, page } = await openBrowser(browser, { token: alice.token })
    try {
      await page.goto(BASE)
      await page.locator('.feed-item').filter({ hasText: `${bob.username} followed you` }).waitFor()

      await page.goto(`${BASE}/u/${bob.username}`)
      const activity = page.getByRole('list', { name: `What ${bob.username} did` })
      await activity.locator('.feed-item').filter({ hasText: 'rated Celeste' }).waitFor()
      // Bob followed Alice, who is reading.
      await activity.locator('.feed-item').filter({ hasText: `${bob.username} followed you` }).waitFor()
      await activity.locator('.feed-item').filter({ hasText: 'reviewed Celeste' }).getByText('Bob climbed it too.').waitFor()
    } finally {
      await context.close()
    }
  })
})

describe('what a tester saw', () => {
  let browser

  before(async () => {
    browser = await launchBrowser()
    dana.token = (await api('POST', '/api/users/register/', { body: dana })).token
  })

  after(async () => {
    await browser?.close()
  })

  /** React Router's warnings about the router setup, as the console shows them. */
  const routerWarnings = (page) => {
    const warnings = []
    page.on('console', (message) => {
      if (/HydrateFallback/.test(message.text())) warnings.push(`${page.url()}: ${message.text()}`)
    })
    return warnings
  }

  test('no page load warns that no HydrateFallback element is provided', async () => {
    const { context, page } = await openBrowser(browser, { token: dana.token })
    const warnings = routerWarnings(page)
    try {
      for (const path of ['/', '/games/celeste', `/u/${dana.username}`, `/u/${dana.username}/stats`, '/settings']) {
        await page.goto(`${BASE}${path}`)
        await settled(page)
      }
      assert.deepEqual(warnings, [])
    } finally {
      await context.close()
    }
  })

  test('at 375 px the wordmark shows, usernames are shown as typed, and the profile tabs and stats tiles fit', async () => {
    const { context, page } = await openBrowser(browser, { token: dana.token, width: 375, height: 812 })
    try {
      await page.goto(`${BASE}/u/${dana.username}/stats`)
      await page.getByRole('img', { name: /Ratings \(stars\)/ }).waitFor()
      await settled(page)
      const wordmark = page.locator('.brand').getByText('Overworld', { exact: true })
      assert.ok(await wordmark.isVisible(), 'the wordmark is visible')
      const box = await wordmark.boundingBox()
      assert.ok(box && box.x >= 0 && box.x + box.width <= 375, 'the wordmark is on the screen')

      // Every tab is whole and on the screen: none hidden off to the side.
      for (const tab of await page.getByRole('navigation', { name: 'Profile sections' }).getByRole('link').all()) {
        const { x, width } = await tab.boundingBox()
        assert.ok(x >= 0 && x + width <= 375, `the ${await tab.innerText()} tab is on the screen`)
      }

      // No stat tile is alone on its row.
      const rows = new Map()
      for (const tile of await page.locator('.stat-tiles li').all()) {
        const { y } = await tile.boundingBox()
        rows.set(Math.round(y), (rows.get(Math.round(y)) ?? 0) + 1)
      }
      assert.ok([...rows.values()].every((count) => count > 1), `tiles per row: ${[...rows.values()].join(', ')}`)
      await shot(page, 'stats-375')
    } finally {
      await context.close()
    }
  })

  test('the header shows names as typed and its sign-in and sign-up links keep the page to come back to', async () => {
    const { context, page } = await openBrowser(browser, { width: 375, height: 812 })
    try {
      await page.goto(`${BASE}/games/celeste`)
      const header = page.getByRole('navigation', { name: 'Account' })
      const signIn = header.getByRole('link', { name: 'Sign in' })
      assert.equal(await signIn.innerText(), 'Sign in')
      assert.equal(await signIn.getAttribute('href'), '/signin?next=%2Fgames%2Fceleste')
      assert.equal(await header.getByRole('link', { name: 'Create account' }).getAttribute('href'), '/signup?next=%2Fgames%2Fceleste')
      assert.ok(await page.locator('.brand').getByText('Overworld', { exact: true }).isVisible())
      await shot(page, 'header-375-signed-out')

      await signIn.click()
      await page.getByLabel('Username or email').fill(dana.username)
      await page.getByLabel('Password').fill(dana.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(`${BASE}/games/celeste`)
      await page.getByRole('button', { name: 'Log or review…' }).waitFor()
    } finally {
      await context.close()
    }
    const wide = await openBrowser(browser, { token: dana.token })
    try {
      await wide.page.goto(BASE)
      assert.equal(await wide.page.locator('.nav-profile-name').innerText(), dana.username)
    } finally {
      await wide.context.close()
    }
  })

  test('signing up welcomes a new person, not "Welcome back"', async () => {
    const { context, page } = await openBrowser(browser, { width: 375, height: 812 })
    try {
      await page.goto(`${BASE}/signup`)
      await page.getByLabel('Username').fill(carol.username)
      await page.getByLabel('Email').fill(carol.email)
      await page.getByLabel('Password').fill(carol.password)
      await page.getByRole('button', { name: 'Create account' }).click()
      await page.getByRole('heading', { level: 1, name: `Welcome, ${carol.username}` }).waitFor()
      assert.equal(await page.getByText('Welcome back').count(), 0)
    } finally {
      await context.close()
    }
  })
})
