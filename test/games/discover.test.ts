import assert from 'node:assert/strict'
import fs from 'node:fs'
import { beforeEach, it } from 'node:test'
import type { CatalogEntry } from '../../src/games/catalog.js'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { insertGame } from '../../src/games/repository.js'
import { DISCOVER_MIN_RATINGS } from '../../src/games/schemas.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const CATALOG = JSON.parse(fs.readFileSync(new URL('../../resources/games.json', import.meta.url), 'utf8')) as CatalogEntry[]

/** The catalog's names of the entries a test picks, as a set to compare with (order is checked apart). */
const catalogNames = (pick: (entry: CatalogEntry) => boolean) => CATALOG.filter(pick).map((entry) => entry.name).sort()

interface Page {
  results: { name: string; slug: string; release_year: number | null; average_rating: number | null; ratings: number }[]
  total: number
  page: number
  pages: number
}

describeEachDatabase('GET /api/games/discover/', (current) => {
  beforeEach(async () => {
    await loadCatalogIfEmpty(current().db)
  })

  const discover = async (query: string): Promise<Page> => {
    const response = await call(current().app, 'GET', `/api/games/discover/?${query}`)
    assert.equal(response.status, 200, `${query}: ${response.text}`)
    return response.body as Page
  }
  const namesOf = (page: Page) => page.results.map((game) => game.name)

  const gameIdOf = async (slug: string) =>
    (await current().db.selectFrom('games').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id

  let userCount = 0
  const users: RegisteredUser[] = []
  /** The n-th registered user, registered on first use. */
  const user = async (n: number) => {
    while (users.length <= n) users.push(await registerUser(current().app, `browser${++userCount}`))
    return users[n] as RegisteredUser
  }
  beforeEach(() => {
    users.length = 0
  })

  const act = async (who: RegisteredUser, path: string, body: object) => {
    const response = await call(current().app, 'POST', path, { token: who.token, body })
    assert.equal(response.status, 200, response.text)
  }
  const rate = async (slug: string, stars: number[]) => {
    const game = await gameIdOf(slug)
    for (const [i, rating] of stars.entries()) await act(await user(i), '/api/actions/ratings/', { game, rating })
  }
  const log = async (slug: string, people: number) => {
    const game = await gameIdOf(slug)
    for (let i = 0; i < people; i++) await act(await user(i), '/api/actions/log/', { game, value: true })
  }

  it('filters by genre, answering every game of it and how many there are', async () => {
    const page = await discover('genre=Visual%20Novel&sort=name')

    const expected = catalogNames((entry) => entry.genres.includes('Visual Novel'))
    assert.deepEqual([...namesOf(page)].sort(), expected)
    assert.deepEqual({ total: page.total, page: page.page, pages: page.pages }, { total: expected.length, page: 1, pages: 1 })
  })

  it('filters by platform, by developer, and by several filters at once', async () => {
    assert.deepEqual([...namesOf(await discover('platform=Game%20Boy%20Color'))].sort(), catalogNames((entry) => entry.platforms.includes('Game Boy Color')))
    assert.deepEqual([...namesOf(await discover('developer=Team%20Ico'))].sort(), catalogNames((entry) => entry.developers.includes('Team Ico')))

    const snesPlatformers = await discover('genre=Platform&platform=SNES&decade=1990')
    assert.deepEqual(
      [...namesOf(snesPlatformers)].sort(),
      catalogNames((entry) => entry.genres.includes('Platform') && entry.platforms.includes('SNES') && entry.year! >= 1990 && entry.year! < 2000),
    )
    assert.ok(snesPlatformers.total >= 5)
    assert.deepEqual(namesOf(await discover('genre=Platform&platform=SNES&developer=Nintendo%20EAD')), ["Super Mario World 2: Yoshi's Island"])
  })

  it('matches a filter against whole names only: "PlayStation" is not "PlayStation 4"', async () => {
    const page = await discover('platform=PlayStation&limit=100')

    assert.deepEqual([...namesOf(page)].sort(), catalogNames((entry) => entry.platforms.includes('PlayStation')))
  })

  it('filters by release year, and by decade', async () => {
    const year = await discover('year=2017&limit=100')
    assert.deepEqual([...namesOf(year)].sort(), catalogNames((entry) => entry.year === 2017))

    const eighties = await discover('decade=1980&limit=100')
    assert.deepEqual([...namesOf(eighties)].sort(), catalogNames((entry) => entry.year !== null && entry.year >= 1980 && entry.year < 1990))
    assert.equal(eighties.total, eighties.results.length)
  })

  it('finds no game for a filter value the catalog has no game of (200, not an error)', async () => {
    assert.deepEqual(await discover('genre=Underwater%20Basket%20Weaving'), { results: [], total: 0, page: 1, pages: 0 })
    assert.deepEqual(await discover('platform=pc'), { results: [], total: 0, page: 1, pages: 0 })
  })

  it('leaves provisional games (added by accounts) out', async () => {
    const game = await insertGame(current().db, { name: 'Homebrew Quest', genres: ['Visual Novel'], release_year: 2024 })
    await current().db.updateTable('games').set({ provisional: true }).where('id', '=', game).execute()

    assert.ok(!namesOf(await discover('genre=Visual%20Novel')).includes('Homebrew Quest'))
  })

  it('sorts by name, A to Z', async () => {
    assert.deepEqual(namesOf(await discover('decade=1970&sort=name')), ['Asteroids', 'Breakout', 'Pong', 'Space Invaders'])
  })

  it('sorts newest first, games without a release year last', async () => {
    await insertGame(current().db, { name: 'Undated Adventure', genres: ['Point-and-click'] })

    const page = await discover('genre=Point-and-click&sort=newest')

    const years = page.results.map((game) => game.release_year)
    assert.equal(years.at(-1), null)
    const dated = years.slice(0, -1) as number[]
    assert.deepEqual(dated, [...dated].sort((a, b) => b - a))
    assert.equal(page.total, catalogNames((entry) => entry.genres.includes('Point-and-click')).length + 1)
  })

  it('sorts by popularity: most people with the game in their library first, then by name', async () => {
    await log('pong', 2)
    await log('asteroids', 1)

    assert.deepEqual(namesOf(await discover('decade=1970&sort=popular')), ['Pong', 'Asteroids', 'Breakout', 'Space Invaders'])
  })

  it('sorts by activity of the last seven days for "popular_week", the default: older activity does not count', async () => {
    const breakout = await gameIdOf('breakout')
    const someone = await user(0)
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000).toISOString()
    await current()
      .db.insertInto('activities')
      .values(Array.from({ length: 5 }, () => ({ user_id: someone.id, type: 'played' as const, game_id: breakout, created_at: eightDaysAgo })))
      .execute()
    await log('space-invaders', 1)
    await act(someone, '/api/actions/like/', { game: await gameIdOf('pong'), value: true })
    await act(someone, '/api/actions/backlog/', { game: await gameIdOf('pong'), value: true })

    assert.deepEqual(namesOf(await discover('decade=1970')), ['Pong', 'Space Invaders', 'Asteroids', 'Breakout'])
    assert.deepEqual(namesOf(await discover('decade=1970&sort=popular_week')), namesOf(await discover('decade=1970')))
  })

  it(`sorts by average rating, listing only games rated by ${DISCOVER_MIN_RATINGS} or more people`, async () => {
    await rate('celeste', [4, 4.5, 5])
    await rate('hades', [5, 5, 5, 4])
    await rate('tetris', [5, 5])
    await rate('pong', [3, 3, 3])

    const page = await discover('sort=rating')

    assert.deepEqual(
      page.results.map((game) => [game.name, game.average_rating, game.ratings]),
      [
        ['Hades', 4.75, 4],
        ['Celeste', 4.5, 3],
        ['Pong', 3, 3],
      ],
    )
    assert.equal(page.total, 3)
    // Other orders show every game, and a rating only once enough people have rated it.
    const tetris = (await discover('developer=Alexey%20Pajitnov&sort=name')).results.find((game) => game.slug === 'tetris')
    assert.deepEqual(tetris && [tetris.average_rating, tetris.ratings], [null, 2])
  })

  it('pages through the matching games: every game once, the total and page count on each page, past the last page none', async () => {
    const shooters = catalogNames((entry) => entry.genres.includes('Shooter'))
    const pages: Page[] = []
    for (let page = 1; page <= 3; page++) pages.push(await discover(`genre=Shooter&sort=name&limit=50&page=${page}`))

    assert.deepEqual(pages.map((page) => page.results.length), [50, 50, shooters.length - 100])
    for (const page of pages) assert.deepEqual([page.total, page.pages], [shooters.length, 3])
    assert.deepEqual(pages.flatMap(namesOf).sort(), shooters)

    assert.deepEqual(await discover('genre=Shooter&limit=50&page=4'), { results: [], total: shooters.length, page: 4, pages: 3 })
  })

  it('answers 24 games a page by default', async () => {
    const page = await discover('')

    assert.equal(page.results.length, 24)
    assert.equal(page.total, CATALOG.length)
    assert.equal(page.pages, Math.ceil(CATALOG.length / 24))
  })

  for (const [query, field] of [
    ['sort=random', 'sort'],
    ['year=nineteen', 'year'],
    ['year=1800', 'year'],
    ['decade=1995', 'decade'],
    ['year=1995&decade=1990', 'decade'],
    ['page=0', 'page'],
    ['limit=101', 'limit'],
    ['genre=', 'genre'],
    ['tag=rpg', 'tag'],
  ] as const) {
    it(`refuses ?${query} with a 400 naming ${field}`, async () => {
      const response = await call(current().app, 'GET', `/api/games/discover/?${query}`)

      assert.equal(response.status, 400, response.text)
      assert.deepEqual(Object.keys(response.body as object), [field])
    })
  }
}, { popularCacheSeconds: 0 })

describeEachDatabase('GET /api/games/discover/filters/', (current) => {
  it("answers the catalog's genres, platforms and decades, with how many games each has", async () => {
    await loadCatalogIfEmpty(current().db)
    const provisional = await insertGame(current().db, { name: 'Homebrew Quest', genres: ['Visual Novel'], platforms: ['PC'], release_year: 2024 })
    await current().db.updateTable('games').set({ provisional: true }).where('id', '=', provisional).execute()

    const response = await call(current().app, 'GET', '/api/games/discover/filters/')

    assert.equal(response.status, 200, response.text)
    const { genres, platforms, decades } = response.body as Record<string, { value: string | number; games: number }[]>
    const counts = (values: (string | number)[]) => {
      const count = new Map<string | number, number>()
      for (const value of values) count.set(value, (count.get(value) ?? 0) + 1)
      return count
    }
    assert.deepEqual(new Map(genres!.map(({ value, games }) => [value, games])), counts(CATALOG.flatMap((entry) => entry.genres)))
    assert.deepEqual(new Map(platforms!.map(({ value, games }) => [value, games])), counts(CATALOG.flatMap((entry) => entry.platforms)))
    assert.deepEqual(genres![0], { value: 'Adventure', games: counts(CATALOG.flatMap((entry) => entry.genres)).get('Adventure') })
    assert.deepEqual(
      decades,
      [...counts(CATALOG.flatMap((entry) => (entry.year === null ? [] : [Math.floor(entry.year / 10) * 10])))]
        .sort(([a], [b]) => Number(b) - Number(a))
        .map(([value, games]) => ({ value, games })),
    )
  })
}, { popularCacheSeconds: 0 })
