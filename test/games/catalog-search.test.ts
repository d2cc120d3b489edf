import assert from 'node:assert/strict'
import fs from 'node:fs'
import { beforeEach, it } from 'node:test'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { insertGame, searchNameOf } from '../../src/games/repository.js'
import { createExactNameSearch } from '../../src/games/search.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'
import type { CatalogEntry } from '../../src/games/catalog.js'

const CATALOG = JSON.parse(
  fs.readFileSync(new URL('../../resources/games.json', import.meta.url), 'utf8'),
) as CatalogEntry[]

const SEARCH_HIT_KEYS = ['id', 'igdb', 'name', 'slug', 'cover_url', 'release_year']

/** The catalog's names that match a pattern, in catalog order. */
const catalogNames = (pattern: RegExp) => CATALOG.filter((entry) => pattern.test(entry.name)).map((entry) => entry.name)

describeEachDatabase('loadCatalogIfEmpty', (current) => {
  const gameRows = () =>
    current()
      .db.selectFrom('games')
      .select(['igdb', 'name', 'slug', 'summary', 'first_release_date', 'release_year', 'platforms', 'genres', 'developers', 'cover_url', 'steam_app_id'])
      .orderBy('id')
      .execute()

  it('loads every entry of resources/games.json once, with its facts, and a second call adds nothing', async () => {
    assert.ok(CATALOG.length >= 300, `the catalog ships ${CATALOG.length} games`)
    const expected = CATALOG.map((entry) => ({
      igdb: null,
      name: entry.name,
      slug: entry.slug,
      summary: entry.summary,
      first_release_date: null,
      release_year: entry.year,
      platforms: entry.platforms,
      genres: entry.genres,
      developers: entry.developers,
      cover_url: null,
      steam_app_id: entry.steam_app_id ?? null,
    }))
    const decoded = async () =>
      (await gameRows()).map((row) => ({
        ...row,
        platforms: JSON.parse(row.platforms) as string[],
        genres: JSON.parse(row.genres) as string[],
        developers: JSON.parse(row.developers) as string[],
      }))

    assert.equal(await loadCatalogIfEmpty(current().db), CATALOG.length)
    assert.deepEqual(await decoded(), expected)

    assert.equal(await loadCatalogIfEmpty(current().db), 0)
    assert.deepEqual(await decoded(), expected)
  })

  it('adds nothing to a games table that already holds a game', async () => {
    await insertGame(current().db, { igdb: '3030-68907', name: 'Some Imported Game' })

    assert.equal(await loadCatalogIfEmpty(current().db), 0)

    assert.deepEqual(
      (await gameRows()).map((row) => [row.igdb, row.name, row.slug]),
      [['3030-68907', 'Some Imported Game', 'some-imported-game']],
    )
  })

  it('makes the loaded games searchable right away', async () => {
    await loadCatalogIfEmpty(current().db)

    const response = await call(current().app, 'GET', '/api/games/search/hades')

    assert.equal(response.status, 200)
    assert.deepEqual(
      response.body.map((hit: { name: string }) => hit.name),
      ['Hades'],
    )
  })
})

// Ranking, popularity included, as computed: these tests change popularity and search again at once, so kept
// answers (whose order may be a popular-games period old, see search-answers.test.ts) are off here.
describeEachDatabase('GET /api/games/search/:name on the shipped catalog', (current) => {
  beforeEach(async () => {
    assert.equal(await loadCatalogIfEmpty(current().db), CATALOG.length)
  })

  const search = (name: string, query = '') =>
    call(current().app, 'GET', `/api/games/search/${encodeURIComponent(name)}${query}`)

  /** The names found for a query; asserts a 200. */
  const namesFor = async (name: string, query = '') => {
    const response = await search(name, query)
    assert.equal(response.status, 200, `searching "${name}${query}": ${response.text}`)
    return (response.body as { name: string }[]).map((hit) => hit.name)
  }

  const gameIdOf = async (slug: string) => {
    const row = await current().db.selectFrom('games').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()
    return row.id
  }

  /** Registers `players` new users who each mark the game played, so that it becomes that popular. */
  let playerCount = 0
  const makePopular = async (slug: string, players: number) => {
    const game = await gameIdOf(slug)
    const users: RegisteredUser[] = []
    for (let i = 0; i < players; i++) {
      const user = await registerUser(current().app, `player${++playerCount}`)
      const response = await call(current().app, 'POST', '/api/actions/log/', { token: user.token, body: { game, value: true } })
      assert.equal(response.status, 200, response.text)
      users.push(user)
    }
    return { game, users }
  }

  it('answers hits shaped {id, igdb, name, slug, cover_url, release_year}', async () => {
    const response = await search('Celeste')

    assert.equal(response.status, 200)
    assert.deepEqual(response.body, [
      { id: await gameIdOf('celeste'), igdb: null, name: 'Celeste', slug: 'celeste', cover_url: null, release_year: 2018 },
    ])
    for (const hit of (await search('mario')).body) assert.deepEqual(Object.keys(hit).sort(), [...SEARCH_HIT_KEYS].sort())
  })

  it('finds an exact name, in any letter case', async () => {
    assert.deepEqual(await namesFor('celeste'), ['Celeste'])
    assert.deepEqual(await namesFor('CELESTE'), ['Celeste'])
    assert.deepEqual((await namesFor('Dark Souls'))[0], 'Dark Souls')
  })

  it('puts the exact name before longer names that start with it', async () => {
    assert.deepEqual((await namesFor('Final Fantasy VII')).slice(0, 3), [
      'Final Fantasy VII',
      'Final Fantasy VII Rebirth',
      'Final Fantasy VII Remake',
    ])
  })

  it('finds a name from an unfinished word (prefix)', async () => {
    assert.deepEqual(await namesFor('celest'), ['Celeste'])
    assert.deepEqual(await namesFor('stardew val'), ['Stardew Valley'])
  })

  it('forgives a typo: "zelad" finds the Zelda games, a Legend of Zelda first', async () => {
    const names = await namesFor('zelad', '?limit=50')

    assert.equal(names[0], 'The Legend of Zelda')
    assert.deepEqual([...names].sort(), catalogNames(/Zelda/).sort())
  })

  it('forgives a typo: "dark sous" finds Dark Souls first', async () => {
    const names = await namesFor('dark sous')

    assert.deepEqual(names.slice(0, 2), ['Dark Souls', 'Dark Souls III'])
    // Only names sharing much of the query come back, not every name with an "s" in it.
    for (const name of names) assert.match(name, /dark|soul/i)
  })

  it('ignores accents: "pokemon" finds every "Pokémon …" game, and so does "Pokémon"', async () => {
    const pokemon = catalogNames(/^Pokémon /)
    assert.ok(pokemon.length >= 5)

    const plain = await namesFor('pokemon', '?limit=50')
    assert.deepEqual([...plain].sort(), [...pokemon].sort())
    assert.deepEqual(await namesFor('Pokémon', '?limit=50'), plain)
    // The exact name, then the one it starts.
    assert.deepEqual((await namesFor('POKEMON GO')).slice(0, 2), ['Pokémon Go', 'Pokémon Gold and Silver'])
  })

  it('finds a name from a word inside it: "wild hunt" finds The Witcher 3: Wild Hunt first', async () => {
    const names = await namesFor('wild hunt')

    assert.equal(names[0], 'The Witcher 3: Wild Hunt')
  })

  it('answers exactly these hits, in this order (the same on SQLite and PostgreSQL)', async () => {
    const expected: Record<string, string[]> = {
      'wild hunt': ['The Witcher 3: Wild Hunt', 'Monster Hunter: World', 'Duck Hunt', 'The Legend of Zelda: Breath of the Wild'],
      // Typo matches as close as each other: the shorter name first.
      'dark sous': ['Dark Souls', 'Dark Souls III', 'Perfect Dark', 'Thief: The Dark Project', 'Amnesia: The Dark Descent'],
      // Names with a word starting with the query, as popular as each other: the newest first.
      'grand theft': [
        'Grand Theft Auto V',
        'Grand Theft Auto IV',
        'Grand Theft Auto: San Andreas',
        'Grand Theft Auto: Vice City',
        'Grand Theft Auto III',
        'Grand Theft Auto',
      ],
      'resident evil': ['Resident Evil', 'Resident Evil Village', 'Resident Evil 7: Biohazard', 'Resident Evil 4', 'Resident Evil 2'],
      'metroid prime': ['Metroid Prime', 'Metroid', 'Metroid Dread', 'Super Metroid', 'Metroid Fusion', 'Metroid: Zero Mission'],
    }
    for (const [query, names] of Object.entries(expected)) assert.deepEqual(await namesFor(query, '?limit=50'), names, query)
  })

  it('ignores punctuation in names and queries', async () => {
    assert.deepEqual((await namesFor('witcher 3 wild hunt'))[0], 'The Witcher 3: Wild Hunt')
    assert.deepEqual((await namesFor('mario kart double dash'))[0], 'Mario Kart: Double Dash!!')
  })

  it('ranks a name with a later word starting with the query as high as one starting with it: "zelda" finds the newest first', async () => {
    const names = await namesFor('zelda', '?limit=50')

    assert.deepEqual([...names].sort(), catalogNames(/Zelda/).sort())
    assert.deepEqual(names.slice(0, 3), [
      'The Legend of Zelda: Echoes of Wisdom',
      'The Legend of Zelda: Tears of the Kingdom',
      'The Legend of Zelda: Breath of the Wild',
    ])
    assert.ok(names.indexOf('The Legend of Zelda: Breath of the Wild') < names.indexOf('Zelda II: The Adventure of Link'))
  })

  it('ranks the exact name first, then names with a word starting with the query, then names with it inside a word', async () => {
    assert.deepEqual((await namesFor('fallout')).slice(0, 2), ['Fallout', 'Fallout 4'])
    // Typo matches ("A Short Hike") come after them.
    assert.deepEqual((await namesFor('shock')).slice(0, 3), ['System Shock 2', 'BioShock Infinite', 'BioShock'])
  })

  it('answers the search page with the hits and how many games match in all, typo matches included', async () => {
    const page = await call(current().app, 'GET', '/api/games/search/?q=shock&limit=2')

    assert.equal(page.status, 200, page.text)
    assert.deepEqual(page.body, { results: (await search('shock', '?limit=2')).body, total: (await namesFor('shock', '?limit=50')).length })
    const zelda = await call(current().app, 'GET', '/api/games/search/?q=zelda&limit=1')
    assert.equal((zelda.body as { total: number }).total, catalogNames(/Zelda/).length)
    // More names match than search ranks in full (100): they are counted apart.
    for (let i = 1; i <= 120; i++) await insertGame(current().db, { name: `Zorblax Saga ${i}` })
    await insertGame(current().db, { name: 'Megazorblaxian' })
    const many = await call(current().app, 'GET', '/api/games/search/?q=zorblax&limit=1')
    assert.deepEqual(many.body, { results: [{ ...(many.body as { results: object[] }).results[0], name: 'Zorblax Saga 1' }], total: 121 })
    const none = await call(current().app, 'GET', '/api/games/search/?q=qqqqxxxx')
    assert.deepEqual(none.body, { results: [], total: 0 })
  })

  it('refuses a search page without a query, or with a field it does not know, with 400', async () => {
    assert.equal((await call(current().app, 'GET', '/api/games/search/')).status, 400)
    assert.equal((await call(current().app, 'GET', '/api/games/search/?q=')).status, 400)
    assert.equal((await call(current().app, 'GET', '/api/games/search/?q=mario&sort=name')).status, 400)
  })

  it('answers 10 hits by default and honours ?limit', async () => {
    const tenByDefault = await namesFor('super')
    assert.equal(tenByDefault.length, 10)

    assert.deepEqual(await namesFor('super', '?limit=3'), tenByDefault.slice(0, 3))
    assert.deepEqual(await namesFor('super', '?limit=1'), tenByDefault.slice(0, 1))

    const fifty = await namesFor('super', '?limit=50')
    assert.deepEqual(fifty.slice(0, 10), tenByDefault)
    assert.ok(fifty.length > 10 && fifty.length <= 50)
    // Every game with a word starting with "super" is there, first.
    const superNames = catalogNames(/(^|\W)Super/)
    assert.deepEqual([...fifty.slice(0, superNames.length)].sort(), [...superNames].sort())
  })

  it('answers at most 50 hits for a query matching more', async () => {
    assert.equal((await namesFor('the', '?limit=50')).length, 50)
  })

  for (const [query, body] of [
    ['?limit=0', { limit: ['Ensure this value is greater than or equal to 1.'] }],
    ['?limit=51', { limit: ['Ensure this value is less than or equal to 50.'] }],
    ['?limit=ten', { limit: ['A valid integer is required.'] }],
    ['?limit=2.5', { limit: ['A valid integer is required.'] }],
    ['?sort=name', { sort: ['Unexpected field: not accepted here.'] }],
  ] as const) {
    it(`refuses ${query} with 400`, async () => {
      const response = await search('mario', query)

      assert.equal(response.status, 400)
      assert.deepEqual(response.body, body)
    })
  }

  it('answers [] for a query that matches nothing', async () => {
    assert.deepEqual(await namesFor('qqqqxxxx'), [])
    assert.deepEqual(await namesFor('!!!'), [])
  })

  it('breaks ties within a match tier by popularity (players), then by release, newest first', async () => {
    // "mass effec" starts all three names: one tier, so the newest first until people play them.
    assert.deepEqual(await namesFor('mass effec', '?limit=3'), ['Mass Effect 3', 'Mass Effect 2', 'Mass Effect'])

    await makePopular('mass-effect', 2)
    await makePopular('mass-effect-2', 1)

    assert.deepEqual(await namesFor('mass effec', '?limit=3'), ['Mass Effect', 'Mass Effect 2', 'Mass Effect 3'])
  })

  it('puts a popular game first among names starting with the query', async () => {
    const before = await namesFor('super mario')
    assert.notEqual(before[0], 'Super Mario Odyssey')

    await makePopular('super-mario-odyssey', 3)

    const after = await namesFor('super mario')
    assert.equal(after[0], 'Super Mario Odyssey')
    assert.deepEqual(after.slice(1), before.filter((name) => name !== 'Super Mario Odyssey').slice(0, 9))
  })

  it('counts every status (played, liked, backlog, wishlist) towards popularity', async () => {
    const game = await gameIdOf('mass-effect-2')
    for (const [i, action] of ['like', 'backlog', 'wishlist'].entries()) {
      const user = await registerUser(current().app, `fan${i}`)
      const response = await call(current().app, 'POST', `/api/actions/${action}/`, { token: user.token, body: { game, value: true } })
      assert.equal(response.status, 200)
    }
    await makePopular('mass-effect', 2)

    assert.deepEqual(await namesFor('mass effec', '?limit=3'), ['Mass Effect 2', 'Mass Effect', 'Mass Effect 3'])
  })

  it('never lets popularity lift a typo match above a real one: "mario" answers every Mario game before any Marvel game', async () => {
    await makePopular('marvel-snap', 3)
    await makePopular('marvels-spider-man', 3)

    const names = await namesFor('mario', '?limit=50')

    const mario = catalogNames(/Mario/)
    assert.deepEqual([...names.slice(0, mario.length)].sort(), [...mario].sort())
    for (const name of names.slice(mario.length)) assert.doesNotMatch(name, /Mario/)
  })

  it('never lets popularity lift a name containing the query inside a word above one with a word starting with it', async () => {
    await makePopular('bioshock', 3)

    assert.deepEqual((await namesFor('shock')).slice(0, 3), ['System Shock 2', 'BioShock', 'BioShock Infinite'])
  })

  it('forgets popularity that was taken back', async () => {
    const { game, users } = await makePopular('mass-effect', 1)
    assert.equal((await namesFor('mass effec', '?limit=3'))[0], 'Mass Effect')

    const undo = await call(current().app, 'POST', '/api/actions/log/', { token: users[0]!.token, body: { game, value: false } })
    assert.equal(undo.status, 200)

    assert.deepEqual(await namesFor('mass effec', '?limit=3'), ['Mass Effect 3', 'Mass Effect 2', 'Mass Effect'])
  })

  // A one-letter query matches far more names than the 100 candidates the database hands over for ranking
  // (175 names have a word starting with "s"): ranking must still see the best matches and the most popular.
  it('ranks a popular game first for a one-letter query', async () => {
    await makePopular('stardew-valley', 3)

    assert.equal((await namesFor('s', '?limit=5'))[0], 'Stardew Valley')
  })

  for (const letter of ['s', 't', 'm']) {
    it(`answers "${letter}" with names that have a word starting with it, and counts them all`, async () => {
      const withWord = CATALOG.map((entry) => entry.name).filter((name) => ` ${searchNameOf(name)}`.includes(` ${letter}`))
      assert.ok(withWord.length > 50, `${withWord.length} names have a word starting with "${letter}"`)

      const response = await call(current().app, 'GET', `/api/games/search/?q=${letter}&limit=50`)

      assert.equal(response.status, 200, response.text)
      const { results, total } = response.body as { results: { name: string }[]; total: number }
      assert.equal(results.length, 50)
      assert.deepEqual(results.filter(({ name }) => !withWord.includes(name)), [])
      assert.equal(total, withWord.length)
    })
  }
}, { popularCacheSeconds: 0 })

describeEachDatabase('createExactNameSearch on the shipped catalog', (current) => {
  it('finds the games, provisional ones too, whose search name is exactly the needle, and none that only contain it', async () => {
    await loadCatalogIfEmpty(current().db)
    const copy = await insertGame(current().db, { name: 'Celeste!', slug: 'celeste-copy' })
    await current().db.updateTable('games').set({ provisional: true }).where('id', '=', copy).execute()
    const findExactName = createExactNameSearch(current().db)
    const slugsFor = async (needle: string) => (await findExactName(needle)).map((game) => game.slug).sort()

    assert.deepEqual(await slugsFor('celeste'), ['celeste', 'celeste-copy'])
    assert.deepEqual(await slugsFor('the witcher 3 wild hunt'), ['the-witcher-3-wild-hunt'])
    assert.deepEqual(await slugsFor('witcher 3'), [])
    assert.deepEqual(await slugsFor('celest'), [])
  })
})
