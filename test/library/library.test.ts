import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'
import type { GameSummary as Game } from '../../src/games/schemas.js'


const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/
const NOT_FOUND = { detail: 'Not found.' }
const ACTION_OF = { played: 'log', liked: 'like', backlog: 'backlog', wishlist: 'wishlist' } as const
type Status = keyof typeof ACTION_OF

const base64url = (text: string) => Buffer.from(text).toString('base64url')

describeEachDatabase('a library: GET /api/users/:username/games and /api/users/profile/:username/ratings', (current) => {
  const app = () => current().app
  const db = () => current().db

  /** Games "Game 1", "Game 2"… (slugs game-1, game-2…); the first has an IGDB id and a cover. */
  const addGames = async (count: number): Promise<Game[]> => {
    const games: Game[] = []
    for (let n = 1; n <= count; n++) {
      const extra = n === 1 ? { igdb: '1942', cover_url: 'https://images.igdb.com/igdb/image/upload/t_cover_big/co1wyy.jpg' } : {}
      const game = { name: `Game ${n}`, slug: `game-${n}`, igdb: null, cover_url: null, ...extra }
      games.push({ ...game, id: await insertGame(db(), game) })
    }
    return games
  }

  const act = async (user: RegisteredUser, status: Status, game: Game, value = true) => {
    const response = await call(app(), 'POST', `/api/actions/${ACTION_OF[status]}/`, {
      token: user.token,
      body: { game: game.id, value },
    })
    assert.equal(response.status, 200, response.text)
  }

  const rate = async (user: RegisteredUser, game: Game, rating: number | null) => {
    const response = await call(app(), 'POST', '/api/actions/ratings/', { token: user.token, body: { game: game.id, rating } })
    assert.equal(response.status, 200, response.text)
  }

  const library = (username: string, query: string) => call(app(), 'GET', `/api/users/${username}/games${query}`)
  const ratings = (username: string, query = '') => call(app(), 'GET', `/api/users/profile/${username}/ratings${query}`)

  const page = async (response: Promise<Awaited<ReturnType<typeof library>>>) => {
    const answer = await response
    assert.equal(answer.status, 200, answer.text)
    return answer.body as { results: any[]; next: string | null }
  }

  /** When each game went on the list, as stored. */
  const addedAt = async (user: RegisteredUser, status: Status) => {
    const rows = await db()
      .selectFrom('game_statuses')
      .select(['game_id', 'created_at'])
      .where('user_id', '=', user.id)
      .where('status', '=', status)
      .execute()
    return new Map(rows.map((row) => [row.game_id, row.created_at]))
  }

  const ratedAt = async (user: RegisteredUser) => {
    const rows = await db().selectFrom('ratings').select(['game_id', 'updated_at']).where('user_id', '=', user.id).execute()
    return new Map(rows.map((row) => [row.game_id, row.updated_at]))
  }

  for (const status of ['played', 'liked', 'backlog', 'wishlist'] as const) {
    it(`lists ${status} games newest first, each a GameSummary with added_at`, async () => {
      const alice = await registerUser(app(), 'alice')
      const bob = await registerUser(app(), 'bob')
      const [g1, g2, g3, g4] = (await addGames(4)) as [Game, Game, Game, Game]
      for (const game of [g2, g1, g4]) await act(alice, status, game)
      await act(bob, status, g3) // someone else's
      // The other lists of hers are not this one.
      for (const other of ['played', 'liked', 'backlog', 'wishlist'] as const) if (other !== status) await act(alice, other, g3)

      const result = await page(library('alice', `?status=${status}`))

      const times = await addedAt(alice, status)
      assert.deepEqual(result as unknown, {
        results: [g4, g1, g2].map((game) => ({ game, added_at: times.get(game.id) })),
        next: null,
      })
      for (const entry of result.results) assert.match(entry.added_at, ISO_TIMESTAMP)
      assert.ok(result.results[0].added_at > result.results[1].added_at && result.results[1].added_at > result.results[2].added_at)
    })
  }

  it('takes a game off the list when it is taken off, and off the backlog when it is played', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1, g2, g3] = (await addGames(3)) as [Game, Game, Game]
    for (const game of [g1, g2, g3]) await act(alice, 'backlog', game)
    await act(alice, 'backlog', g2, false)
    await act(alice, 'played', g3)

    const backlog = await page(library('alice', '?status=backlog'))
    assert.deepEqual(
      backlog.results.map((entry) => entry.game),
      [g1],
    )
    const played = await page(library('alice', '?status=played'))
    assert.deepEqual(
      played.results.map((entry) => entry.game),
      [g3],
    )
  })

  it('pages with a cursor: limit 2 over 5 games gives 2, 2 and 1, without duplicates or gaps', async () => {
    const alice = await registerUser(app(), 'alice')
    const games = await addGames(6)
    for (const game of games.slice(0, 5)) await act(alice, 'played', game)
    const times = await addedAt(alice, 'played')
    const expected = games
      .slice(0, 5)
      .reverse()
      .map((game) => ({ game, added_at: times.get(game.id) }))

    const first = await page(library('alice', '?status=played&limit=2'))
    assert.deepEqual(first.results, expected.slice(0, 2))
    assert.equal(typeof first.next, 'string')
    // A game logged between two pages shows on none of the later ones.
    await act(alice, 'played', games[5]!)
    const second = await page(library('alice', `?status=played&limit=2&cursor=${encodeURIComponent(first.next!)}`))
    assert.deepEqual(second.results, expected.slice(2, 4))
    assert.equal(typeof second.next, 'string')
    const third = await page(library('alice', `?status=played&limit=2&cursor=${encodeURIComponent(second.next!)}`))
    assert.deepEqual(third, { results: expected.slice(4), next: null })

    // A page ending exactly on the last game has no next.
    const whole = await page(library('alice', '?status=played&limit=6'))
    assert.equal(whole.results.length, 6)
    assert.equal(whole.next, null)
  })

  it('answers 400 when status is missing or not one of the four lists', async () => {
    await registerUser(app(), 'alice')
    const cases: [string, object][] = [
      ['', { status: ['This field is required.'] }],
      ['?limit=5', { status: ['This field is required.'] }],
      ['?status=finished', { status: ['"finished" is not a valid choice.'] }],
      ['?status=PLAYED', { status: ['"PLAYED" is not a valid choice.'] }],
      ['?status=', { status: ['"" is not a valid choice.'] }],
    ]
    for (const [query, errors] of cases) {
      const response = await library('alice', query)
      assert.equal(response.status, 400, `${query}: ${response.text}`)
      assert.deepEqual(response.body, errors, query)
    }
  })

  it('answers 400 to a bad cursor, a limit out of 1..100 and an unknown query key', async () => {
    const alice = await registerUser(app(), 'alice')
    const [game] = (await addGames(1)) as [Game]
    await act(alice, 'played', game)
    const cases: [string, object][] = [
      [`&cursor=${base64url('[1]')}`, { cursor: ['Invalid cursor.'] }],
      [`&cursor=${base64url('["2024-01-01T00:00:00.000000Z", "7"]')}`, { cursor: ['Invalid cursor.'] }],
      ['&cursor=%25%25%25', { cursor: ['Invalid cursor.'] }],
      ['&limit=0', { limit: ['Ensure this value is greater than or equal to 1.'] }],
      ['&limit=101', { limit: ['Ensure this value is less than or equal to 100.'] }],
      ['&sort=name', { sort: ['Unexpected field: not accepted here.'] }],
    ]
    for (const [query, errors] of cases) {
      const response = await library('alice', `?status=played${query}`)
      assert.equal(response.status, 400, `${query}: ${response.text}`)
      assert.deepEqual(response.body, errors, query)
    }
  })

  it('answers 400, never 500, to a well-formed cursor holding values no page could end on', async () => {
    await registerUser(app(), 'alice')
    for (const cursor of [
      base64url('["zzz", 1]'),
      base64url('["yesterday", 1]'),
      base64url('["2024-01-01T00:00:00.000000Z", 99999999999]'),
      base64url('["2024-01-01T00:00:00.000000Z", -1]'),
    ]) {
      for (const response of [await library('alice', `?status=played&cursor=${cursor}`), await ratings('alice', `?cursor=${cursor}`)]) {
        assert.equal(response.status, 400, `cursor ${cursor}: ${response.text}`)
        assert.deepEqual(response.body, { cursor: ['Invalid cursor.'] })
      }
    }
  })

  it('answers 404 for an unknown user, and finds a user whatever the letter case', async () => {
    const alice = await registerUser(app(), 'Alice')
    const [game] = (await addGames(1)) as [Game]
    await act(alice, 'liked', game)

    const response = await library('nobody', '?status=played')
    assert.equal(response.status, 404)
    assert.deepEqual(response.body, NOT_FOUND)
    const ratingsResponse = await ratings('nobody')
    assert.equal(ratingsResponse.status, 404)
    assert.deepEqual(ratingsResponse.body, NOT_FOUND)

    const found = await page(library('aLiCe', '?status=liked'))
    assert.deepEqual(
      found.results.map((entry) => entry.game.id),
      [game.id],
    )
  })

  it('lists ratings most recently rated first, in stars, with rated_at; a changed rating moves up', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const [g1, g2, g3, g4] = (await addGames(4)) as [Game, Game, Game, Game]
    await rate(alice, g1, 3)
    await rate(alice, g2, 4.5)
    await rate(alice, g3, 0.5)
    await rate(alice, g4, 5)
    await rate(alice, g4, null)
    await rate(alice, g1, 2) // re-rated: now the most recent
    await rate(bob, g2, 1)

    const result = await page(ratings('alice'))

    const times = await ratedAt(alice)
    assert.deepEqual(result as unknown, {
      results: [
        { game: g1, rating: 2, rated_at: times.get(g1.id) },
        { game: g3, rating: 0.5, rated_at: times.get(g3.id) },
        { game: g2, rating: 4.5, rated_at: times.get(g2.id) },
      ],
      next: null,
    })
    for (const entry of result.results) assert.match(entry.rated_at, ISO_TIMESTAMP)
    assert.deepEqual(await page(ratings('bob')), { results: [{ game: g2, rating: 1, rated_at: (await ratedAt(bob)).get(g2.id) }], next: null })
  })

  it('pages ratings with a cursor: limit 2 over 5 gives 2, 2 and 1', async () => {
    const alice = await registerUser(app(), 'alice')
    const games = await addGames(5)
    const stars = [1, 1.5, 2, 2.5, 3]
    for (const [i, game] of games.entries()) await rate(alice, game, stars[i]!)

    const first = await page(ratings('alice', '?limit=2'))
    const second = await page(ratings('alice', `?limit=2&cursor=${encodeURIComponent(first.next!)}`))
    const third = await page(ratings('alice', `?limit=2&cursor=${encodeURIComponent(second.next!)}`))

    assert.deepEqual(
      [first, second, third].map((p) => p.results.map((entry) => [entry.game.id, entry.rating])),
      [
        [
          [games[4]!.id, 3],
          [games[3]!.id, 2.5],
        ],
        [
          [games[2]!.id, 2],
          [games[1]!.id, 1.5],
        ],
        [[games[0]!.id, 1]],
      ],
    )
    assert.equal(typeof first.next, 'string')
    assert.equal(typeof second.next, 'string')
    assert.equal(third.next, null)
    assert.deepEqual([...first.results, ...second.results, ...third.results], (await page(ratings('alice'))).results)

    const bad = await ratings('alice', `?cursor=${base64url('[3]')}`)
    assert.equal(bad.status, 400)
    assert.deepEqual(bad.body, { cursor: ['Invalid cursor.'] })
    const badLimit = await ratings('alice', '?limit=101')
    assert.equal(badLimit.status, 400)
    assert.deepEqual(badLimit.body, { limit: ['Ensure this value is less than or equal to 100.'] })
  })

  it('answers an empty page for someone with nothing on a list', async () => {
    await registerUser(app(), 'alice')
    assert.deepEqual(await page(library('alice', '?status=wishlist')), { results: [], next: null })
    assert.deepEqual(await page(ratings('alice')), { results: [], next: null })
  })
})
