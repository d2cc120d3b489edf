// Every page of the app at phone (375 px) and desktop (1280 px) width, signed out and signed in: each shows what
// it is for, has no serious or critical axe-core violation, writes nothing to the console, and is saved as
// test-results/pages/<page>-<width>.png.
//
//   BASE_URL=http://127.0.0.1:8000 node --test e2e/pages.test.mjs     (in web/; scripts/e2e.mjs does this)
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { api, assertAccessible, BASE, launchBrowser, newPeople, openBrowser, screenshot, settled } from './browser.mjs'

const [alice, bob] = newPeople('alice', 'bob')

/** Alice and Bob through the API: a rating, a review, favorites, a list, a follow, a like and a comment. */
async function setUpPeople() {
  for (const person of [alice, bob]) {
    const { token } = await api('POST', '/api/users/register/', { body: person })
    person.token = token
  }
  const celeste = await api('GET', '/api/games/celeste')
  const hollow = await api('GET', '/api/games/hollow-knight')
  await api('PATCH', `/api/users/profile/${alice.username}`, {
    token: alice.token,
    body: { bio: 'Climbing, one strawberry at a time.', location: 'Celeste Mountain', twitter: '@alice', favorites: [celeste.id, hollow.id] },
  })
  const review = await api('POST', '/api/actions/journal/', {
    token: alice.token,
    body: { game: celeste.id, date: '2024-03-01', entry_type: 'finished', platform: 'PC', rating: 4.5, liked: true, review: 'The music carries you up the mountain.' },
  })
  await api('POST', '/api/actions/journal/', {
    token: alice.token,
    body: { game: hollow.id, date: '2023-11-20', entry_type: 'abandoned', rating: 3, review: 'The ending of the Path of Pain…', spoilers: true },
  })
  const hades = await api('GET', '/api/games/hades')
  await api('POST', '/api/actions/wishlist/', { token: alice.token, body: { game: hades.id, value: true } })
  const list = await api('POST', '/api/lists/', {
    token: alice.token,
    body: { title: 'Mountains to climb', description: 'Hard, fair, kind.', ranked: true, games: [{ game: celeste.id, note: 'Farewell is the hardest chapter.' }, { game: hollow.id }] },
  })
  await api('POST', '/api/users/follow/', { token: bob.token, body: { username: alice.username } })
  await api('POST', '/api/users/follow/', { token: alice.token, body: { username: bob.username } })
  await api('POST', `/api/reviews/${review.id}/like`, { token: bob.token })
  await api('POST', `/api/reviews/${review.id}/comments`, { token: bob.token, body: { body: 'Have you tried the B-sides?' } })
  await setUpPlay(hades, hollow)
  await api('POST', '/api/imports/?source=playnite', { token: alice.token, type: 'text/csv', body: PLAYNITE_CSV })
  return { list }
}

/** A Playnite library Alice uploads and leaves in preview: a game to finish, one to match by hand, one for later. */
const PLAYNITE_CSV = [
  'Name,Platforms,Source,Completion Status,TimePlayedHours,PlayCount,LastActivity,Added,UserScore,Favorite,ReleaseDate,Tags,Notes',
  'Portal 2,PC (Windows),Steam,Beaten,8.67,4,2019-12-27 23:10:00,2019-12-20 19:00:00,95,False,2011-04-19,,',
  'Witcher 3,PC (Windows),GOG,Beaten,104.5,40,2021-02-14 21:00:00,2020-12-19 10:00:00,80,False,2015-05-19,rpg,',
  'ELDEN RING,PC (Windows),Steam,Not Played,0,0,,2022-02-25 09:00:00,,False,2022-02-25,,',
].join('\n')

/** Today in UTC: never in the future for the server, which looks at the whole Earth. */
const day = new Date().toISOString().slice(0, 10)
const year = Number(day.slice(0, 4))

/** Alice finished Hades this year (sessions and all) and is playing Hollow Knight. */
async function setUpPlay(hades, hollow) {
  const finished = await api('POST', '/api/playthroughs/', {
    token: alice.token,
    body: { game: hades.id, platform: 'PC', storefront: 'steam', started_on: day },
  })
  for (const minutes of [90, 240]) {
    await api('POST', `/api/playthroughs/${finished.id}/sessions`, { token: alice.token, body: { date: day, minutes } })
  }
  await api('PATCH', `/api/playthroughs/${finished.id}`, {
    token: alice.token,
    body: { status: 'finished', completion: 'main_extras', finished_on: day },
  })
  const playing = await api('POST', '/api/playthroughs/', {
    token: alice.token,
    body: { game: hollow.id, platform: 'Nintendo Switch', started_on: day, replay: true },
  })
  await api('POST', `/api/playthroughs/${playing.id}/sessions`, { token: alice.token, body: { date: day, minutes: 30, note: 'Greenpath' } })
}

/**
 * The pages: a name, a path, who looks (nobody, Alice or Bob), and what must be on the screen once it has loaded.
 * Functions of the list id, which exists only once the data is set up.
 */
const pagesOf = ({ list }) => [
  { name: 'home', path: '/', check: (page) => page.getByRole('heading', { name: /Popular/ }).first() },
  { name: 'signup', path: '/signup', check: (page) => page.getByRole('button', { name: 'Create account' }) },
  { name: 'signin', path: '/signin', check: (page) => page.getByRole('button', { name: 'Sign in' }) },
  // The first visible one: a narrow screen may hide a link of the same name (seen once at 375 px in CI).
  { name: 'search', path: '/search?q=hollow', check: (page) => page.getByRole('link', { name: /Hollow Knight/ }).filter({ visible: true }).first() },
  { name: 'game', path: '/games/celeste', check: (page) => page.getByText('The music carries you up the mountain.') },
  { name: 'profile', path: `/u/${alice.username}`, check: (page) => page.getByRole('list', { name: `${alice.username} is playing` }) },
  { name: 'profile-journal', path: `/u/${alice.username}/journal`, as: alice, check: (page) => page.getByRole('button', { name: 'Edit your review of Celeste' }) },
  { name: 'profile-games', path: `/u/${alice.username}/games`, check: (page) => page.getByRole('list', { name: 'played games' }) },
  { name: 'profile-reviews', path: `/u/${alice.username}/reviews`, check: (page) => page.getByText('The music carries you up the mountain.') },
  { name: 'profile-lists', path: `/u/${alice.username}/lists`, check: (page) => page.getByText('Mountains to climb') },
  {
    name: 'profile-followers',
    path: `/u/${alice.username}/network?show=followers`,
    check: (page) => page.getByRole('list', { name: `People following ${alice.username}` }).getByRole('link', { name: bob.username }),
  },
  { name: 'profile-stats', path: `/u/${alice.username}/stats`, check: (page) => page.getByRole('img', { name: /Ratings \(stars\)/ }) },
  {
    name: 'profile-playthroughs',
    path: `/u/${alice.username}/playthroughs`,
    check: (page) => page.getByRole('list', { name: 'Playthroughs' }).getByText(/Finished · Main \+ extras/),
  },
  { name: 'year', path: `/u/${alice.username}/year/${year}`, check: (page) => page.getByRole('img', { name: /: 6 h played/ }) },
  { name: 'year-empty', path: `/u/${alice.username}/year/2001`, check: (page) => page.getByText('Nothing played, started or finished in 2001 yet.') },
  { name: 'unknown-year', path: `/u/${alice.username}/year/1200`, check: (page) => page.getByRole('heading', { name: /couldn’t find that/ }) },
  { name: 'list', path: `/lists/${list.id}`, check: (page) => page.getByText('Farewell is the hardest chapter.') },
  { name: 'unknown-user', path: '/u/nobody-at-all', check: (page) => page.getByRole('heading', { name: /couldn’t find that/ }) },
  { name: 'unknown-game', path: '/games/no-such-game', check: (page) => page.getByRole('heading', { name: /couldn’t find that/ }) },
  { name: 'unknown-list', path: '/lists/99999999', check: (page) => page.getByRole('heading', { name: /couldn’t find that/ }) },
  { name: 'unknown-page', path: '/no/such/page', check: (page) => page.getByRole('heading', { name: /couldn’t find that/ }) },
  { name: 'feed', path: '/', as: alice, check: (page) => page.getByRole('button', { name: /^\+1 h of Hollow Knight/ }) },
  { name: 'game-signed-in', path: '/games/celeste', as: alice, check: (page) => page.getByRole('button', { name: 'Log or review…' }) },
  { name: 'game-playing', path: '/games/hollow-knight', as: alice, check: (page) => page.getByRole('button', { name: /^\+30 min/ }) },
  { name: 'game-finished', path: '/games/hades', as: alice, check: (page) => page.getByText('Finished · Main + extras · PC · Steam') },
  { name: 'profile-own', path: `/u/${alice.username}`, as: alice, check: (page) => page.getByRole('link', { name: 'Edit profile' }) },
  {
    name: 'profile-following',
    path: `/u/${bob.username}/network?show=following`,
    as: alice,
    check: (page) => page.getByRole('list', { name: `People ${bob.username} follows` }).getByRole('link', { name: alice.username }),
  },
  { name: 'list-new', path: '/lists/new', as: alice, check: (page) => page.getByRole('button', { name: 'Create list' }) },
  { name: 'list-edit', path: `/lists/${list.id}/edit`, as: alice, check: (page) => page.getByLabel('Note for Celeste') },
  { name: 'settings', path: '/settings', as: alice, check: (page) => page.getByRole('button', { name: 'Save profile' }) },
  { name: 'import', path: '/settings/import', as: bob, check: (page) => page.getByRole('group', { name: 'Where from?' }) },
  {
    name: 'import-preview',
    path: '/settings/import',
    as: alice,
    check: (page) => page.getByRole('table', { name: 'What each row of the file will do' }).getByRole('combobox', { name: 'Game for “Witcher 3”' }),
  },
]

describe('every page at phone and desktop width', () => {
  let browser
  let pages = []

  before(async () => {
    browser = await launchBrowser()
    pages = pagesOf(await setUpPeople())
  })

  after(async () => {
    await browser?.close()
  })

  for (const width of [375, 1280]) {
    test(`${width} px: each page shows its content, passes axe-core and logs no error`, async (t) => {
      for (const spec of pages) {
        await t.test(`${spec.name} (${spec.path}${spec.as ? ', signed in' : ''})`, async () => {
          const { context, page, errors } = await openBrowser(browser, { width, height: width < 600 ? 812 : 900, token: spec.as?.token, bypassCSP: true })
          try {
            await page.goto(new URL(spec.path, BASE).href)
            await spec.check(page).waitFor()
            await settled(page)
            await screenshot(page, 'pages', `${spec.name}-${width}`)
            await assertAccessible(page)
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
            assert.ok(overflow <= 0, `the page is ${overflow}px wider than the ${width}px screen`)
            assert.deepEqual(errors, [])
          } finally {
            await context.close()
          }
        })
      }
    })
  }
})
