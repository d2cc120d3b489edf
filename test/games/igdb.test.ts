import assert from 'node:assert/strict'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { loadConfig } from '../../src/config.js'
import {
  cacheIgdbSearch,
  IGDB_GAME_FIELDS,
  createIgdbSearchCache,
  IgdbError,
  igdbGameToInput,
  IgdbNotCalledError,
  type IgdbGame,
} from '../../src/games/igdb.js'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { buildTestApp, describeEachDatabase, testedDatabases, type TestApp } from '../helpers/app.js'
import { call } from '../helpers/client.js'
import { CLIENT_ID, CLIENT_SECRET, clientOf, IGDB_UNAUTHORIZED, syntaxError, TOKEN_LIFETIME_S, useFakeIgdb } from '../helpers/fake-igdb.js'

const BREATH_OF_THE_WILD: IgdbGame = {
  id: 7346,
  name: 'The Legend of Zelda: Breath of the Wild',
  slug: 'the-legend-of-zelda-breath-of-the-wild',
  summary: 'Step into a world of discovery.',
  first_release_date: 1488499200,
  platforms: [{ name: 'Wii U' }, { name: 'Nintendo Switch' }],
  genres: [{ name: 'Adventure' }, { name: 'Role-playing (RPG)' }],
  involved_companies: [
    { company: { name: 'Nintendo EPD' }, developer: true },
    { company: { name: 'Nintendo' }, developer: false },
  ],
  cover: { image_id: 'co3p2d' },
}
const OCARINA_OF_TIME: IgdbGame = {
  id: 1029,
  name: 'The Legend of Zelda: Ocarina of Time',
  slug: 'the-legend-of-zelda-ocarina-of-time',
  first_release_date: 911606400,
  platforms: [{ name: 'Nintendo 64' }],
  involved_companies: [{ company: { name: 'Nintendo EAD' }, developer: true }],
}
const SUPER_MARIO_ODYSSEY: IgdbGame = { id: 26758, name: 'Super Mario Odyssey', first_release_date: 1509062400 }
/** What the fake IGDB holds, unless a test changes it. */
const IGDB_GAMES = [BREATH_OF_THE_WILD, OCARINA_OF_TIME, SUPER_MARIO_ODYSSEY]

/** A URL nothing listens on: a port the OS handed out, then closed. */
async function closedUrl(): Promise<string> {
  const server = http.createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return `http://127.0.0.1:${port}`
}

async function rejectsWithIgdbError(promise: Promise<unknown>, expected: { status: number | null; message: RegExp; body?: unknown }) {
  const error = await promise.then(
    () => assert.fail('expected an IgdbError'),
    (error: unknown) => error,
  )
  assert.ok(error instanceof IgdbError, `expected an IgdbError, got ${String(error)}`)
  assert.equal(error.status, expected.status)
  assert.match(error.message, expected.message)
  if ('body' in expected) assert.deepEqual(error.body, expected.body)
  assert.doesNotMatch(error.message, new RegExp(`${CLIENT_SECRET}|token-\\d`))
  return error
}

describe('IGDB client', () => {
  const fake = useFakeIgdb(IGDB_GAMES)

  it('searches with an apicalypse body, fetching one token and reusing it', async () => {
    const client = clientOf(fake())
    assert.deepEqual(await client.searchGames('zelda', 10), [BREATH_OF_THE_WILD, OCARINA_OF_TIME])
    assert.deepEqual(await client.searchGames('Mario', 2), [SUPER_MARIO_ODYSSEY])
    assert.equal(fake().tokenRequests, 1)
    assert.deepEqual(fake().searches, [
      { body: `search "zelda"; fields ${IGDB_GAME_FIELDS}; limit 10;`, search: 'zelda', limit: 10 },
      { body: `search "Mario"; fields ${IGDB_GAME_FIELDS}; limit 2;`, search: 'Mario', limit: 2 },
    ])
  })

  it('escapes quotes and backslashes in the name and keeps the limit within IGDB\'s 1 to 500', async () => {
    const client = clientOf(fake())
    assert.deepEqual(await client.searchGames('say "hi" \\ now', 1000), [])
    assert.deepEqual(await client.searchGames('zelda', 0), [BREATH_OF_THE_WILD])
    assert.deepEqual(
      fake().searches.map(({ search, limit }) => ({ search, limit })),
      [
        { search: 'say "hi" \\ now', limit: 500 },
        { search: 'zelda', limit: 1 },
      ],
    )
  })

  it('fetches a new token shortly before the cached one expires', async () => {
    let now = 1_700_000_000_000
    const client = clientOf(fake(), { now: () => now })
    await client.searchGames('zelda', 1)
    now += TOKEN_LIFETIME_S * 1000 - 61_000
    await client.searchGames('zelda', 1)
    assert.equal(fake().tokenRequests, 1)
    now += 1_000
    await client.searchGames('zelda', 1)
    assert.equal(fake().tokenRequests, 2)
  })

  it('on a 401 fetches a new token once and retries', async () => {
    const client = clientOf(fake())
    await client.searchGames('zelda', 1)
    fake().revokeTokens()
    assert.deepEqual(await client.searchGames('mario', 1), [SUPER_MARIO_ODYSSEY])
    assert.equal(fake().tokenRequests, 2)
    assert.equal(fake().gameRequests, 3)
  })

  it('gives up with IgdbError 401 when the new token is refused too', async () => {
    fake().scripted.push({ status: 401, body: IGDB_UNAUTHORIZED }, { status: 401, body: IGDB_UNAUTHORIZED })
    await rejectsWithIgdbError(clientOf(fake()).searchGames('zelda', 1), { status: 401, message: /status 401/, body: IGDB_UNAUTHORIZED })
    assert.equal(fake().tokenRequests, 2)
    assert.equal(fake().gameRequests, 2)
  })

  it('reports refused credentials as an IgdbError without the secret', async () => {
    const client = clientOf(fake(), { clientSecret: 'wrong-secret' })
    const error = await rejectsWithIgdbError(client.searchGames('zelda', 1), {
      status: 403,
      message: /^IGDB token request failed with status 403$/,
      body: { status: 403, message: 'invalid client secret' },
    })
    assert.doesNotMatch(error.message, /wrong-secret/)
    assert.equal(fake().gameRequests, 0)
  })

  it('after a 429 naming a Retry-After, makes no call until that time has passed, without waiting or retrying', async () => {
    let now = 1_700_000_000_000
    const client = clientOf(fake(), { now: () => now })
    fake().scripted.push({ status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': '5' } })
    await rejectsWithIgdbError(client.searchGames('zelda', 1), {
      status: 429,
      message: /rate limited \(429\), no calls for 5 s/,
      body: { message: 'Too Many Requests' },
    })
    assert.equal(fake().gameRequests, 1)

    now += 4_999
    const error = await rejectsWithIgdbError(client.searchGames('mario', 1), { status: null, message: /not made: IGDB answered 429/ })
    assert.ok(error instanceof IgdbNotCalledError, `expected an IgdbNotCalledError, got ${error.name}`)
    assert.equal(fake().gameRequests, 1)

    now += 1
    assert.deepEqual(await client.searchGames('mario', 1), [SUPER_MARIO_ODYSSEY])
    assert.equal(fake().gameRequests, 2)
  })

  it('after a 429 without Retry-After, makes no call for a minute', async () => {
    let now = 1_700_000_000_000
    const client = clientOf(fake(), { now: () => now })
    fake().scripted.push({ status: 429, body: { message: 'Too Many Requests' } })
    await rejectsWithIgdbError(client.searchGames('zelda', 1), { status: 429, message: /no calls for 60 s/ })
    now += 59_999
    await rejectsWithIgdbError(client.searchGames('zelda', 1), { status: null, message: /not made: IGDB answered 429: no calls for 1 s more/ })
    assert.equal(fake().gameRequests, 1)
    now += 1
    assert.deepEqual(await client.searchGames('zelda', 1), [BREATH_OF_THE_WILD])
    assert.equal(fake().gameRequests, 2)
  })

  it('makes no more than maxInFlight calls at once: others are not made, rather than queued', async () => {
    const client = clientOf(fake(), { maxInFlight: 2, maxPerSecond: 100, timeoutMs: 300 })
    await client.searchGames('zelda', 1)
    fake().scripted.push('hang', 'hang')
    // Settled whatever happens, so that a failing assertion leaves no rejection unhandled.
    const hanging = [client.searchGames('zelda', 1), client.searchGames('mario', 1)].map((search) => search.catch((error: unknown) => error))
    for (let waited = 0; fake().gameRequests < 3 && waited < 2_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5))

    const third = await client.searchGames('odyssey', 1).catch((error: unknown) => error)
    assert.ok(third instanceof IgdbNotCalledError, `expected an IgdbNotCalledError, got ${String(third)}`)
    assert.equal(fake().gameRequests, 3)
    for (const error of await Promise.all(hanging)) assert.match(String(error), /timed out/)
    assert.deepEqual(await client.searchGames('odyssey', 1), [SUPER_MARIO_ODYSSEY])
  })

  it('starts no more than maxPerSecond calls in any second', async () => {
    let now = 1_700_000_000_000
    const client = clientOf(fake(), { maxPerSecond: 2, now: () => now })
    await client.searchGames('zelda', 1)
    now += 500
    await client.searchGames('zelda', 1)
    now += 499
    await assert.rejects(client.searchGames('mario', 1), IgdbNotCalledError)
    assert.equal(fake().gameRequests, 2)
    now += 1
    assert.deepEqual(await client.searchGames('mario', 1), [SUPER_MARIO_ODYSSEY])
  })

  it("throws IgdbError carrying IGDB's error body on a 400", async () => {
    const body = syntaxError("Expecting a STRING as input, surround your input with quotes starting at 'zelda'")
    fake().scripted.push({ status: 400, body })
    await rejectsWithIgdbError(clientOf(fake()).searchGames('zelda', 1), {
      status: 400,
      message: /^IGDB games request failed with status 400$/,
      body,
    })
    assert.equal(fake().gameRequests, 1)
  })

  it('throws IgdbError when IGDB does not answer in time', async () => {
    fake().scripted.push('hang')
    await rejectsWithIgdbError(clientOf(fake(), { timeoutMs: 200 }).searchGames('zelda', 1), {
      status: null,
      message: /^IGDB games request failed: timed out after 200 ms$/,
    })
  })

  it('throws IgdbError when nothing listens', async () => {
    const url = await closedUrl()
    await rejectsWithIgdbError(clientOf(fake(), { tokenUrl: `${url}/oauth2/token` }).searchGames('zelda', 1), {
      status: null,
      message: /^IGDB token request failed: network error$/,
    })
  })
})

describe('igdbGameToInput', () => {
  it('maps a full record: date in UTC, cover URL, developers only where developer is true', () => {
    assert.deepEqual(igdbGameToInput(BREATH_OF_THE_WILD), {
      igdb: '7346',
      name: 'The Legend of Zelda: Breath of the Wild',
      slug: 'the-legend-of-zelda-breath-of-the-wild',
      summary: 'Step into a world of discovery.',
      first_release_date: '2017-03-03',
      release_year: 2017,
      platforms: ['Wii U', 'Nintendo Switch'],
      genres: ['Adventure', 'Role-playing (RPG)'],
      developers: ['Nintendo EPD'],
      cover_url: 'https://images.igdb.com/igdb/image/upload/t_cover_big/co3p2d.jpg',
    })
  })

  it('maps a bare record, ignoring references IGDB did not expand and a slug that is not one', () => {
    assert.deepEqual(
      igdbGameToInput({ id: 1, name: ' Pong ', slug: 'Not A Slug', platforms: [6, 48], involved_companies: [99], cover: 12 }),
      {
        igdb: '1',
        name: 'Pong',
        summary: null,
        first_release_date: null,
        release_year: null,
        platforms: [],
        genres: [],
        developers: [],
        cover_url: null,
      },
    )
  })

  it('says why a record is malformed', () => {
    const cases: [unknown, string][] = [
      [null, 'record is not an object'],
      ['Tetris', 'record is not an object'],
      [[1, 'Tetris'], 'record is not an object'],
      [{ name: 'Tetris' }, 'id must be a positive integer'],
      [{ id: '1', name: 'Tetris' }, 'id must be a positive integer'],
      [{ id: 1.5, name: 'Tetris' }, 'id must be a positive integer'],
      [{ id: 1 }, 'name must be a non-empty string'],
      [{ id: 1, name: 42 }, 'name must be a non-empty string'],
      [{ id: 1, name: '  ' }, 'name must be a non-empty string'],
      [{ id: 1, name: 'Tetris', summary: 3 }, 'summary must be a string'],
      [{ id: 1, name: 'Tetris', first_release_date: '1984-06-06' }, 'first_release_date must be unix seconds'],
      [{ id: 1, name: 'Tetris', first_release_date: 1e20 }, 'first_release_date must be unix seconds'],
      [{ id: 1, name: 'Tetris', platforms: 'Game Boy' }, 'platforms must be an array'],
    ]
    for (const [record, reason] of cases) {
      assert.throws(() => igdbGameToInput(record), { name: 'MalformedGameError', message: reason }, JSON.stringify(record))
    }
  })
})

describe('IGDB configuration', () => {
  it('is off, so nothing reaches the network, unless both credentials are set', () => {
    assert.equal(loadConfig({}).igdb, null)
    assert.deepEqual(loadConfig({ IGDB_CLIENT_ID: 'id', IGDB_CLIENT_SECRET: 'secret' }).igdb, {
      clientId: 'id',
      clientSecret: 'secret',
      tokenUrl: 'https://id.twitch.tv/oauth2/token',
      apiUrl: 'https://api.igdb.com/v4',
    })
    assert.deepEqual(
      loadConfig({ IGDB_CLIENT_ID: 'id', IGDB_CLIENT_SECRET: 'secret', IGDB_TOKEN_URL: 'http://127.0.0.1:9/token', IGDB_API_URL: 'http://127.0.0.1:9/v4/' }).igdb,
      { clientId: 'id', clientSecret: 'secret', tokenUrl: 'http://127.0.0.1:9/token', apiUrl: 'http://127.0.0.1:9/v4' },
    )
  })

  it('refuses half a configuration and a URL that is not http(s)', () => {
    assert.throws(() => loadConfig({ IGDB_CLIENT_ID: 'id' }), /IGDB_CLIENT_ID and IGDB_CLIENT_SECRET must be set together/)
    assert.throws(() => loadConfig({ IGDB_CLIENT_SECRET: 'secret' }), /IGDB_CLIENT_ID and IGDB_CLIENT_SECRET must be set together/)
    assert.throws(
      () => loadConfig({ IGDB_CLIENT_ID: 'id', IGDB_CLIENT_SECRET: 'secret', IGDB_API_URL: 'ftp://example.com' }),
      /IGDB_API_URL must be an http\(s\) URL/,
    )
  })
})

describeEachDatabase('cacheIgdbSearch', (current) => {
  const fake = useFakeIgdb(IGDB_GAMES)
  const cachedGames = () =>
    current()
      .db.selectFrom('games')
      .select(['igdb', 'slug', 'name', 'summary', 'first_release_date', 'release_year', 'platforms', 'genres', 'developers', 'cover_url'])
      .where('igdb', 'is not', null)
      .orderBy('igdb')
      .execute()

  it('stores what IGDB returns; a second search updates those games, keeping their slugs', async () => {
    const client = clientOf(fake())
    assert.deepEqual(await cacheIgdbSearch(current().db, client, 'zelda', 10), { cached: 2 })
    const ocarina = {
      igdb: '1029',
      slug: 'the-legend-of-zelda-ocarina-of-time',
      name: 'The Legend of Zelda: Ocarina of Time',
      summary: null,
      first_release_date: '1998-11-21',
      release_year: 1998,
      platforms: '["Nintendo 64"]',
      genres: '[]',
      developers: '["Nintendo EAD"]',
      cover_url: null,
    }
    const breathOfTheWild = {
      igdb: '7346',
      slug: 'the-legend-of-zelda-breath-of-the-wild',
      name: 'The Legend of Zelda: Breath of the Wild',
      summary: 'Step into a world of discovery.',
      first_release_date: '2017-03-03',
      release_year: 2017,
      platforms: '["Wii U","Nintendo Switch"]',
      genres: '["Adventure","Role-playing (RPG)"]',
      developers: '["Nintendo EPD"]',
      cover_url: 'https://images.igdb.com/igdb/image/upload/t_cover_big/co3p2d.jpg',
    }
    assert.deepEqual(await cachedGames(), [ocarina, breathOfTheWild])

    fake().games[0] = { ...BREATH_OF_THE_WILD, slug: 'zelda-botw', summary: 'Forget everything you know.' }
    assert.deepEqual(await cacheIgdbSearch(current().db, client, 'zelda', 10), { cached: 2 })
    assert.deepEqual(await cachedGames(), [ocarina, { ...breathOfTheWild, summary: 'Forget everything you know.' }])
  })

  it('skips malformed records IGDB returns', async () => {
    fake().scripted.push({ status: 200, body: [{ name: 'No id' }, SUPER_MARIO_ODYSSEY, { id: 5 }] })
    assert.deepEqual(await cacheIgdbSearch(current().db, clientOf(fake()), 'mario', 10), { cached: 1 })
    assert.deepEqual(
      (await cachedGames()).map(({ igdb, name }) => ({ igdb, name })),
      [{ igdb: '26758', name: 'Super Mario Odyssey' }],
    )
  })

  it('returns the error, without throwing or writing, when IGDB is down or keeps rate limiting', async () => {
    const down = clientOf(fake(), { apiUrl: `${await closedUrl()}/v4` })
    const tooMany = { status: 429, body: { message: 'Too Many Requests' } }
    fake().scripted.push(tooMany, tooMany, tooMany, tooMany)
    for (const [client, status] of [[down, null], [clientOf(fake()), 429]] as const) {
      const { cached, error } = await cacheIgdbSearch(current().db, client, 'zelda', 10)
      assert.equal(cached, 0)
      assert.ok(error instanceof IgdbError)
      assert.equal(error.status, status)
    }
    assert.deepEqual(await cachedGames(), [])
  })
})

describeEachDatabase('createIgdbSearchCache', (current) => {
  const fake = useFakeIgdb(IGDB_GAMES)
  let now = 1_700_000_000_000
  const searchIgdb = (options: { ttlMs?: number; maxQueries?: number } = {}) =>
    createIgdbSearchCache(current().db, clientOf(fake(), { maxPerSecond: 100 }), { ...options, now: () => now })

  it('asks IGDB about a query once, however it is spelled, until the time to live has passed', async () => {
    const search = searchIgdb({ ttlMs: 60_000 })
    assert.deepEqual(await search('zelda', 10), { cached: 2 })
    assert.deepEqual(await search('ZELDA!', 10), { cached: 0 })
    assert.deepEqual(await search(' Zelda ', 5), { cached: 0 })
    assert.equal(fake().gameRequests, 1)

    now += 59_999
    await search('zelda', 10)
    assert.equal(fake().gameRequests, 1)
    now += 1
    await search('zelda', 10)
    assert.equal(fake().gameRequests, 2)
  })

  it('asks again for more games than it asked for before', async () => {
    const search = searchIgdb()
    await search('zelda', 1)
    await search('zelda', 10)
    assert.deepEqual(
      fake().searches.map(({ limit }) => limit),
      [1, 10],
    )
  })

  it('asks once for searches of one query made at the same time; each answers once the games are stored', async () => {
    const search = searchIgdb()
    const cachedGames = async () => (await current().db.selectFrom('games').select('igdb').where('igdb', 'is not', null).execute()).length
    const answers = await Promise.all([search('mario', 10), search('Mario', 10), search('mario!', 10)])
    assert.deepEqual(answers, [{ cached: 1 }, { cached: 0 }, { cached: 0 }])
    assert.equal(fake().gameRequests, 1)
    assert.equal(await cachedGames(), 1)
  })

  it('forgets a question IGDB failed to answer, so the next search asks again', async () => {
    const search = searchIgdb()
    fake().scripted.push({ status: 500, body: { message: 'Internal Server Error' } })
    assert.equal((await search('zelda', 10)).error?.status, 500)
    assert.deepEqual(await search('zelda', 10), { cached: 2 })
    assert.equal(fake().gameRequests, 2)
  })

  it('remembers at most maxQueries queries, forgetting the one searched longest ago', async () => {
    const search = searchIgdb({ maxQueries: 2 })
    for (const query of ['zelda', 'mario', 'zelda', 'odyssey', 'zelda', 'mario']) await search(query, 10)
    assert.deepEqual(
      fake().searches.map(({ search }) => search),
      ['zelda', 'mario', 'odyssey', 'mario'],
    )
  })
})

for (const kind of testedDatabases) {
  describe(`GET /api/games/search/:name with IGDB [${kind}]`, () => {
    const fake = useFakeIgdb(IGDB_GAMES)
    let testApp: TestApp | undefined
    beforeEach(async () => {
      const igdb = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenUrl: fake().tokenUrl, apiUrl: fake().apiUrl }
      testApp = await buildTestApp(kind, { igdb })
      await loadCatalogIfEmpty(testApp.db)
    })
    afterEach(async () => {
      await testApp?.close()
    })
    const search = async (name: string) => {
      const response = await call((testApp as TestApp).app, 'GET', `/api/games/search/${encodeURIComponent(name)}?limit=50`)
      assert.equal(response.status, 200, response.text)
      return (response.body as { name: string }[]).map((game) => game.name)
    }

    // Games the shipped catalog lacks, so that finding them shows IGDB was asked.
    const onlyOnIgdb = { zelda: { id: 990001, name: 'Zelda Only On IGDB' }, mario: { id: 990002, name: 'Mario Only On IGDB' } }
    beforeEach(() => {
      fake().games = Object.values(onlyOnIgdb)
    })

    it('asks IGDB once for a query searched again, in another spelling', async () => {
      for (const spelling of ['zelda', 'Zelda!']) {
        assert.ok((await search(spelling)).includes(onlyOnIgdb.zelda.name), `IGDB's game found for ${spelling}`)
      }
      assert.equal(fake().gameRequests, 1)
    })

    it('after IGDB answers 429, asks it nothing more for the pause it names while search answers from the catalog', async () => {
      fake().scripted.push({ status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': '3600' } })

      const zelda = await search('zelda')
      const mario = await search('mario')

      // Explicit messages: without one, assert.ok reads the (transpiled) source to say what failed, which takes minutes.
      assert.ok(zelda.includes('The Legend of Zelda: A Link to the Past'), `catalog answers zelda: ${zelda.join(', ')}`)
      assert.ok(!zelda.includes(onlyOnIgdb.zelda.name), 'IGDB was asked about zelda')
      assert.ok(mario.includes('Super Mario Bros. 3'), `catalog answers mario: ${mario.join(', ')}`)
      assert.ok(!mario.includes(onlyOnIgdb.mario.name), 'IGDB was asked about mario')
      assert.equal(fake().gameRequests, 1)
    })
  })
}
