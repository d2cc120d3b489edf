import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'
import type { GameSummary as Game } from '../../src/games/schemas.js'

/** The original Overworld's action names and the profile lists they fill. */
const STATUS_ACTIONS = [
  ['log', 'played'],
  ['like', 'liked'],
  ['backlog', 'backlog'],
  ['wishlist', 'wishlist'],
] as const

const NOTHING = { played: false, liked: false, backlog: false, wishlist: false, favorite: false, rating: null }
const NO_TOKEN = { detail: 'Authentication credentials were not provided.' }
const GAME_NOT_FOUND = { detail: 'Game not found.' }
const IGDB_NOT_FOUND = { detail: 'Game not found. Send its "name" with the "igdb" id to add it.' }
const NEITHER = { game: ['Either "game" or "igdb" is required.'] }
const TOO_MANY_FAVORITES = { favorites: ['Ensure this field has no more than 5 elements.'] }


describeEachDatabase('a person\'s games: /api/actions/', (current) => {
  const app = () => current().app

  /** Seven games; the first has an IGDB id and a cover. */
  const seedGames = async (): Promise<Game[]> => {
    const inputs = [
      { igdb: '900001', name: 'Celeste', cover_url: 'https://images.igdb.com/igdb/image/upload/t_cover_big/co1.jpg' },
      { name: 'Hades' },
      { name: 'Tetris' },
      { name: 'Hollow Knight' },
      { name: 'Outer Wilds' },
      { name: 'Disco Elysium' },
      { name: 'Stardew Valley' },
    ]
    const games: Game[] = []
    for (const input of inputs) {
      const id = await insertGame(current().db, input)
      games.push({
        id,
        igdb: input.igdb ?? null,
        name: input.name,
        slug: input.name.toLowerCase().replace(/ /g, '-'),
        cover_url: input.cover_url ?? null,
      })
    }
    return games
  }

  const setup = async () => {
    const games = await seedGames()
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    return { games, alice, bob }
  }

  const post = (user: RegisteredUser | null, path: string, body: unknown) =>
    call(app(), 'POST', `/api/actions/${path}`, { token: user?.token, body })

  /** POSTs and asserts a 200. */
  const act = async (user: RegisteredUser, path: string, body: unknown) => {
    const response = await post(user, path, body)
    assert.equal(response.status, 200, `${path} ${JSON.stringify(body)}: ${response.text}`)
    return response.body
  }

  const stateOf = async (user: RegisteredUser, query: string) => {
    const response = await call(app(), 'GET', `/api/actions/${query}`, { token: user.token })
    assert.equal(response.status, 200, response.text)
    return response.body
  }

  /** The caller's rating of a game, through GET /api/actions/ratings/. */
  const ratingOf = async (user: RegisteredUser, game: number) => {
    const response = await call(app(), 'GET', `/api/actions/ratings/?game=${game}`, { token: user.token })
    assert.equal(response.status, 200, response.text)
    assert.deepEqual(Object.keys(response.body), ['game', 'user', 'rating'])
    assert.equal(response.body.game, game)
    assert.equal(response.body.user, user.id)
    return response.body.rating as number | null
  }

  const profileOf = async (username: string) => {
    const response = await call(app(), 'GET', `/api/users/profile/${username}`)
    assert.equal(response.status, 200, response.text)
    return response.body
  }

  const favoritesOf = async (username: string) => (await profileOf(username)).favorites as Game[]

  const statusRows = () =>
    current().db.selectFrom('game_statuses').select(['user_id', 'game_id', 'status']).orderBy('status').orderBy('game_id').execute()

  const gameCount = async () =>
    Number((await current().db.selectFrom('games').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

  describeState()
  describeStatuses()
  describeGameReferences()
  describeRatings()
  describeFavorites()
  describeConcurrency()

  function describeState() {
    it('GET ?game= answers the caller\'s state of a game, all false and null at first', async () => {
      const { games, alice } = await setup()

      assert.deepEqual(await stateOf(alice, `?game=${games[0]!.id}`), NOTHING)
    })

    it('GET ?game= and ?igdb= answer what the caller did, not what others did', async () => {
      const { games, alice, bob } = await setup()
      const celeste = games[0]!
      await act(alice, 'log/', { game: celeste.id, value: true })
      await act(alice, 'wishlist/', { game: celeste.id, value: true })
      await act(alice, 'favorites/add/', { game: celeste.id })
      await act(alice, 'ratings/', { game: celeste.id, rating: 3.5 })
      await act(bob, 'like/', { game: celeste.id, value: true })
      await act(bob, 'backlog/', { game: celeste.id, value: true })

      const expected = { played: true, liked: false, backlog: false, wishlist: true, favorite: true, rating: 3.5 }
      assert.deepEqual(await stateOf(alice, `?game=${celeste.id}`), expected)
      assert.deepEqual(await stateOf(alice, '?igdb=900001'), expected)
      assert.deepEqual(await stateOf(bob, `?game=${celeste.id}`), { ...NOTHING, liked: true, backlog: true })
      assert.deepEqual(await stateOf(alice, `?game=${games[1]!.id}`), NOTHING)
    })

    it('GET ?game= follows each change: statuses cleared, favorite removed, rating removed, game logged off the backlog', async () => {
      const { games, alice } = await setup()
      const game = games[0]!.id
      for (const action of ['like', 'backlog', 'wishlist']) await act(alice, `${action}/`, { game, value: true })
      await act(alice, 'favorites/add/', { game })
      await act(alice, 'ratings/', { game, rating: 0.5 })
      assert.deepEqual(await stateOf(alice, `?game=${game}`), {
        played: false,
        liked: true,
        backlog: true,
        wishlist: true,
        favorite: true,
        rating: 0.5,
      })

      await act(alice, 'log/', { game, value: true })
      await act(alice, 'like/', { game })
      await act(alice, 'favorites/remove/', { game })
      await act(alice, 'ratings/', { game, rating: null })

      assert.deepEqual(await stateOf(alice, `?game=${game}`), { ...NOTHING, played: true, wishlist: true })
    })

    it('GET ?igdb= finds a game that a request created by igdb and name', async () => {
      const { alice } = await setup()
      const created = await act(alice, 'backlog/', { igdb: '3030-1', name: 'Brand New Game', value: true })

      assert.deepEqual(await stateOf(alice, '?igdb=3030-1'), { ...NOTHING, backlog: true })
      assert.deepEqual(await stateOf(alice, `?game=${created.game}`), { ...NOTHING, backlog: true })
    })

    for (const [query, status, body] of [
      ['', 400, NEITHER],
      ['?game=999999', 404, GAME_NOT_FOUND],
      ['?igdb=123456789', 404, IGDB_NOT_FOUND],
      ['?game=abc', 400, { game: ['A valid integer is required.'] }],
      ['?game=0', 400, { game: ['Ensure this value is greater than or equal to 1.'] }],
      ['?user=1&game=1', 400, { user: ['Unexpected field: not accepted here.'] }],
      // Looking a game up never adds it.
      ['?igdb=123456789&name=New%20Game', 400, { name: ['Unexpected field: not accepted here.'] }],
    ] as const) {
      it(`GET ${query || 'without a game'} answers ${status}`, async () => {
        const { alice } = await setup()
        const before = await gameCount()

        const response = await call(app(), 'GET', `/api/actions/${query}`, { token: alice.token })

        assert.equal(response.status, status)
        assert.deepEqual(response.body, body)
        assert.equal(await gameCount(), before)
      })
    }
  }

  function describeStatuses() {
    for (const [action, status] of STATUS_ACTIONS) {
      it(`${action}: value true puts the game in the ${status} list, idempotently; false takes it out`, async () => {
        const { games, alice } = await setup()
        const game = games[1]!.id
        const extra = action === 'log' ? { removedFromBacklog: false } : {}

        for (let i = 0; i < 2; i++) {
          assert.deepEqual(await act(alice, `${action}/`, { game, value: true }), {
            game,
            user: alice.id,
            action,
            value: true,
            ...extra,
          })
        }
        assert.deepEqual(await statusRows(), [{ user_id: alice.id, game_id: game, status }])
        assert.deepEqual(
          (await profileOf('alice'))[status].map((g: Game) => g.id),
          [game],
        )

        for (let i = 0; i < 2; i++) {
          assert.deepEqual(await act(alice, `${action}/`, { game, value: false }), {
            game,
            user: alice.id,
            action,
            value: false,
            ...extra,
          })
        }
        assert.deepEqual(await statusRows(), [])
        assert.deepEqual((await profileOf('alice'))[status], [])
      })

      it(`${action}: without a value it toggles`, async () => {
        const { games, alice } = await setup()
        const game = games[2]!.id

        assert.equal((await act(alice, `${action}/`, { game })).value, true)
        assert.deepEqual(await statusRows(), [{ user_id: alice.id, game_id: game, status }])

        assert.equal((await act(alice, `${action}/`, { game })).value, false)
        assert.deepEqual(await statusRows(), [])

        assert.equal((await act(alice, `${action}/`, { game })).value, true)
        assert.deepEqual(await statusRows(), [{ user_id: alice.id, game_id: game, status }])
      })

      it(`${action}: touches only that list, that game and that user`, async () => {
        const { games, alice, bob } = await setup()
        await act(bob, `${action}/`, { game: games[0]!.id, value: true })

        await act(alice, `${action}/`, { game: games[0]!.id, value: true })
        await act(alice, `${action}/`, { game: games[0]!.id, value: false })

        assert.deepEqual(await statusRows(), [{ user_id: bob.id, game_id: games[0]!.id, status }])
      })

      it(`${action}: refuses bad bodies with 400/404 and changes nothing`, async () => {
        const { games, alice } = await setup()
        const before = await gameCount()
        const cases: [body: unknown, status: number, answer: unknown][] = [
          [{}, 400, NEITHER],
          [{ value: true }, 400, NEITHER],
          [{ game: 999999, value: true }, 404, GAME_NOT_FOUND],
          [{ igdb: '123456789', value: true }, 404, IGDB_NOT_FOUND],
          [{ game: games[0]!.id, value: true, user: 2 }, 400, { user: ['Unexpected field: not accepted here.'] }],
          [{ game: games[0]!.id, status: 'played' }, 400, { status: ['Unexpected field: not accepted here.'] }],
          [{ game: String(games[0]!.id), value: true }, 400, { game: ['A valid integer is required.'] }],
          [{ game: games[0]!.id, value: 'yes' }, 400, { value: ['Must be a valid boolean.'] }],
          [{ game: games[0]!.id, value: null }, 400, { value: ['This field may not be null.'] }],
          [{ game: 0, value: true }, 400, { game: ['Ensure this value is greater than or equal to 1.'] }],
          [{ igdb: '', name: 'Blank', value: true }, 400, { igdb: ['This field may not be blank.'] }],
        ]
        for (const [body, status, answer] of cases) {
          const response = await post(alice, `${action}/`, body)
          assert.equal(response.status, status, JSON.stringify(body))
          assert.deepEqual(response.body, answer, JSON.stringify(body))
        }
        assert.deepEqual(await statusRows(), [])
        assert.equal(await gameCount(), before)
      })
    }

    it('log: marking a backlog game played takes it off the backlog and says removedFromBacklog: true', async () => {
      const { games, alice } = await setup()
      const [celeste, hades] = [games[0]!, games[1]!]
      await act(alice, 'backlog/', { game: celeste.id, value: true })
      await act(alice, 'backlog/', { game: hades.id, value: true })

      assert.deepEqual(await act(alice, 'log/', { game: celeste.id, value: true }), {
        game: celeste.id,
        user: alice.id,
        action: 'log',
        value: true,
        removedFromBacklog: true,
      })

      const profile = await profileOf('alice')
      assert.deepEqual(profile.backlog, [hades])
      assert.deepEqual(profile.played, [celeste])
      // Logged again: it is no longer in the backlog.
      assert.equal((await act(alice, 'log/', { game: celeste.id, value: true })).removedFromBacklog, false)
    })

    it('log: toggling a backlog game on takes it off the backlog too', async () => {
      const { games, alice } = await setup()
      await act(alice, 'backlog/', { game: games[0]!.id, value: true })

      const response = await act(alice, 'log/', { game: games[0]!.id })

      assert.equal(response.value, true)
      assert.equal(response.removedFromBacklog, true)
      assert.deepEqual(await statusRows(), [{ user_id: alice.id, game_id: games[0]!.id, status: 'played' }])
    })

    it('log: value false leaves the backlog alone and says removedFromBacklog: false', async () => {
      const { games, alice } = await setup()
      await act(alice, 'backlog/', { game: games[0]!.id, value: true })

      const response = await act(alice, 'log/', { game: games[0]!.id, value: false })

      assert.deepEqual(response, { game: games[0]!.id, user: alice.id, action: 'log', value: false, removedFromBacklog: false })
      assert.deepEqual(await statusRows(), [{ user_id: alice.id, game_id: games[0]!.id, status: 'backlog' }])
    })

    it("log: only the caller's backlog entry for that game goes", async () => {
      const { games, alice, bob } = await setup()
      await act(alice, 'backlog/', { game: games[0]!.id, value: true })
      await act(alice, 'backlog/', { game: games[1]!.id, value: true })
      await act(bob, 'backlog/', { game: games[0]!.id, value: true })

      assert.equal((await act(alice, 'log/', { game: games[0]!.id, value: true })).removedFromBacklog, true)

      assert.deepEqual((await profileOf('alice')).backlog, [games[1]])
      assert.deepEqual((await profileOf('bob')).backlog, [games[0]])
    })

    it('other actions never answer removedFromBacklog, and do not touch the backlog', async () => {
      const { games, alice } = await setup()
      await act(alice, 'backlog/', { game: games[0]!.id, value: true })

      for (const action of ['like', 'wishlist']) {
        const response = await act(alice, `${action}/`, { game: games[0]!.id, value: true })
        assert.ok(!('removedFromBacklog' in response), action)
      }
      assert.deepEqual((await profileOf('alice')).backlog, [games[0]])
    })

    it('the profile lists each status newest first, as {id, igdb, name, slug, cover_url}', async () => {
      const { games, alice } = await setup()
      const [celeste, hades, tetris, hollow] = games as [Game, Game, Game, Game]
      for (const [action] of STATUS_ACTIONS) {
        for (const game of [hades, celeste, tetris]) await act(alice, `${action}/`, { game: game.id, value: true })
      }
      await act(alice, 'wishlist/', { game: hollow.id, value: true })
      // Setting a status again does not move the game.
      await act(alice, 'like/', { game: hades.id, value: true })
      // Taking it out and back does.
      await act(alice, 'backlog/', { game: hades.id })
      await act(alice, 'backlog/', { game: hades.id })

      const profile = await profileOf('alice')

      assert.deepEqual(profile.played, [tetris, celeste, hades])
      assert.deepEqual(profile.liked, [tetris, celeste, hades])
      assert.deepEqual(profile.backlog, [hades, tetris, celeste])
      assert.deepEqual(profile.wishlist, [hollow, tetris, celeste, hades])
      assert.deepEqual(Object.keys(profile.played[1]), ['id', 'igdb', 'name', 'slug', 'cover_url'])
      assert.deepEqual(profile.played[1], {
        id: celeste.id,
        igdb: '900001',
        name: 'Celeste',
        slug: 'celeste',
        cover_url: 'https://images.igdb.com/igdb/image/upload/t_cover_big/co1.jpg',
      })
      assert.deepEqual((await profileOf('bob')).played, [])
    })

    it('many quick logs keep their order on the profile', async () => {
      const { games, alice } = await setup()
      const order = [games[4]!, games[0]!, games[6]!, games[2]!, games[5]!, games[1]!, games[3]!]

      for (const game of order) await act(alice, 'log/', { game: game.id, value: true })

      assert.deepEqual((await profileOf('alice')).played, [...order].reverse())
    })
  }

  function describeGameReferences() {
    it('refers to a game by igdb alone when the catalog has it', async () => {
      const { games, alice } = await setup()

      const response = await act(alice, 'like/', { igdb: '900001', value: true })

      assert.deepEqual(response, { game: games[0]!.id, user: alice.id, action: 'like', value: true })
    })

    it('creates a game referred to by an unknown igdb with a name, and reuses it the next time', async () => {
      const { alice, bob } = await setup()
      const before = await gameCount()

      const first = await act(alice, 'log/', { igdb: '3030-68907', name: 'Night in the Woods', value: true })
      assert.equal(await gameCount(), before + 1)
      const created = await current()
        .db.selectFrom('games')
        .select(['id', 'igdb', 'name', 'slug'])
        .where('igdb', '=', '3030-68907')
        .executeTakeFirstOrThrow()
      assert.deepEqual(first, { game: created.id, user: alice.id, action: 'log', value: true, removedFromBacklog: false })
      assert.deepEqual(created, { id: created.id, igdb: '3030-68907', name: 'Night in the Woods', slug: 'night-in-the-woods' })

      // The same igdb again, even under another name: the same game, unchanged.
      const second = await act(bob, 'wishlist/', { igdb: '3030-68907', name: 'Night In The Woods (PC)', value: true })
      assert.equal(second.game, created.id)
      const third = await act(alice, 'like/', { igdb: '3030-68907', value: true })
      assert.equal(third.game, created.id)
      assert.equal(await gameCount(), before + 1)

      const details = await call(app(), 'GET', `/api/games/${created.id}`)
      assert.equal(details.status, 200)
      assert.equal(details.body.name, 'Night in the Woods')
      assert.equal(details.body.community.players, 1)
      assert.equal(details.body.community.wishlists, 1)
      assert.deepEqual((await profileOf('alice')).played, [
        { id: created.id, igdb: '3030-68907', name: 'Night in the Woods', slug: 'night-in-the-woods', cover_url: null },
      ])
    })

    it('gives a created game whose slug is taken the next free slug', async () => {
      const { games, alice } = await setup()

      const response = await act(alice, 'backlog/', { igdb: '424242', name: 'Tetris', value: true })

      assert.notEqual(response.game, games[2]!.id)
      const details = await call(app(), 'GET', '/api/games/tetris-2')
      assert.equal(details.status, 200)
      assert.equal(details.body.id, response.game)
      assert.equal(details.body.igdb, '424242')
    })

    it('creates the game for ratings and favorites too', async () => {
      const { alice } = await setup()

      const rated = await act(alice, 'ratings/', { igdb: '777', name: 'Pentiment', rating: 4 })
      const favorites = await act(alice, 'favorites/add/', { igdb: '778', name: 'Tunic' })

      const pentiment = await current().db.selectFrom('games').select(['id', 'name']).where('igdb', '=', '777').executeTakeFirstOrThrow()
      assert.deepEqual(rated, { game: pentiment.id, user: alice.id, rating: 4 })
      assert.equal(pentiment.name, 'Pentiment')
      const byIgdb = await call(app(), 'GET', '/api/actions/ratings/?igdb=777', { token: alice.token })
      assert.deepEqual(byIgdb.body, { game: pentiment.id, user: alice.id, rating: 4 })
      assert.deepEqual(
        favorites.map((game: Game) => [game.igdb, game.name, game.slug]),
        [['778', 'Tunic', 'tunic']],
      )
    })

    it('answers 404 for an unknown igdb without a name, and creates nothing', async () => {
      const { alice } = await setup()
      const before = await gameCount()

      for (const path of ['log/', 'like/', 'backlog/', 'wishlist/', 'favorites/add/']) {
        const response = await post(alice, path, { igdb: '31337' })
        assert.equal(response.status, 404, path)
        assert.deepEqual(response.body, IGDB_NOT_FOUND, path)
      }
      const rating = await post(alice, 'ratings/', { igdb: '31337', rating: 3 })
      assert.equal(rating.status, 404)
      assert.deepEqual(rating.body, IGDB_NOT_FOUND)

      assert.equal(await gameCount(), before)
      assert.deepEqual(await statusRows(), [])
    })

    it('refuses a game id beyond 32 bits with 400 on every route (not a database error), changing nothing', async () => {
      const { alice } = await setup()
      const game = 3_000_000_000

      for (const [method, path, body] of [
        ['GET', `/api/actions/?game=${game}`],
        ['GET', `/api/actions/ratings/?game=${game}`],
        ['POST', '/api/actions/log/', { game, value: true }],
        ['POST', '/api/actions/like/', { game }],
        ['POST', '/api/actions/backlog/', { game, value: false }],
        ['POST', '/api/actions/wishlist/', { game, value: true }],
        ['POST', '/api/actions/ratings/', { game, rating: 3 }],
        ['POST', '/api/actions/favorites/add/', { game }],
        ['POST', '/api/actions/favorites/remove/', { game }],
      ] as [string, string, unknown?][]) {
        const response = await call(app(), method, path, { token: alice.token, body })
        assert.equal(response.status, 400, `${method} ${path}: ${response.text}`)
        assert.deepEqual(response.body, { game: ['Ensure this value is less than or equal to 2147483647.'] }, `${method} ${path}`)
      }
      assert.deepEqual(await statusRows(), [])
      assert.equal((await current().db.selectFrom('ratings').selectAll().execute()).length, 0)
    })

    it('refuses a name that is too long or blank for a new game', async () => {
      const { alice } = await setup()
      const before = await gameCount()

      const blank = await post(alice, 'log/', { igdb: '31337', name: '' })
      assert.equal(blank.status, 400)
      assert.deepEqual(blank.body, { name: ['This field may not be blank.'] })
      const long = await post(alice, 'log/', { igdb: '31337', name: 'x'.repeat(201) })
      assert.equal(long.status, 400)
      assert.deepEqual(long.body, { name: ['Ensure this field has no more than 200 characters.'] })

      assert.equal(await gameCount(), before)
    })

    const protectedRoutes: [method: string, path: string, body?: unknown][] = [
      ['GET', '/api/actions/?game=1'],
      ['POST', '/api/actions/log/', { game: 1, value: true }],
      ['POST', '/api/actions/like/', { game: 1, value: true }],
      ['POST', '/api/actions/backlog/', { game: 1, value: true }],
      ['POST', '/api/actions/wishlist/', { game: 1, value: true }],
      ['POST', '/api/actions/ratings/', { game: 1, rating: 4 }],
      ['GET', '/api/actions/ratings/?game=1'],
      ['POST', '/api/actions/favorites/add/', { game: 1 }],
      ['POST', '/api/actions/favorites/remove/', { game: 1 }],
    ]
    it('answers 401 without a token on every route and changes nothing', async () => {
      await setup()
      const before = await gameCount()

      for (const [method, path, body] of [
        ...protectedRoutes,
        ['POST', '/api/actions/log/', { igdb: '5555', name: 'Sneaky New Game' }] as [string, string, unknown],
      ]) {
        const response = await call(app(), method, path, { body })
        assert.equal(response.status, 401, `${method} ${path}`)
        assert.deepEqual(response.body, NO_TOKEN, `${method} ${path}`)
        assert.equal(response.headers['www-authenticate'], 'Token', `${method} ${path}`)
      }

      assert.deepEqual(await statusRows(), [])
      assert.equal(await gameCount(), before)
      assert.equal((await current().db.selectFrom('ratings').selectAll().execute()).length, 0)
      assert.equal((await current().db.selectFrom('favorites').selectAll().execute()).length, 0)
    })

    it('answers 401 with an invalid token on every route', async () => {
      await setup()

      for (const [method, path, body] of protectedRoutes) {
        const response = await call(app(), method, path, { body, token: 'not-a-real-token' })
        assert.equal(response.status, 401, `${method} ${path}`)
        assert.deepEqual(response.body, { detail: 'Invalid token.' }, `${method} ${path}`)
      }
    })
  }

  function describeRatings() {
    it('accepts every half step from 0.5 to 5, keeping one rating per user and game', async () => {
      const { games, alice } = await setup()
      const game = games[0]!.id

      for (let halfStars = 1; halfStars <= 10; halfStars++) {
        const rating = halfStars / 2
        assert.deepEqual(await act(alice, 'ratings/', { game, rating }), { game, user: alice.id, rating })
        const stored = await call(app(), 'GET', `/api/actions/ratings/?game=${game}`, { token: alice.token })
        assert.equal(stored.status, 200)
        assert.deepEqual(stored.body, { game, user: alice.id, rating })
      }

      const rows = await current().db.selectFrom('ratings').select(['user_id', 'game_id', 'half_stars']).execute()
      assert.deepEqual(rows, [{ user_id: alice.id, game_id: game, half_stars: 10 }])
    })

    it('GET ratings answers null when not rated, and reads by igdb too', async () => {
      const { games, alice, bob } = await setup()
      await act(bob, 'ratings/', { game: games[0]!.id, rating: 2 })

      const unrated = await call(app(), 'GET', `/api/actions/ratings/?game=${games[0]!.id}`, { token: alice.token })
      assert.equal(unrated.status, 200)
      assert.deepEqual(unrated.body, { game: games[0]!.id, user: alice.id, rating: null })

      const byIgdb = await call(app(), 'GET', '/api/actions/ratings/?igdb=900001', { token: bob.token })
      assert.equal(byIgdb.status, 200)
      assert.deepEqual(byIgdb.body, { game: games[0]!.id, user: bob.id, rating: 2 })
    })

    it('rating null removes the rating', async () => {
      const { games, alice, bob } = await setup()
      const game = games[0]!.id
      await act(alice, 'ratings/', { game, rating: 4 })
      await act(bob, 'ratings/', { game, rating: 1.5 })

      assert.deepEqual(await act(alice, 'ratings/', { game, rating: null }), { game, user: alice.id, rating: null })

      const stored = await call(app(), 'GET', `/api/actions/ratings/?game=${game}`, { token: alice.token })
      assert.deepEqual(stored.body, { game, user: alice.id, rating: null })
      const rows = await current().db.selectFrom('ratings').select(['user_id', 'half_stars']).execute()
      assert.deepEqual(rows, [{ user_id: bob.id, half_stars: 3 }])
      // Removing a rating that is not there is fine.
      assert.deepEqual(await act(alice, 'ratings/', { game, rating: null }), { game, user: alice.id, rating: null })
    })

    for (const [rating, message] of [
      [0, 'Ensure this value is greater than or equal to 0.5.'],
      [-1, 'Ensure this value is greater than or equal to 0.5.'],
      [5.5, 'Ensure this value is less than or equal to 5.'],
      [10, 'Ensure this value is less than or equal to 5.'],
      [2.3, 'Ensure this value is a multiple of 0.5.'],
      [4.75, 'Ensure this value is a multiple of 0.5.'],
      ['4', 'A valid number is required.'],
      [true, 'A valid number is required.'],
      [[4], 'A valid number is required.'],
    ] as const) {
      it(`refuses rating ${JSON.stringify(rating)} with 400 and keeps the previous rating`, async () => {
        const { games, alice } = await setup()
        const game = games[0]!.id
        await act(alice, 'ratings/', { game, rating: 3 })

        const response = await post(alice, 'ratings/', { game, rating })

        assert.equal(response.status, 400)
        assert.deepEqual(response.body, { rating: [message] })
        assert.equal(await ratingOf(alice, game), 3)
      })
    }

    it('refuses a missing rating, no game, an unknown game and unknown keys', async () => {
      const { games, alice } = await setup()
      const cases: [body: unknown, status: number, answer: unknown][] = [
        [{ game: games[0]!.id }, 400, { rating: ['This field is required.'] }],
        [{ rating: 4 }, 400, NEITHER],
        [{ game: 999999, rating: 4 }, 404, GAME_NOT_FOUND],
        [{ game: games[0]!.id, rating: 4, review: 'great' }, 400, { review: ['Unexpected field: not accepted here.'] }],
      ]
      for (const [body, status, answer] of cases) {
        const response = await post(alice, 'ratings/', body)
        assert.equal(response.status, status, JSON.stringify(body))
        assert.deepEqual(response.body, answer, JSON.stringify(body))
      }
      assert.equal((await current().db.selectFrom('ratings').selectAll().execute()).length, 0)

      for (const [query, status, answer] of [
        ['', 400, NEITHER],
        ['?game=999999', 404, GAME_NOT_FOUND],
        ['?game=1&rating=4', 400, { rating: ['Unexpected field: not accepted here.'] }],
      ] as const) {
        const response = await call(app(), 'GET', `/api/actions/ratings/${query}`, { token: alice.token })
        assert.equal(response.status, status, query)
        assert.deepEqual(response.body, answer, query)
      }
    })
  }

  function describeFavorites() {

    it('adds favorites in order and answers the list as GameSummary', async () => {
      const { games, alice } = await setup()
      const [celeste, hades, tetris] = games as [Game, Game, Game]

      assert.deepEqual(await act(alice, 'favorites/add/', { game: hades.id }), [hades])
      assert.deepEqual(await act(alice, 'favorites/add/', { igdb: '900001' }), [hades, celeste])
      assert.deepEqual(await act(alice, 'favorites/add/', { game: tetris.id }), [hades, celeste, tetris])

      assert.deepEqual(await favoritesOf('alice'), [hades, celeste, tetris])
      assert.deepEqual(await favoritesOf('bob'), [])
    })

    it('adding a favorite twice keeps one, in its place', async () => {
      const { games, alice } = await setup()
      const [celeste, hades] = games as [Game, Game]
      await act(alice, 'favorites/add/', { game: celeste.id })
      await act(alice, 'favorites/add/', { game: hades.id })

      assert.deepEqual(await act(alice, 'favorites/add/', { game: celeste.id }), [celeste, hades])

      assert.deepEqual(await favoritesOf('alice'), [celeste, hades])
      assert.equal((await current().db.selectFrom('favorites').selectAll().execute()).length, 2)
    })

    it('removes a favorite, keeping the order of the rest; a later add goes last', async () => {
      const { games, alice } = await setup()
      const [celeste, hades, tetris, hollow] = games as [Game, Game, Game, Game]
      for (const game of [celeste, hades, tetris]) await act(alice, 'favorites/add/', { game: game.id })

      assert.deepEqual(await act(alice, 'favorites/remove/', { game: hades.id }), [celeste, tetris])
      assert.deepEqual(await act(alice, 'favorites/add/', { game: hollow.id }), [celeste, tetris, hollow])
      assert.deepEqual(await act(alice, 'favorites/add/', { game: hades.id }), [celeste, tetris, hollow, hades])
      assert.deepEqual(await act(alice, 'favorites/remove/', { igdb: '900001' }), [tetris, hollow, hades])

      assert.deepEqual(await favoritesOf('alice'), [tetris, hollow, hades])
    })

    it('removing a game that is not a favorite answers the unchanged list', async () => {
      const { games, alice, bob } = await setup()
      await act(alice, 'favorites/add/', { game: games[0]!.id })
      await act(bob, 'favorites/add/', { game: games[1]!.id })

      assert.deepEqual(await act(alice, 'favorites/remove/', { game: games[1]!.id }), [games[0]])

      assert.deepEqual(await favoritesOf('bob'), [games[1]])
    })

    it('refuses a sixth favorite with 400 and leaves the five unchanged', async () => {
      const { games, alice } = await setup()
      const five = games.slice(0, 5)
      for (const game of five) await act(alice, 'favorites/add/', { game: game.id })

      const response = await post(alice, 'favorites/add/', { game: games[5]!.id })

      assert.equal(response.status, 400)
      assert.deepEqual(response.body, TOO_MANY_FAVORITES)
      assert.deepEqual(await favoritesOf('alice'), five)
      // A game already there can still be "added" (nothing changes), and after a removal there is room again.
      assert.deepEqual(await act(alice, 'favorites/add/', { game: five[2]!.id }), five)
      await act(alice, 'favorites/remove/', { game: five[0]!.id })
      assert.deepEqual(await act(alice, 'favorites/add/', { game: games[5]!.id }), [...five.slice(1), games[5]])
    })

    it('refuses a sixth favorite even when it is a new game by igdb, and adds no game', async () => {
      const { games, alice } = await setup()
      for (const game of games.slice(0, 5)) await act(alice, 'favorites/add/', { game: game.id })
      const before = await gameCount()

      const response = await post(alice, 'favorites/add/', { igdb: '6543', name: 'Brand New' })

      assert.equal(response.status, 400)
      assert.deepEqual(response.body, TOO_MANY_FAVORITES)
      assert.equal(await gameCount(), before)
    })

    it('refuses favorites requests without a game, with an unknown game or with unknown keys', async () => {
      const { alice } = await setup()
      for (const path of ['favorites/add/', 'favorites/remove/']) {
        for (const [body, status, answer] of [
          [{}, 400, NEITHER],
          [{ game: 999999 }, 404, GAME_NOT_FOUND],
          [{ game: 1, position: 0 }, 400, { position: ['Unexpected field: not accepted here.'] }],
        ] as const) {
          const response = await post(alice, path, body)
          assert.equal(response.status, status, `${path} ${JSON.stringify(body)}`)
          assert.deepEqual(response.body, answer, `${path} ${JSON.stringify(body)}`)
        }
      }
      assert.deepEqual(await favoritesOf('alice'), [])
    })
  }

  function describeConcurrency() {
    it('10 simultaneous logs of one game: all 200, exactly one played row', async () => {
      const { games, alice } = await setup()
      const game = games[0]!.id

      const responses = await Promise.all(Array.from({ length: 10 }, () => post(alice, 'log/', { game, value: true })))

      assert.deepEqual(
        responses.map((response) => [response.status, response.body]),
        responses.map(() => [200, { game, user: alice.id, action: 'log', value: true, removedFromBacklog: false }]),
      )
      assert.deepEqual(await statusRows(), [{ user_id: alice.id, game_id: game, status: 'played' }])
    })

    it('10 simultaneous logs of one game leave one "played" entry in the activity log', async () => {
      const { games, alice } = await setup()
      const game = games[0]!.id

      await Promise.all(Array.from({ length: 10 }, () => post(alice, 'log/', { game, value: true })))

      const activities = await current()
        .db.selectFrom('activities')
        .select(['user_id', 'type', 'game_id'])
        .where('type', '=', 'played')
        .execute()
      assert.deepEqual(activities, [{ user_id: alice.id, type: 'played', game_id: game }])
    })

    it('10 simultaneous ratings by one user: one rating row holding one of the values', async () => {
      const { games, alice } = await setup()
      const game = games[0]!.id
      const values = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]

      const responses = await Promise.all(values.map((rating) => post(alice, 'ratings/', { game, rating })))

      assert.deepEqual(
        responses.map((response) => [response.status, response.body]),
        values.map((rating) => [200, { game, user: alice.id, rating }]),
      )
      const rows = await current().db.selectFrom('ratings').select(['user_id', 'game_id', 'half_stars']).execute()
      assert.equal(rows.length, 1)
      assert.equal(rows[0]!.user_id, alice.id)
      assert.equal(rows[0]!.game_id, game)
      assert.ok(values.includes(rows[0]!.half_stars / 2), `stored ${rows[0]!.half_stars} half stars`)
      assert.equal(await ratingOf(alice, game), rows[0]!.half_stars / 2)
    })

    it('10 simultaneous ratings by one user leave one "rating" entry in the activity log, with the stored value', async () => {
      const { games, alice } = await setup()
      const game = games[0]!.id

      await Promise.all([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5].map((rating) => post(alice, 'ratings/', { game, rating })))

      const rows = await current().db.selectFrom('ratings').select('half_stars').execute()
      assert.equal(rows.length, 1)
      const activities = await current()
        .db.selectFrom('activities')
        .select(['type', 'half_stars'])
        .where('type', '=', 'rating')
        .execute()
      assert.deepEqual(activities, [{ type: 'rating', half_stars: rows[0]!.half_stars }])
    })

    it('10 users adding the same new game by igdb at once: all 200, one game', async () => {
      await seedGames()
      const before = await gameCount()
      const users: RegisteredUser[] = []
      for (let i = 0; i < 10; i++) users.push(await registerUser(app(), `racer${i}`))

      const responses = await Promise.all(
        users.map((user) => post(user, 'wishlist/', { igdb: '8080', name: 'Simultaneous', value: true })),
      )

      assert.deepEqual(
        responses.map((response) => [response.status, response.body.user]),
        users.map((user) => [200, user.id]),
      )
      assert.equal(new Set(responses.map((response) => response.body.game)).size, 1)
      assert.equal(await gameCount(), before + 1)
      assert.equal((await statusRows()).length, 10)
    })

    it('10 simultaneous favorite adds of one game: all 200, one favorite', async () => {
      const { games, alice } = await setup()
      const game = games[0]!

      const responses = await Promise.all(Array.from({ length: 10 }, () => post(alice, 'favorites/add/', { game: game.id })))

      assert.deepEqual(
        responses.map((response) => [response.status, response.body]),
        responses.map(() => [200, [game]]),
      )
      assert.deepEqual(await favoritesOf('alice'), [game])
    })

    it('7 simultaneous favorite adds of different games: never more than 5 favorites', async () => {
      const { games, alice } = await setup()

      const responses = await Promise.all(games.map((game) => post(alice, 'favorites/add/', { game: game.id })))

      const added = responses.filter((response) => response.status === 200)
      const refused = responses.filter((response) => response.status === 400)
      assert.equal(added.length, 5, JSON.stringify(responses.map((response) => response.status)))
      assert.equal(refused.length, 2)
      for (const response of refused) assert.deepEqual(response.body, TOO_MANY_FAVORITES)
      const favorites = await favoritesOf('alice')
      assert.equal(favorites.length, 5)
      const positions = await current().db.selectFrom('favorites').select('position').execute()
      assert.equal(new Set(positions.map((row) => row.position)).size, 5)
    })
  }
})
