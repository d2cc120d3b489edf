// Two people use Overworld in Debian's Chromium, step by step; each step checks what the person would see.
// Alice signs up, searches a game with the keyboard, rates, favorites, logs and reviews it, makes a list; Bob
// follows her, sees it in his feed, likes and comments on her review; Alice edits her profile, looks at her stats,
// starts playing a game, adds sessions, finishes it and opens her year in review with its card; she imports her
// Backloggd CSV (picking the game of a row the catalog knows by another name) and sees the games on her profile;
// she deletes her list, signs out and back in; Bob downloads his data, changes his password and deletes his account. Screenshots
// of the steps: test-results/walkthrough/.
//
//   BASE_URL=http://127.0.0.1:8000 node --test e2e/walkthrough.test.mjs     (in web/; scripts/e2e.mjs does this)
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, test } from 'node:test'
import { assertAccessible, BASE, launchBrowser, newPeople, openBrowser, screenshot } from './browser.mjs'

const [alice, bob] = newPeople('alice', 'bob')

/**
 * Alice's history on Backloggd (the community exporter's CSV, as in test/fixtures/imports): four games she has not
 * logged here, one of them under a name the catalog does not know ("Witcher 3", for The Witcher 3: Wild Hunt).
 */
const BACKLOGGD_CSV = [
  'ID,Game Name,Played,Currently Playing,In Backlog,In Wishlist,Liked,Rating,Mastered,Start Date,Finish Date,Hours Played,Minutes Played,Hours to Finish,Minutes to Finish,Hours to Master,Minutes to Master,Replay,Review,Review Contains Spoilers,Backloggd URL',
  '72,Portal 2,True,False,False,False,True,10,False,2019-12-20,2019-12-27,,,8,40,,,False,,False,https://www.backloggd.com/games/portal-2/',
  '1942,Witcher 3,True,False,False,False,False,8,False,2020-12-20,2021-02-14,104,30,,,,,False,"Long, and worth it.",False,https://www.backloggd.com/games/witcher-3/',
  '17000,Stardew Valley,True,False,False,False,False,7,False,2020-03-10,,120,0,,,,,False,,False,https://www.backloggd.com/games/stardew-valley/',
  '119133,Elden Ring,False,False,True,False,False,,False,,,,,,,,,False,,False,https://www.backloggd.com/games/elden-ring/',
].join('\n')

describe('two people use Overworld', () => {
  let browser
  /** Alice's and Bob's browsers. */
  let a
  let b
  let step = 0
  const shot = (page, name) => screenshot(page, 'walkthrough', `${String(++step).padStart(2, '0')}-${name}`)

  before(async () => {
    browser = await launchBrowser()
    a = await openBrowser(browser, { bypassCSP: true })
    b = await openBrowser(browser, { bypassCSP: true })
  })

  after(async () => {
    await browser?.close()
  })

  test('a sign-up with a bad email shows the message next to the email field', async () => {
    await a.page.goto(`${BASE}/signup`)
    await a.page.getByLabel('Username').fill(alice.username)
    await a.page.getByLabel('Email').fill('not-an-email')
    await a.page.getByLabel('Password').fill(alice.password)
    await a.page.getByRole('button', { name: 'Create account' }).click()
    const emailError = a.page.locator('.field-invalid').filter({ has: a.page.getByLabel('Email') }).locator('.field-errors')
    await emailError.waitFor()
    assert.match(await emailError.innerText(), /valid email/i)
    assert.equal(await a.page.getByLabel('Email').getAttribute('aria-invalid'), 'true')
    await shot(a.page, 'signup-error')
  })

  test('Alice corrects it and is signed in, welcomed on the home page', async () => {
    await a.page.getByLabel('Email').fill(alice.email)
    await a.page.getByRole('button', { name: 'Create account' }).click()
    await a.page.getByRole('heading', { name: `Welcome, ${alice.username}` }).waitFor()
    assert.equal(new URL(a.page.url()).pathname, '/')
  })

  test('she searches with the keyboard: typing shows suggestions, ↓ and Enter open the game', async () => {
    const search = a.page.getByRole('combobox', { name: 'Search games' })
    await search.fill('celest')
    await a.page.getByRole('option', { name: /Celeste/ }).first().waitFor()
    assert.equal(await search.getAttribute('aria-expanded'), 'true')
    await search.press('ArrowDown')
    assert.ok(await search.getAttribute('aria-activedescendant'))
    await assertAccessible(a.page)
    await shot(a.page, 'search-suggestions')
    await search.press('Enter')
    await a.page.getByRole('heading', { level: 1, name: 'Celeste' }).waitFor()
    assert.equal(new URL(a.page.url()).pathname, '/games/celeste')
  })

  test('she rates it 4.5 stars and makes it a favorite', async () => {
    await a.page.locator('.viewer-panel').getByText('4.5 stars').click({ force: true })
    await a.page.getByRole('status').filter({ hasText: 'Rated 4.5 stars.' }).waitFor()
    await a.page.getByRole('button', { name: 'Favorite' }).click()
    await a.page.waitForFunction(() => document.querySelector('[data-kind="favorite"]')?.getAttribute('aria-pressed') === 'true')
  })

  test('she logs it with a review: the review shows on the page and the game is marked played', async () => {
    await a.page.getByRole('button', { name: 'Log or review…' }).click()
    const dialog = a.page.getByRole('dialog', { name: 'Log Celeste' })
    await dialog.getByLabel('Platform').selectOption('PC')
    await dialog.getByLabel('Review').fill('Every screen is a little puzzle. The music carries you up the mountain.')
    await dialog.getByLabel('Liked it').check()
    await assertAccessible(a.page)
    await shot(a.page, 'log-dialog')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await a.page.locator('.review').filter({ hasText: alice.username }).filter({ hasText: 'The music carries you' }).waitFor()
    await a.page.waitForFunction(() => document.querySelector('[data-kind="played"]')?.getAttribute('aria-pressed') === 'true')
    assert.equal(await dialog.isVisible(), false)
    await shot(a.page, 'game-after-log')
  })

  test('she makes a list: two games added through search, reordered, with a note', async () => {
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
    assert.deepEqual(await a.page.locator('.list-items .game-card-name').allInnerTexts(), ['Hollow Knight', 'Celeste'])
    await a.page.getByText('Farewell is the hardest chapter.').waitFor()
    await shot(a.page, 'list')
  })

  test('Bob signs up and follows Alice from her profile', async () => {
    await b.page.goto(`${BASE}/signup`)
    await b.page.getByLabel('Username').fill(bob.username)
    await b.page.getByLabel('Email').fill(bob.email)
    await b.page.getByLabel('Password').fill(bob.password)
    await b.page.getByRole('button', { name: 'Create account' }).click()
    await b.page.getByRole('heading', { name: `Welcome, ${bob.username}` }).waitFor()
    await b.page.goto(`${BASE}/u/${alice.username}`)
    await b.page.getByRole('button', { name: `Follow ${alice.username}` }).click()
    await b.page.getByRole('button', { name: `Following ${alice.username}` }).waitFor()
  })

  test("Alice's followers tab names Bob, and Bob's following tab names Alice", async () => {
    await b.page.goto(`${BASE}/u/${alice.username}/network?show=followers`)
    const followers = b.page.getByRole('list', { name: `People following ${alice.username}` })
    await followers.getByRole('link', { name: bob.username }).waitFor()
    assert.equal(await followers.getByRole('listitem').count(), 1)
    await b.page.goto(`${BASE}/u/${bob.username}/network?show=following`)
    const following = b.page.getByRole('list', { name: `People ${bob.username} follows` })
    await following.getByRole('link', { name: alice.username }).waitFor()
    // From his own list he can unfollow her right there; the button says he follows her.
    await following.getByRole('button', { name: `Following ${alice.username}` }).waitFor()
    await shot(b.page, 'following')
  })

  test("Bob's feed shows Alice's review and her list", async () => {
    await b.page.goto(BASE)
    await b.page.locator('.feed-item').filter({ hasText: 'reviewed Celeste' }).waitFor()
    await b.page.locator('.feed-item').filter({ hasText: 'Mountains to climb' }).waitFor()
    await shot(b.page, 'feed')
  })

  test("Bob likes and comments on Alice's review", async () => {
    await b.page.goto(`${BASE}/games/celeste`)
    const review = b.page.locator('.review').filter({ hasText: alice.username }).first()
    await review.getByRole('button', { name: /Like/ }).click()
    await review.getByRole('button', { name: /Liked/ }).waitFor()
    await review.getByRole('button', { name: /comment/ }).click()
    await review.getByLabel('Add a comment').fill('Have you tried the B-sides?')
    await review.getByRole('button', { name: 'Post comment' }).click()
    await review.locator('.comment').filter({ hasText: 'B-sides' }).waitFor()
    await shot(b.page, 'review-liked-commented')
  })

  test("Alice's reviews tab shows her review with Bob's like", async () => {
    await a.page.goto(`${BASE}/u/${alice.username}/reviews`)
    const review = a.page.locator('.review').filter({ hasText: 'The music carries you' })
    await review.waitFor()
    assert.match(await review.innerText(), /Celeste/)
    assert.match(await review.innerText(), /1 like/)
  })

  test('Alice edits her profile and sees it on her stats page, with charts', async () => {
    await a.page.goto(`${BASE}/settings`)
    await a.page.getByLabel('Bio').fill('Climbing, one strawberry at a time.')
    await a.page.getByLabel('Location').fill('Celeste Mountain')
    await a.page.getByLabel('Twitter').fill('@alice')
    await a.page.getByRole('button', { name: 'Save profile' }).click()
    await a.page.getByText('Saved.').waitFor()
    await a.page.goto(`${BASE}/u/${alice.username}/stats`)
    await a.page.getByText('Climbing, one strawberry at a time.').waitFor()
    await a.page.getByText('Celeste Mountain').waitFor()
    await a.page.getByRole('img', { name: /Ratings \(stars\)/ }).waitFor()
    await shot(a.page, 'stats')
  })

  test('Alice starts playing Hades on PC: it is on her home page and on her profile’s playing shelf', async () => {
    await a.page.goto(`${BASE}/games/hades`)
    const panel = a.page.getByRole('region', { name: 'Your playthroughs' })
    await panel.getByLabel('Platform').selectOption('PC')
    await panel.getByRole('button', { name: 'Start playing' }).click()
    await panel.getByRole('listitem').filter({ hasText: 'Playing · PC' }).waitFor()
    await a.page.getByRole('region', { name: 'Time to beat' }).getByText('1 person is playing it now').waitFor()
    await shot(a.page, 'playing')
    await a.page.goto(`${BASE}/u/${alice.username}`)
    await a.page.getByRole('list', { name: `${alice.username} is playing` }).getByRole('link', { name: 'Hades' }).waitFor()
    await a.page.goto(BASE)
    await a.page.getByRole('region', { name: 'Playing now' }).getByRole('link', { name: 'Hades' }).waitFor()
  })

  test('she adds time in sessions: an hour from home, 30 minutes and a custom 1 h 30 min on the game page', async () => {
    await a.page.getByRole('button', { name: /^\+1 h of Hades/ }).click()
    await a.page.getByRole('status').filter({ hasText: 'Added 1 h. Total: 1 h.' }).waitFor()
    await a.page.getByRole('region', { name: 'Playing now' }).getByRole('link', { name: 'Hades' }).click()
    const panel = a.page.getByRole('region', { name: 'Your playthroughs' })
    await panel.getByText('1 h · 1 session').waitFor()
    await panel.getByRole('button', { name: /^\+30 min/ }).click()
    await panel.getByRole('status').filter({ hasText: 'Total: 1 h 30 min.' }).waitFor()
    await panel.getByRole('button', { name: /^Custom/ }).click()
    const dialog = a.page.getByRole('dialog', { name: 'Add a session of Hades' })
    await dialog.getByLabel('hours').fill('1')
    await dialog.getByLabel('minutes').fill('30')
    await dialog.getByLabel('Note').fill('Reached Elysium')
    await assertAccessible(a.page)
    await dialog.getByRole('button', { name: 'Add session' }).click()
    await panel.getByText('3 h · 3 sessions').waitFor()
    assert.equal(await dialog.isVisible(), false)
  })

  test('she finishes it (main story and extras): it is played, off her shelf, and on her Playthroughs tab', async () => {
    const panel = a.page.getByRole('region', { name: 'Your playthroughs' })
    await panel.getByRole('button', { name: 'Finish…' }).click()
    const dialog = a.page.getByRole('dialog', { name: 'Finish Hades' })
    await dialog.getByLabel('Main + extras').check()
    await assertAccessible(a.page)
    await shot(a.page, 'finish-dialog')
    await dialog.getByRole('button', { name: 'Finish', exact: true }).click()
    await panel.getByRole('listitem').filter({ hasText: 'Finished · Main + extras · PC' }).waitFor()
    await a.page.waitForFunction(() => document.querySelector('[data-kind="played"]')?.getAttribute('aria-pressed') === 'true')
    assert.equal(await panel.getByRole('button', { name: /^\+30 min/ }).count(), 0)
    await a.page.goto(`${BASE}/u/${alice.username}/playthroughs`)
    const row = a.page.getByRole('list', { name: 'Playthroughs' }).getByRole('listitem').filter({ hasText: 'Hades' })
    await row.getByText('Finished · Main + extras · PC').waitFor()
    await row.getByText('3 h · 3 sessions').waitFor()
    assert.equal(await a.page.getByRole('list', { name: `${alice.username} is playing` }).count(), 0)
    await shot(a.page, 'playthroughs-tab')
  })

  test('she logs an earlier playthrough of Celeste in one go: platform, store, dates, completion and 12 hours', async () => {
    await a.page.goto(`${BASE}/games/celeste`)
    await a.page.getByRole('region', { name: 'Your playthroughs' }).getByRole('button', { name: 'Log a playthrough…' }).click()
    const dialog = a.page.getByRole('dialog', { name: 'Log a playthrough of Celeste' })
    await dialog.getByLabel('Platform').selectOption('Nintendo Switch')
    await dialog.getByLabel('Storefront').selectOption({ label: 'Nintendo eShop' })
    await dialog.getByLabel('Completionist (100%)').check()
    await dialog.getByLabel('Started on').fill('2024-01-20')
    await dialog.getByLabel('Finished on').fill('2024-01-10')
    await dialog.getByLabel('hours').fill('12')
    await assertAccessible(a.page)
    await shot(a.page, 'log-playthrough')
    await dialog.getByRole('button', { name: 'Save playthrough' }).click()
    // A finish before the start is refused beside its field; corrected, it saves.
    const finished = dialog.locator('.field-invalid').filter({ has: a.page.getByLabel('Finished on') })
    await finished.getByText('A playthrough cannot end before it starts.').waitFor()
    await dialog.getByLabel('Finished on').fill('2024-02-10')
    await dialog.getByRole('button', { name: 'Save playthrough' }).click()
    const panel = a.page.getByRole('region', { name: 'Your playthroughs' })
    await panel.getByText('Finished · Completionist (100%) · Nintendo Switch · Nintendo eShop').waitFor()
    await panel.getByText('12 h · 0 sessions').waitFor()
    assert.equal(await dialog.isVisible(), false)
  })

  test('from her profile’s stats she opens her year in review: the hours, the finish and the card to download', async () => {
    const year = new Date().getFullYear()
    await a.page.getByRole('link', { name: /^Your profile/ }).click()
    await a.page.getByRole('navigation', { name: 'Profile sections' }).getByRole('link', { name: 'Stats' }).click()
    await a.page.getByRole('navigation', { name: 'Years in review' }).getByRole('link', { name: String(year) }).click()
    await a.page.getByRole('heading', { level: 1, name: `${year} in review` }).waitFor()
    const numbers = a.page.getByRole('list', { name: 'The year in numbers' })
    await numbers.getByText('3 h').waitFor()
    assert.match(await numbers.innerText(), /1\s+game finished/)
    const card = a.page.getByRole('img', { name: new RegExp(`${year} on Overworld: 3 h played, 1 game finished`) })
    await card.waitFor()
    await a.page.waitForFunction(() => (document.querySelector('.year-card img')?.naturalWidth ?? 0) > 0)
    await assertAccessible(a.page)
    await shot(a.page, 'year-in-review')
    const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.getByRole('link', { name: 'Download the card (SVG)' }).click()])
    assert.equal(download.suggestedFilename(), `overworld-${alice.username}-${year}.svg`)
    const svg = await readFile(await download.path(), 'utf8')
    assert.match(svg, /^<svg/)
    assert.ok(svg.includes(alice.username))
  })

  test('from Settings → Import she uploads her Backloggd CSV: the preview says what each row will do', async () => {
    await a.page.goto(`${BASE}/settings`)
    await a.page.getByRole('link', { name: 'Import…' }).click()
    await a.page.getByRole('heading', { level: 1, name: 'Import your games' }).waitFor()
    await a.page.getByRole('radio', { name: 'Backloggd' }).check()
    await a.page.getByLabel('Your Backloggd file').setInputFiles({ name: 'backloggd.csv', mimeType: 'text/csv', buffer: Buffer.from(BACKLOGGD_CSV) })
    await a.page.getByRole('button', { name: 'Upload and preview' }).click()
    const summary = a.page.getByRole('list', { name: 'What the import will do' })
    await summary.waitFor()
    assert.match(await summary.innerText(), /3\s+to add/)
    assert.match(await summary.innerText(), /1\s+unmatched/)
    const rows = a.page.getByRole('table', { name: 'What each row of the file will do' })
    const portal = rows.getByRole('row').filter({ hasText: 'Portal 2' })
    await portal.getByText('rate 5 stars').waitFor()
    await portal.getByText(/add a finished playthrough/).waitFor()
    await rows.getByRole('row').filter({ hasText: 'Witcher 3' }).getByText('No game of this name in the catalog.').waitFor()
    await assertAccessible(a.page)
    await shot(a.page, 'import-preview')
  })

  test('she shows the unmatched rows only and picks the right game for “Witcher 3”', async () => {
    await a.page.getByRole('navigation', { name: 'Which rows' }).getByRole('link', { name: /^Unmatched/ }).click()
    const rows = a.page.getByRole('table', { name: 'What each row of the file will do' })
    await a.page.waitForURL(/show=unmatched/)
    // The whole page of rows goes first (the filtered one may take a moment), then only that row is there.
    await rows.locator('tbody tr').nth(1).waitFor({ state: 'detached' })
    await rows.getByRole('row').filter({ hasText: 'Witcher 3' }).waitFor()
    assert.equal(await rows.locator('tbody tr').count(), 1)
    const picker = rows.getByRole('combobox', { name: 'Game for “Witcher 3”' })
    await picker.fill('witcher 3')
    await rows.getByRole('option', { name: /The Witcher 3: Wild Hunt/ }).first().waitFor()
    await rows.locator('.combobox-list:not([aria-busy])').waitFor()
    await assertAccessible(a.page)
    await shot(a.page, 'import-pick')
    await rows.getByRole('option', { name: /The Witcher 3: Wild Hunt/ }).first().click()
    await a.page.getByRole('status').filter({ hasText: '“Witcher 3” is now The Witcher 3: Wild Hunt.' }).waitFor()
    await a.page.getByText('No rows here.').waitFor()
    assert.match(await a.page.getByRole('list', { name: 'What the import will do' }).innerText(), /4\s+to add/)
    await a.page.getByRole('navigation', { name: 'Which rows' }).getByRole('link', { name: /^Added/ }).click()
    const witcher = a.page.getByRole('table').getByRole('row').filter({ hasText: 'Witcher 3' })
    await witcher.getByRole('link', { name: 'The Witcher 3: Wild Hunt' }).waitFor()
    await witcher.getByText('picked by you').waitFor()
  })

  test('she imports it: a progress bar while it is written, then the summary, and it is in her past imports', async () => {
    await a.page.getByRole('button', { name: 'Import 4 rows' }).click()
    await a.page.getByRole('progressbar', { name: /Importing/ }).waitFor()
    const done = a.page.getByRole('list', { name: 'What the import did' })
    await done.waitFor()
    assert.match(await done.innerText(), /4\s+added/)
    assert.match(await done.innerText(), /0\s+unmatched/)
    await a.page.getByRole('status').filter({ hasText: 'Imported: 4 added.' }).waitFor()
    const past = a.page.getByRole('list', { name: 'Past imports' }).getByRole('listitem').first()
    await past.getByText(/Backloggd/).waitFor()
    await past.getByText('Done').waitFor()
    await assertAccessible(a.page)
    await shot(a.page, 'import-done')
  })

  test('her profile shows the imported games: played with the picked one, and on her backlog', async () => {
    await a.page.getByRole('link', { name: 'See your games' }).click()
    const played = a.page.getByRole('list', { name: 'played games' })
    await played.getByRole('link', { name: 'Portal 2' }).waitFor()
    await played.getByRole('link', { name: 'The Witcher 3: Wild Hunt' }).waitFor()
    await played.getByRole('link', { name: 'Stardew Valley' }).waitFor()
    await a.page.getByRole('navigation', { name: 'Which games' }).getByRole('link', { name: 'Backlog' }).click()
    await a.page.getByRole('list', { name: 'backlog games' }).getByRole('link', { name: 'Elden Ring' }).waitFor()
    await a.page.goto(`${BASE}/games/portal-2`)
    await a.page.getByRole('region', { name: 'Your playthroughs' }).getByText(/Finished · Main/).waitFor()
    await shot(a.page, 'imported-game')
  })

  test('she deletes her list after confirming, and its page is then a 404', async () => {
    await a.page.goto(`${BASE}/u/${alice.username}/lists`)
    await a.page.getByRole('link', { name: /Mountains to climb/ }).click()
    await a.page.getByRole('heading', { level: 1, name: 'Mountains to climb' }).waitFor()
    const listUrl = a.page.url()
    await a.page.getByRole('button', { name: 'Delete' }).click()
    const confirm = a.page.getByRole('dialog', { name: 'Delete this list?' })
    await confirm.getByRole('button', { name: 'Delete list' }).click()
    await a.page.waitForURL(`${BASE}/u/${alice.username}/lists`)
    await a.page.getByText('No lists yet.').waitFor()
    await a.page.goto(listUrl)
    await a.page.getByRole('heading', { name: 'We couldn’t find that list' }).waitFor()
  })

  test('she signs out from settings and lands on the home page; back in with her email; a reload keeps her in', async () => {
    await a.page.goto(`${BASE}/settings`)
    await a.page.getByRole('button', { name: 'Save profile' }).waitFor()
    await a.page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await a.page.getByRole('heading', { level: 1, name: /Track the games you’ve played/ }).waitFor()
    assert.equal(new URL(a.page.url()).pathname, '/')
    assert.equal(await a.page.evaluate(() => localStorage.getItem('overworld.token')), null)
    await a.page.getByRole('link', { name: 'Sign in' }).first().click()
    await a.page.getByLabel('Username or email').fill(alice.email)
    await a.page.getByLabel('Password').fill(alice.password)
    await a.page.getByRole('button', { name: 'Sign in' }).click()
    await a.page.getByRole('heading', { name: `Welcome back, ${alice.username}` }).waitFor()
    await a.page.reload()
    await a.page.getByRole('heading', { name: `Welcome back, ${alice.username}` }).waitFor()
  })

  test('a token that stops working signs her out cleanly', async () => {
    await a.page.evaluate(() => localStorage.setItem('overworld.token', 'expired'))
    await a.page.goto(`${BASE}/settings`)
    await a.page.getByText('Your session has ended').waitFor()
    assert.equal(await a.page.evaluate(() => localStorage.getItem('overworld.token')), null)
  })

  test('Bob downloads his data as JSON from settings', async () => {
    await b.page.goto(`${BASE}/settings`)
    const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.getByRole('button', { name: 'Download JSON' }).click()])
    assert.equal(download.suggestedFilename(), `overworld-${bob.username}.json`)
    const data = JSON.parse(await readFile(await download.path(), 'utf8'))
    assert.equal(data.profile.username, bob.username)
    assert.deepEqual(data.review_comments.map((comment) => comment.body), ['Have you tried the B-sides?'])
  })

  test('Bob changes his password: a wrong current one is refused beside its field, the right one works', async () => {
    const section = b.page.getByRole('region', { name: 'Change password' })
    await section.getByLabel('Current password').fill('not-my-password-at-all')
    await section.getByLabel('New password').fill('orange-badger-sonata-88')
    await section.getByRole('button', { name: 'Change password' }).click()
    await section.locator('.field-invalid').filter({ has: b.page.getByLabel('Current password') }).locator('.field-errors').waitFor()
    await section.getByLabel('Current password').fill(bob.password)
    await section.getByRole('button', { name: 'Change password' }).click()
    await section.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor()
    bob.password = 'orange-badger-sonata-88'
  })

  test('Bob deletes his account with his password: he is signed out and his profile is gone', async () => {
    const section = b.page.getByRole('region', { name: 'Delete your account' })
    await section.getByLabel('Your password, to confirm').fill(bob.password)
    await section.getByLabel('I understand this cannot be undone').check()
    await section.getByRole('button', { name: 'Delete my account' }).click()
    await b.page.waitForURL(`${BASE}/`)
    await b.page.getByRole('link', { name: 'Sign in' }).first().waitFor()
    await b.page.goto(`${BASE}/u/${bob.username}`)
    await b.page.getByRole('heading', { name: 'We couldn’t find that person' }).waitFor()
  })

  test('nothing wrote an error to the console', () => {
    assert.deepEqual([...a.errors, ...b.errors], [])
  })
})
