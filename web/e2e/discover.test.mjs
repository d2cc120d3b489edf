// Finding games: from a game's page, its genre chip opens the discover page filtered by that genre, which says how
// many games match, keeps the filter in the URL, pages through them and changes order from its sort select.
//
//   BASE_URL=http://127.0.0.1:8000 node --test e2e/discover.test.mjs     (in web/; scripts/e2e.mjs does this)
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { api, assertAccessible, launchBrowser, openBrowser, screenshot, settled } from './browser.mjs'

let browser
before(async () => {
  browser = await launchBrowser()
})
after(async () => {
  await browser?.close()
})

test("a game's genre chip opens the discover page filtered by that genre", async () => {
  const { page, errors } = await openBrowser(browser, { bypassCSP: true })
  const platformers = await api('GET', '/api/games/discover/?genre=Platform')
  assert.ok(platformers.total > 24, `${platformers.total} platformers: more than a page`)

  await page.goto(new URL('/games/celeste', process.env.BASE_URL ?? 'http://127.0.0.1:8000').toString())
  await page.getByRole('link', { name: 'Platform', exact: true }).click()

  await page.waitForURL((url) => url.pathname === '/discover' && url.searchParams.get('genre') === 'Platform')
  const count = page.getByRole('status').filter({ hasText: `${platformers.total} games` })
  await count.waitFor()
  assert.equal(await page.getByLabel('Genre').inputValue(), 'Platform')
  const names = async () => page.getByRole('list', { name: 'Games' }).getByRole('listitem').allInnerTexts()
  assert.deepEqual(
    (await names()).map((text) => text.split('\n')[0]),
    platformers.results.map((game) => game.name),
  )
  await settled(page)
  await assertAccessible(page)
  await screenshot(page, 'discover', 'genre-platform')

  await page.getByRole('button', { name: 'Next' }).click()
  await page.waitForURL((url) => url.searchParams.get('page') === '2' && url.searchParams.get('genre') === 'Platform')
  await page.getByText(`Page 2 of ${platformers.pages}`).waitFor()

  // A new order starts again from the first page, the genre kept.
  await page.getByLabel('Sort by').selectOption('name')
  await page.waitForURL((url) => url.searchParams.get('sort') === 'name' && !url.searchParams.has('page'))
  const byName = await api('GET', '/api/games/discover/?genre=Platform&sort=name')
  await page.getByRole('list', { name: 'Games' }).getByRole('link', { name: byName.results[0].name }).waitFor()
  await count.waitFor()

  assert.deepEqual(errors, [])
  await page.context().close()
})
