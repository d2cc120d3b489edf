// Hearing back, in Debian's Chromium: Alice makes a list; Bob likes it, comments on it twice and deletes one of
// his comments; Alice sees the unread badge in the header, opens her notifications, follows one to the list, and
// deletes Bob's comment there as the list's owner. Screenshots: test-results/social/.
//
//   BASE_URL=http://127.0.0.1:8000 node --test e2e/social.test.mjs     (in web/; scripts/e2e.mjs does this)
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { api, assertAccessible, BASE, launchBrowser, newPeople, openBrowser, screenshot, settled } from './browser.mjs'

const [alice, bob] = newPeople('alice', 'bob')
const TITLE = 'Games about mountains'

describe('likes and comments on a list, and the notifications they make', () => {
  let browser
  /** Alice's and Bob's browsers, signed in. */
  let a
  let b
  let list
  let step = 0
  const shot = (page, name) => screenshot(page, 'social', `${String(++step).padStart(2, '0')}-${name}`)

  before(async () => {
    for (const person of [alice, bob]) person.token = (await api('POST', '/api/users/register/', { body: person })).token
    const celeste = await api('GET', '/api/games/celeste')
    list = await api('POST', '/api/lists/', { token: alice.token, body: { title: TITLE, games: [{ game: celeste.id, note: 'Climb.' }] } })
    browser = await launchBrowser()
    a = await openBrowser(browser, { token: alice.token, bypassCSP: true })
    b = await openBrowser(browser, { token: bob.token, bypassCSP: true })
  })

  after(async () => {
    assert.deepEqual([...a.errors, ...b.errors], [])
    await browser?.close()
  })

  test("Bob likes Alice's list: the button is pressed and the count goes up", async () => {
    await b.page.goto(`${BASE}/lists/${list.id}`)
    const like = b.page.getByRole('button', { name: /^Like this list · 0 likes$/ })
    await like.click()
    await b.page.getByRole('button', { name: /Liked this list · 1 like$/, pressed: true }).waitFor()
  })

  test('he comments twice, and deletes the second comment after confirming', async () => {
    const comments = b.page.getByRole('region', { name: /comment/ })
    await comments.getByText('No comments yet.').waitFor()
    for (const text of ['Farewell is the hardest chapter.', 'Oops, wrong list.']) {
      await b.page.getByLabel('Add a comment').fill(text)
      await b.page.getByRole('button', { name: 'Post comment' }).click()
      await b.page.locator('.comment').filter({ hasText: text }).waitFor()
    }
    await b.page.getByRole('heading', { name: '2 comments' }).waitFor()
    await b.page.locator('.comment').filter({ hasText: 'Oops' }).getByRole('button', { name: `Delete comment by ${bob.username}` }).click()
    const dialog = b.page.getByRole('dialog', { name: 'Delete this comment?' })
    await dialog.getByRole('button', { name: 'Delete comment' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await b.page.getByRole('heading', { name: '1 comment' }).waitFor()
    assert.equal(await b.page.locator('.comment').count(), 1)
    await assertAccessible(b.page)
    await shot(b.page, 'list-liked-commented')
  })

  test('Alice sees two unread items in the header and opens them: a like and a comment, each linking to the list', async () => {
    await a.page.goto(`${BASE}/`)
    await a.page.getByRole('link', { name: /^Notifications\W+2 unread$/ }).click()
    await a.page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor()
    const items = a.page.locator('.notification')
    await items.first().waitFor()
    for (const what of ['commented on', 'liked']) {
      await items.getByRole('link', { name: `${bob.username} ${what} your list “${TITLE}”`, exact: true }).waitFor()
    }
    assert.equal(await items.count(), 2)
    assert.equal(await a.page.locator('.notification-unread').count(), 2, 'shown as new on this visit')
    // Seen: the badge goes once the page has marked them read.
    await a.page.getByRole('link', { name: 'Notifications', exact: true }).waitFor()
    await settled(a.page)
    await assertAccessible(a.page)
    await shot(a.page, 'notifications')
  })

  test('she follows one to the list, and deletes Bob’s comment there as its owner', async () => {
    await a.page.getByRole('link', { name: `${bob.username} liked your list “${TITLE}”` }).click()
    await a.page.getByRole('heading', { level: 1, name: TITLE }).waitFor()
    assert.equal(new URL(a.page.url()).pathname, `/lists/${list.id}`)
    await a.page.getByText('1 like').waitFor()
    await a.page.getByRole('button', { name: `Delete comment by ${bob.username}` }).click()
    await a.page.getByRole('dialog', { name: 'Delete this comment?' }).getByRole('button', { name: 'Delete comment' }).click()
    await a.page.getByText('No comments yet.').waitFor()
    await a.page.getByRole('heading', { name: '0 comments' }).waitFor()
  })

  test('her notifications are read now: no badge, and the deleted comment’s notification is gone', async () => {
    await a.page.getByRole('link', { name: 'Notifications', exact: true }).click()
    await a.page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor()
    await settled(a.page)
    const items = a.page.locator('.notification')
    // The page may first show what it held from the last visit, then what is there now: one item.
    await a.page.waitForFunction(() => document.querySelectorAll('.notification').length === 1)
    await items.getByRole('link', { name: `${bob.username} liked your list “${TITLE}”`, exact: true }).waitFor()
    assert.equal(await a.page.locator('.notification-unread').count(), 0)
    await shot(a.page, 'notifications-read')
  })
})
