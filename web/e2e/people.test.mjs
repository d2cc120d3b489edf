// Finding people in Debian's Chromium: Ben finds Ada through the header's search with the keyboard and follows
// her from her profile; the home page then suggests Cal, whom Ada follows, and Ben follows him from there; the
// search page lists people too. Screenshots: test-results/people/.
//
//   BASE_URL=http://127.0.0.1:8000 node --test e2e/people.test.mjs     (in web/; scripts/e2e.mjs does this)
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { api, assertAccessible, BASE, launchBrowser, newPeople, openBrowser, screenshot, settled } from './browser.mjs'

const [ada, ben, cal] = newPeople('ada', 'ben', 'cal')

describe('finding people', () => {
  let browser
  /** Ben's browser. */
  let b

  before(async () => {
    for (const person of [ada, ben, cal]) {
      const { token } = await api('POST', '/api/users/register/', { body: person })
      person.token = token
    }
    await api('POST', '/api/users/follow/', { token: ada.token, body: { username: cal.username } })
    browser = await launchBrowser()
    b = await openBrowser(browser, { token: ben.token, bypassCSP: true })
  })

  after(async () => {
    assert.deepEqual(b?.errors ?? [], [], 'no console errors')
    await browser?.close()
  })

  test('Ben types part of Ada’s name in the header: she is suggested under People, and ↓ and Enter open her profile', async () => {
    await b.page.goto(BASE)
    const search = b.page.getByRole('combobox', { name: 'Search games and people' })
    await search.fill(ada.username.slice(0, -1))
    const people = b.page.getByRole('group', { name: 'People' })
    const option = people.getByRole('option', { name: ada.username })
    await option.waitFor()
    await b.page.locator('.combobox-list:not([aria-busy])').waitFor()
    assert.equal(await search.getAttribute('aria-expanded'), 'true')
    const options = await b.page.getByRole('listbox').getByRole('option').evaluateAll((nodes) => nodes.map((node) => node.id))
    const position = options.indexOf(await option.getAttribute('id'))
    assert.ok(position >= 0)
    for (let i = 0; i <= position; i++) await search.press('ArrowDown')
    assert.equal(await search.getAttribute('aria-activedescendant'), options[position])
    await assertAccessible(b.page)
    await screenshot(b.page, 'people', '1-header-search')
    await search.press('Enter')
    await b.page.getByRole('heading', { level: 1, name: ada.username }).waitFor()
    assert.equal(new URL(b.page.url()).pathname, `/u/${ada.username}`)
  })

  test('he follows her from her profile: the button says Following and she has one follower', async () => {
    const followers = b.page.getByRole('link', { name: /Followers/ })
    // textContent: the label is shown in capitals.
    assert.match(await followers.textContent(), /^0\s*Followers$/)
    await b.page.getByRole('button', { name: `Follow ${ada.username}` }).click()
    const following = b.page.getByRole('button', { name: `Following ${ada.username}` })
    await following.waitFor()
    assert.equal(await following.getAttribute('aria-pressed'), 'true')
    await b.page.waitForFunction(() =>
      [...document.querySelectorAll('.profile-stats a')].some((link) => /^1\s*Followers$/.test(link.textContent ?? '')),
    )
    await screenshot(b.page, 'people', '2-followed')
  })

  test('his home page suggests Cal, whom Ada follows, and he follows him from there', async () => {
    await b.page.goto(BASE)
    const suggestions = b.page.getByRole('list', { name: 'People you may know' })
    const suggestion = suggestions.getByRole('listitem').filter({ hasText: cal.username })
    await suggestion.waitFor()
    assert.match(await suggestion.innerText(), new RegExp(`Followed by ${ada.username}, whom you follow`))
    await settled(b.page)
    await assertAccessible(b.page)
    await suggestion.getByRole('button', { name: `Follow ${cal.username}` }).click()
    await suggestion.getByRole('button', { name: `Following ${cal.username}` }).waitFor()
    await screenshot(b.page, 'people', '3-suggestions')
    const calFollowers = await api('GET', `/api/users/${cal.username}/followers`)
    assert.deepEqual(calFollowers.results.map((item) => item.user.username).sort(), [ada.username, ben.username].sort())
  })

  test('the search page lists the people matching, saying whom he follows', async () => {
    await b.page.goto(`${BASE}/search?q=${encodeURIComponent(cal.username)}`)
    const people = b.page.getByRole('list', { name: `People matching “${cal.username}”` })
    await people.getByRole('link', { name: cal.username }).waitFor()
    await people.getByRole('button', { name: `Following ${cal.username}` }).waitFor()
    await settled(b.page)
    await assertAccessible(b.page)
    await screenshot(b.page, 'people', '4-search-page')
  })
})
