// Proposing a game from the search page: signed out, a way to sign in; signed in, a dialog that adds the game and
// goes to its page, or points at the game the catalog has already.
//
//   BASE_URL=http://127.0.0.1:8000 node --test e2e/propose-game.test.mjs     (in web/; scripts/e2e.mjs does this)
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { api, assertAccessible, BASE, launchBrowser, newPeople, openBrowser, screenshot, settled } from './browser.mjs'

const [alice] = newPeople('alice')
// A title of its own on every run, so that runs sharing a database do not meet each other's game.
const title = `Lantern Keeper ${alice.username.split('_')[1]}`
let browser

before(async () => {
  alice.token = (await api('POST', '/api/users/register/', { body: alice })).token
  browser = await launchBrowser()
})
after(() => browser?.close())

test('signed out, the search page offers to sign in to propose a game', async () => {
  const { context, page, errors } = await openBrowser(browser)
  await page.goto(`${BASE}/search?q=${encodeURIComponent(title)}`)
  await settled(page)
  await page.locator('.propose-game').getByRole('link', { name: 'Sign in' }).waitFor()
  assert.equal(await page.getByRole('button', { name: 'Propose a game' }).count(), 0)
  assert.deepEqual(errors, [])
  await context.close()
})

test('signed in, a game proposed from the search page is added and its page opens; proposing it again points at it', async () => {
  const { context, page, errors } = await openBrowser(browser, { width: 375, token: alice.token, bypassCSP: true })
  await page.goto(`${BASE}/search?q=${encodeURIComponent(title)}`)
  await settled(page)

  await page.getByRole('button', { name: 'Propose a game' }).click()
  const dialog = page.getByRole('dialog', { name: 'Propose a game' })
  assert.equal(await dialog.getByLabel('Title').inputValue(), title)
  await dialog.getByLabel('Release year').fill('2024')
  await dialog.getByLabel('PC', { exact: true }).check()
  await dialog.getByLabel('Nintendo Switch', { exact: true }).check()
  await assertAccessible(page)
  await screenshot(page, 'propose-game', 'dialog-375')
  await dialog.getByRole('button', { name: 'Add the game' }).click()

  await page.waitForURL(/\/games\/lantern-keeper-/)
  await page.getByRole('heading', { name: title, exact: true }).waitFor()
  const slug = new URL(page.url()).pathname.split('/').pop()
  const game = await api('GET', `/api/games/${slug}`)
  assert.deepEqual([game.name, game.release_year, game.platforms], [title, 2024, ['PC', 'Nintendo Switch']])

  await page.goto(`${BASE}/search?q=${encodeURIComponent('no such game at all')}`)
  await settled(page)
  await page.getByRole('button', { name: 'Propose a game' }).click()
  await dialog.getByLabel('Title').fill(title)
  await dialog.getByLabel('Release year').fill('2024')
  await dialog.getByRole('button', { name: 'Add the game' }).click()
  await dialog.getByRole('alert').getByRole('link', { name: title }).waitFor()
  assert.deepEqual(errors, [])
  await context.close()
})
