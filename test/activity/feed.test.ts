import assert from 'node:assert/strict'
import { it } from 'node:test'
import { recordActivity } from '../../src/activity/record.js'
import type { ActivityType } from '../../src/db/tables.js'
import { timestamp } from '../../src/db/time.js'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'
import type { GameSummary as Game } from '../../src/games/schemas.js'


const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/
const FEED = '/api/feed/'

const base64url = (text: string) => Buffer.from(text).toString('base64url')

describeEachDatabase('GET /api/feed/', (current) => {
  const app = () => current().app
  const db = () => current().db

  /** A game with only a name ("Game 1" → slug game-1), or with an IGDB id and a cover too. */
  const addGame = async (name: string, extra: { igdb?: string; cover_url?: string } = {}): Promise<Game> => {
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-')
    const id = await insertGame(db(), { name, slug, ...extra })
    return { id, igdb: extra.igdb ?? null, name, slug, cover_url: extra.cover_url ?? null }
  }

  const addGames = async (count: number): Promise<Game[]> => {
    const games: Game[] = []
    for (let n = 1; n <= count; n++) games.push(await addGame(`Game ${n}`))
    return games
  }

  const act = async (user: RegisteredUser, action: 'log' | 'like' | 'backlog' | 'wishlist', game: Game, value?: boolean) => {
    const body = value === undefined ? { game: game.id } : { game: game.id, value }
    const response = await call(app(), 'POST', `/api/actions/${action}/`, { token: user.token, body })
    assert.equal(response.status, 200, response.text)
  }

  const rate = async (user: RegisteredUser, game: Game, rating: number | null) => {
    const response = await call(app(), 'POST', '/api/actions/ratings/', { token: user.token, body: { game: game.id, rating } })
    assert.equal(response.status, 200, response.text)
  }

  const follow = async (user: RegisteredUser, other: RegisteredUser, action: 'follow' | 'unfollow' = 'follow') => {
    const response = await call(app(), 'POST', `/api/users/${action}/`, { token: user.token, body: { username: other.username } })
    assert.equal(response.status, 200, response.text)
  }

  const feed = (user: RegisteredUser | null, query = '') => call(app(), 'GET', `${FEED}${query}`, { token: user?.token })

  /** A feed page that must succeed. */
  const feedPage = async (user: RegisteredUser, query = '') => {
    const response = await feed(user, query)
    assert.equal(response.status, 200, response.text)
    return response.body as { results: any[]; next: string | null }
  }

  /** A journal entry (a review when it has text) and its activity row, as the journal module writes them. */
  const addEntry = async (
    user: RegisteredUser,
    game: Game,
    fields: { date: string; entry_type: 'finished' | 'started' | 'played'; review?: string; spoilers?: boolean; half_stars?: number },
  ) => {
    const now = timestamp()
    const { id } = await db()
      .insertInto('journal_entries')
      .values({
        user_id: user.id,
        game_id: game.id,
        played_on: fields.date,
        entry_type: fields.entry_type,
        platform: 'PC',
        review: fields.review ?? null,
        spoilers: fields.spoilers ?? false,
        liked: false,
        half_stars: fields.half_stars ?? null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordActivity(db(), {
      user_id: user.id,
      type: fields.review === undefined ? 'journal' : 'review',
      game_id: game.id,
      entry_id: id,
      half_stars: fields.half_stars ?? null,
    })
    return id
  }

  /** A list and its activity row, as the lists module writes them. */
  const addList = async (user: RegisteredUser, title: string, games: Game[]) => {
    const now = timestamp()
    const { id } = await db()
      .insertInto('lists')
      .values({ user_id: user.id, title, description: null, ranked: false, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (games.length > 0) {
      await db()
        .insertInto('list_items')
        .values(games.map((game, position) => ({ list_id: id, position, game_id: game.id, note: null })))
        .execute()
    }
    await recordActivity(db(), { user_id: user.id, type: 'list', list_id: id })
    return id
  }

  /** The stored activity rows of these users, newest first: what a follower's feed must list, in that order. */
  const activityRowsOf = async (...users: RegisteredUser[]) =>
    db()
      .selectFrom('activities')
      .select(['id', 'created_at', 'type'])
      .where(
        'user_id',
        'in',
        users.map((user) => user.id),
      )
      .orderBy('id', 'desc')
      .execute()

  const badgeOf = async (user: RegisteredUser) => {
    const me = await call(app(), 'GET', '/api/users/user/', { token: user.token })
    assert.equal(me.status, 200)
    return { id: user.id, username: user.username, gravatar: me.body.gravatar as string }
  }

  /** A feed item without its id and time, which `assertIdsAndTimes` checks against the database. */
  const item = (
    type: ActivityType,
    user: { id: number; username: string; gravatar: string },
    fields: { game?: Game; rating?: number; entry?: object; list?: object; target?: object } = {},
  ) => ({
    type,
    user,
    game: fields.game ?? null,
    rating: fields.rating ?? null,
    entry: fields.entry ?? null,
    list: fields.list ?? null,
    target: fields.target ?? null,
  })

  const withoutIdAndTime = (results: any[]) => results.map(({ id: _id, created_at: _createdAt, ...rest }) => rest)

  const assertIdsAndTimes = async (results: any[], ...users: RegisteredUser[]) => {
    const rows = await activityRowsOf(...users)
    assert.deepEqual(
      results.map((result) => ({ id: result.id, created_at: result.created_at, type: result.type })),
      rows.map((row) => ({ id: row.id, created_at: row.created_at, type: row.type })),
    )
    for (const result of results) assert.match(result.created_at, ISO_TIMESTAMP)
  }

  it('shows a logged review as one item carrying its rating, not one item per effect', async () => {
    const [alice, bob] = [await registerUser(app(), 'alice'), await registerUser(app(), 'bob')]
    const [game] = await addGames(1)
    await follow(bob, alice)

    const logged = await call(app(), 'POST', '/api/actions/journal/', {
      token: alice.token,
      body: { game: game!.id, date: '2024-03-17', entry_type: 'finished', review: 'Superb.', rating: 4.5, liked: true },
    })
    assert.equal(logged.status, 201, logged.text)

    const { results } = await feedPage(bob)
    assert.deepEqual(
      results.map((item) => [item.type, item.game?.id, item.rating, item.entry?.review]),
      [['review', game!.id, 4.5, 'Superb.']],
    )
  })

  it('requires a token: 401 without one, 401 with an unknown one', async () => {
    const response = await feed(null)
    assert.equal(response.status, 401)
    assert.deepEqual(response.body, { detail: 'Authentication credentials were not provided.' })

    const forged = await call(app(), 'GET', FEED, { token: 'not-a-real-token' })
    assert.equal(forged.status, 401)
    assert.deepEqual(forged.body, { detail: 'Invalid token.' })
  })

  it('is empty for someone who follows nobody, even when they and others are active', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const [game] = await addGames(1)
    await act(alice, 'log', game!)
    await act(bob, 'log', game!)
    await follow(bob, alice)

    assert.deepEqual(await feedPage(alice), { results: [], next: null })
  })

  it("shows only the activity of people the viewer follows, not their own nor strangers', newest first", async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const carol = await registerUser(app(), 'carol')
    const dave = await registerUser(app(), 'dave')
    const [g1, g2, g3, g4] = (await addGames(4)) as [Game, Game, Game, Game]
    await follow(alice, bob)
    await follow(alice, dave)

    await act(bob, 'log', g1)
    await act(carol, 'log', g2) // a stranger to alice
    await act(alice, 'log', g3) // her own
    await act(dave, 'wishlist', g4)
    await act(bob, 'like', g2)
    await follow(carol, alice) // someone following alice is still a stranger to her feed

    const page = await feedPage(alice)
    const [b, d] = [await badgeOf(bob), await badgeOf(dave)]
    assert.deepEqual(withoutIdAndTime(page.results), [
      item('liked', b, { game: g2 }),
      item('wishlist', d, { game: g4 }),
      item('played', b, { game: g1 }),
    ])
    assert.equal(page.next, null)
    await assertIdsAndTimes(page.results, bob, dave)
  })

  it('describes each kind of activity: statuses, ratings, follows, journal entries, reviews and lists', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const carol = await registerUser(app(), 'carol')
    const celeste = await addGame('Celeste', { igdb: '26226', cover_url: 'https://images.igdb.com/igdb/image/upload/t_cover_big/co3byy.jpg' })
    const hades = await addGame('Hades')
    const tunic = await addGame('Tunic')
    const outerWilds = await addGame('Outer Wilds')
    const returnal = await addGame('Returnal')
    await follow(alice, bob)

    await act(bob, 'log', celeste)
    await act(bob, 'like', hades)
    await act(bob, 'backlog', tunic)
    await act(bob, 'wishlist', outerWilds)
    await rate(bob, returnal, 3.5)
    await follow(bob, carol)
    const journalId = await addEntry(bob, celeste, { date: '2024-02-03', entry_type: 'finished' })
    const reviewId = await addEntry(bob, hades, {
      date: '2024-03-04',
      entry_type: 'played',
      review: 'The ending, "that" ending, wow.',
      spoilers: true,
      half_stars: 9,
    })
    const listId = await addList(bob, 'Best of the 2010s', [celeste, hades])

    const page = await feedPage(alice)
    const b = await badgeOf(bob)
    assert.equal(page.next, null)
    assert.deepEqual(withoutIdAndTime(page.results), [
      item('list', b, { list: { id: listId, title: 'Best of the 2010s' } }),
      item('review', b, {
        game: hades,
        rating: 4.5,
        entry: {
          id: reviewId,
          user_id: bob.id,
          entry_type: 'played',
          date: '2024-03-04',
          review: 'The ending, "that" ending, wow.',
          spoilers: true,
        },
      }),
      item('journal', b, {
        game: celeste,
        entry: { id: journalId, user_id: bob.id, entry_type: 'finished', date: '2024-02-03', review: null, spoilers: false },
      }),
      item('follow', b, { target: { id: carol.id, username: 'carol' } }),
      item('rating', b, { game: returnal, rating: 3.5 }),
      item('wishlist', b, { game: outerWilds }),
      item('backlog', b, { game: tunic }),
      item('liked', b, { game: hades }),
      item('played', b, { game: celeste }),
    ])
    await assertIdsAndTimes(page.results, bob)
    // The response carries exactly these keys, nothing more.
    assert.deepEqual(Object.keys(page.results[0]).sort(), ['created_at', 'entry', 'game', 'id', 'list', 'rating', 'target', 'type', 'user'])
    assert.deepEqual(Object.keys(page.results[0].user).sort(), ['gravatar', 'id', 'username'])
    assert.match(b.gravatar, /^https:\/\/secure\.gravatar\.com\/avatar\/[0-9a-f]{32}/)
  })

  it('drops the item of an undone action: value false, a toggle back, a removed rating, an unfollow', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const carol = await registerUser(app(), 'carol')
    const [g1, g2, g3, g4, g5, g6, g7] = (await addGames(7)) as [Game, Game, Game, Game, Game, Game, Game]
    await follow(alice, bob)

    await act(bob, 'log', g1)
    await act(bob, 'like', g2)
    await act(bob, 'backlog', g3)
    await act(bob, 'wishlist', g4)
    await rate(bob, g5, 2)
    await follow(bob, carol)
    await act(bob, 'like', g6) // stays
    await act(bob, 'wishlist', g7) // undone by toggling
    assert.equal((await feedPage(alice)).results.length, 8)

    await act(bob, 'log', g1, false)
    await act(bob, 'like', g2, false)
    await act(bob, 'backlog', g3, false)
    await act(bob, 'wishlist', g4, false)
    await rate(bob, g5, null)
    await follow(bob, carol, 'unfollow')
    await act(bob, 'wishlist', g7)

    const page = await feedPage(alice)
    assert.deepEqual(withoutIdAndTime(page.results), [item('liked', await badgeOf(bob), { game: g6 })])
    await assertIdsAndTimes(page.results, bob)
  })

  it('shows a changed rating once, with its new value, as a new item', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const [g1, g2] = (await addGames(2)) as [Game, Game]
    await follow(alice, bob)

    await rate(bob, g1, 2)
    await act(bob, 'log', g2)
    await rate(bob, g1, 4.5)

    const page = await feedPage(alice)
    const b = await badgeOf(bob)
    assert.deepEqual(withoutIdAndTime(page.results), [item('rating', b, { game: g1, rating: 4.5 }), item('played', b, { game: g2 })])
  })

  it("shows what someone did before being followed, and hides it again after an unfollow", async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const [g1, g2] = (await addGames(2)) as [Game, Game]
    await act(bob, 'log', g1)
    await rate(bob, g2, 5)
    assert.deepEqual(await feedPage(alice), { results: [], next: null })

    await follow(alice, bob)

    const page = await feedPage(alice)
    const b = await badgeOf(bob)
    assert.deepEqual(withoutIdAndTime(page.results), [item('rating', b, { game: g2, rating: 5 }), item('played', b, { game: g1 })])
    await assertIdsAndTimes(page.results, bob)

    await follow(alice, bob, 'unfollow')
    assert.deepEqual(await feedPage(alice), { results: [], next: null })
  })

  it('pages with a cursor: limit 2 over 5 items gives 2, 2 and 1, without duplicates or gaps', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const carol = await registerUser(app(), 'carol')
    const games = await addGames(6)
    await follow(alice, bob)
    await follow(alice, carol)
    await act(bob, 'log', games[0]!)
    await act(carol, 'like', games[1]!)
    await act(bob, 'wishlist', games[2]!)
    await rate(carol, games[3]!, 1.5)
    await act(bob, 'backlog', games[4]!)

    const all = await feedPage(alice)
    assert.equal(all.results.length, 5)
    assert.equal(all.next, null)
    await assertIdsAndTimes(all.results, bob, carol)

    const first = await feedPage(alice, '?limit=2')
    assert.equal(first.results.length, 2)
    assert.equal(typeof first.next, 'string')
    // Something new happening between two pages neither shifts nor repeats what follows.
    await act(bob, 'log', games[5]!)
    const second = await feedPage(alice, `?limit=2&cursor=${encodeURIComponent(first.next!)}`)
    assert.equal(second.results.length, 2)
    assert.equal(typeof second.next, 'string')
    const third = await feedPage(alice, `?limit=2&cursor=${encodeURIComponent(second.next!)}`)
    assert.equal(third.results.length, 1)
    assert.equal(third.next, null)

    assert.deepEqual([...first.results, ...second.results, ...third.results], all.results)
    assert.equal(new Set([...first.results, ...second.results, ...third.results].map((result) => result.id)).size, 5)

    // A page that ends exactly at the last item says there is no next one.
    const exact = await feedPage(alice, '?limit=6')
    assert.equal(exact.results.length, 6)
    assert.equal(exact.next, null)
    const firstFive = await feedPage(alice, '?limit=5')
    assert.equal(firstFive.results.length, 5)
    assert.equal(typeof firstFive.next, 'string')
    const rest = await feedPage(alice, `?limit=5&cursor=${encodeURIComponent(firstFive.next!)}`)
    assert.deepEqual(rest.results, [exact.results[5]])
    assert.equal(rest.next, null)
  })

  it('uses 20 items a page by default', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const games = await addGames(21)
    await follow(alice, bob)
    for (const game of games) await act(bob, 'log', game)

    const first = await feedPage(alice)
    assert.equal(first.results.length, 20)
    assert.equal(first.results[0].game.id, games[20]!.id)
    const second = await feedPage(alice, `?cursor=${encodeURIComponent(first.next!)}`)
    assert.deepEqual(
      second.results.map((result) => result.game.id),
      [games[0]!.id],
    )
    assert.equal(second.next, null)
  })

  it('answers 400 {"cursor": ["Invalid cursor."]} to a cursor it did not make', async () => {
    const alice = await registerUser(app(), 'alice')
    for (const cursor of [
      'garbage!!',
      base64url('not json'),
      base64url('["12"]'),
      base64url('[1.5]'),
      base64url('[1, 2]'),
      base64url('{"id": 1}'),
      base64url('[]'),
      base64url('null'),
    ]) {
      const response = await feed(alice, `?cursor=${encodeURIComponent(cursor)}`)
      assert.equal(response.status, 400, `cursor ${cursor}: ${response.text}`)
      assert.deepEqual(response.body, { cursor: ['Invalid cursor.'] }, `cursor ${cursor}`)
    }
  })

  it('answers 400, never 500, to a cursor id no row could have', async () => {
    const alice = await registerUser(app(), 'alice')
    for (const id of ['3000000000', '99999999999999999999', '-1', '1e400']) {
      const response = await feed(alice, `?cursor=${base64url(`[${id}]`)}`)
      assert.equal(response.status, 400, `cursor [${id}]: ${response.text}`)
      assert.deepEqual(response.body, { cursor: ['Invalid cursor.'] })
    }
  })

  it('answers 400 to a limit out of 1..100, a limit that is not a number, and an unknown query key', async () => {
    const alice = await registerUser(app(), 'alice')
    const cases: [string, object][] = [
      ['?limit=0', { limit: ['Ensure this value is greater than or equal to 1.'] }],
      ['?limit=101', { limit: ['Ensure this value is less than or equal to 100.'] }],
      ['?limit=many', { limit: ['A valid integer is required.'] }],
      ['?page=2', { page: ['Unexpected field: not accepted here.'] }],
    ]
    for (const [query, errors] of cases) {
      const response = await feed(alice, query)
      assert.equal(response.status, 400, `${query}: ${response.text}`)
      assert.deepEqual(response.body, errors, query)
    }
    for (const limit of [1, 100]) assert.equal((await feed(alice, `?limit=${limit}`)).status, 200)
  })
})
