import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { Tables } from '../../src/db/tables.js'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const JOURNAL = '/api/actions/journal/'
const DAY_MS = 86_400_000
const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/

describeEachDatabase('journal: POST/PATCH/DELETE /api/actions/journal/ and a profile activity', (current) => {
  const app = () => current().app

  const addGame = (name: string) => insertGame(current().db, { name })

  const logEntry = (user: RegisteredUser | null, body: Record<string, unknown>) =>
    call(app(), 'POST', JOURNAL, { token: user?.token, body })

  /** Logs an entry that must succeed, and returns it. */
  const logged = async (user: RegisteredUser, body: Record<string, unknown>) => {
    const response = await logEntry(user, body)
    assert.equal(response.status, 201, response.text)
    return response.body
  }

  const editEntry = (user: RegisteredUser | null, id: number, body: Record<string, unknown>) =>
    call(app(), 'PATCH', `${JOURNAL}${id}`, { token: user?.token, body })

  const deleteEntry = (user: RegisteredUser | null, id: number) => call(app(), 'DELETE', `${JOURNAL}${id}`, { token: user?.token })

  const activityOf = (username: string, query = '') => call(app(), 'GET', `/api/users/profile/${username}/activity${query}`)

  const countRows = async (table: keyof Tables) => {
    const row = await current()
      .db.selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** Where the game stands in the person's library: the lists of their profile, and their rating of it. */
  const stateOf = async (user: RegisteredUser, gameId: number) => {
    const profile = await call(app(), 'GET', `/api/users/${user.username}`)
    const rating = await call(app(), 'GET', `/api/actions/ratings/?game=${gameId}`, { token: user.token })
    assert.equal(profile.status, 200, profile.text)
    assert.equal(rating.status, 200, rating.text)
    const listed = (list: string) => profile.body[list].some((game: { id: number }) => game.id === gameId)
    return {
      played: listed('played'),
      liked: listed('liked'),
      backlog: listed('backlog'),
      wishlist: listed('wishlist'),
      rating: rating.body.rating,
    }
  }

  const gravatarOf = async (user: RegisteredUser) => (await call(app(), 'GET', '/api/users/user/', { token: user.token })).body.gravatar

  const daysFromNow = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10)

  it('logs an entry: 201 with the whole entry, its author and its game', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Hollow Knight')

    const response = await logEntry(alice, {
      game: gameId,
      date: '2024-03-17',
      entry_type: 'finished',
      platform: 'Nintendo Switch',
      review: 'A haunting, beautiful labyrinth.',
      spoilers: true,
      liked: true,
      rating: 4.5,
    })

    assert.equal(response.status, 201, response.text)
    const { id, created_at, updated_at, ...entry } = response.body
    assert.equal(typeof id, 'number')
    assert.match(created_at, ISO_TIMESTAMP)
    assert.equal(updated_at, created_at)
    assert.deepEqual(entry, {
      user: { id: alice.id, username: 'alice', gravatar: await gravatarOf(alice) },
      game: { id: gameId, igdb: null, name: 'Hollow Knight', slug: 'hollow-knight', cover_url: null },
      date: '2024-03-17',
      entry_type: 'finished',
      platform: 'Nintendo Switch',
      review: 'A haunting, beautiful labyrinth.',
      spoilers: true,
      liked: true,
      rating: 4.5,
      like_count: 0,
      comment_count: 0,
      playthrough: null,
    })
  })

  it('fills the optional fields with their defaults, and takes "" as no review and no platform', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')

    const entry = await logged(alice, { game: gameId, date: '2024-01-02', entry_type: 'started', review: '', platform: '' })

    assert.deepEqual(
      { platform: entry.platform, review: entry.review, spoilers: entry.spoilers, liked: entry.liked, rating: entry.rating },
      { platform: null, review: null, spoilers: false, liked: false, rating: null },
    )
  })

  it('maps the one-letter codes F/S/P/A/R, in either case, to the entry types', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    const cases: [code: string, type: string][] = [
      ['F', 'finished'],
      ['s', 'started'],
      ['P', 'played'],
      ['a', 'abandoned'],
      ['R', 'replayed'],
      ['replayed', 'replayed'],
    ]

    for (const [code, type] of cases) {
      const entry = await logged(alice, { game: gameId, date: '2024-01-02', entry_type: code })
      assert.equal(entry.entry_type, type, code)
    }
  })

  it("makes the entry's rating the person's rating of the game", async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')

    await logged(alice, { game: gameId, date: '2024-01-02', entry_type: 'started', rating: 3.5 })

    const rating = await call(app(), 'GET', `/api/actions/ratings/?game=${gameId}`, { token: alice.token })
    assert.equal(rating.status, 200)
    assert.deepEqual(rating.body, { game: gameId, user: alice.id, rating: 3.5 })
  })

  it('puts a liked entry\'s game in the liked list, and an entry without "liked" does not', async () => {
    const alice = await registerUser(app(), 'alice')
    const liked = await addGame('Celeste')
    const notLiked = await addGame('Hades')

    await logged(alice, { game: liked, date: '2024-01-02', entry_type: 'started', liked: true })
    await logged(alice, { game: notLiked, date: '2024-01-02', entry_type: 'started' })

    const profile = await call(app(), 'GET', '/api/users/alice')
    assert.deepEqual(
      profile.body.liked.map((game: { id: number }) => game.id),
      [liked],
    )
    assert.equal((await stateOf(alice, notLiked)).liked, false)
  })

  it('marks a finished game played and takes it off the backlog', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    const backlog = await call(app(), 'POST', '/api/actions/backlog/', { token: alice.token, body: { game: gameId, value: true } })
    assert.equal(backlog.status, 200)

    await logged(alice, { game: gameId, date: '2024-01-02', entry_type: 'F' })

    assert.deepEqual(await stateOf(alice, gameId), {
      played: true,
      liked: false,
      backlog: false,
      wishlist: false,
      rating: null,
    })
  })

  it('marks the game played for played, replayed and abandoned, but not for started', async () => {
    const alice = await registerUser(app(), 'alice')
    for (const type of ['played', 'replayed', 'abandoned', 'started']) {
      const gameId = await addGame(`Game ${type}`)
      await call(app(), 'POST', '/api/actions/backlog/', { token: alice.token, body: { game: gameId, value: true } })

      await logged(alice, { game: gameId, date: '2024-01-02', entry_type: type })

      const state = await stateOf(alice, gameId)
      const played = type !== 'started'
      assert.deepEqual({ played: state.played, backlog: state.backlog }, { played, backlog: !played }, type)
    }
  })

  it('adds a game named by igdb and name that is not in the catalog yet', async () => {
    const alice = await registerUser(app(), 'alice')

    const entry = await logged(alice, { igdb: '3030-68907', name: 'Some New Game', date: '2024-01-02', entry_type: 'played' })

    assert.deepEqual(entry.game, { id: entry.game.id, igdb: '3030-68907', name: 'Some New Game', slug: 'some-new-game', cover_url: null })
  })

  it('records a "review" activity for an entry with text and a "journal" one without', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')

    const review = await logged(alice, { game: gameId, date: '2024-01-02', entry_type: 'started', review: 'Tough.', rating: 4 })
    const plain = await logged(alice, { game: gameId, date: '2024-01-03', entry_type: 'started' })

    const activities = await current()
      .db.selectFrom('activities')
      .select(['type', 'user_id', 'game_id', 'entry_id', 'half_stars'])
      .where('entry_id', 'is not', null)
      .orderBy('id')
      .execute()
    assert.deepEqual(activities, [
      { type: 'review', user_id: alice.id, game_id: gameId, entry_id: review.id, half_stars: 8 },
      { type: 'journal', user_id: alice.id, game_id: gameId, entry_id: plain.id, half_stars: null },
    ])
  })

  it('accepts today and a review of exactly 20,000 characters', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    const today = daysFromNow(0)

    const entry = await logged(alice, { game: gameId, date: today, entry_type: 'started', review: 'x'.repeat(20_000) })

    assert.equal(entry.date, today)
    assert.equal(entry.review.length, 20_000)
  })

  const refusals: [name: string, body: Record<string, unknown>, errors: Record<string, string[]>][] = [
    ['a date in the future', { date: daysFromNow(2) }, { date: ['Date cannot be in the future.'] }],
    ['an impossible date', { date: '2023-02-30' }, { date: ['Enter a real calendar date.'] }],
    [
      'a date in another format',
      { date: '17/03/2024' },
      { date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] },
    ],
    ['an unknown entry type', { entry_type: 'X' }, { entry_type: ['"X" is not a valid choice.'] }],
    ['a review over 20,000 characters', { review: 'x'.repeat(20_001) }, { review: ['Ensure this field has no more than 20000 characters.'] }],
    ['a platform over 100 characters', { platform: 'p'.repeat(101) }, { platform: ['Ensure this field has no more than 100 characters.'] }],
    ['a rating off the half-star steps', { rating: 3.3 }, { rating: ['Ensure this value is a multiple of 0.5.'] }],
    ['an unknown field', { mood: 'happy' }, { mood: ['Unexpected field: not accepted here.'] }],
    ['a missing date', { date: undefined }, { date: ['This field is required.'] }],
    ['a game id beyond any id', { game: 99_999_999_999 }, { game: ['Ensure this value is less than or equal to 2147483647.'] }],
  ]
  for (const [name, override, errors] of refusals) {
    it(`refuses ${name} with 400 and writes nothing, not even the new game`, async () => {
      const alice = await registerUser(app(), 'alice')
      const body = {
        igdb: '18099',
        name: 'Brand New Game',
        date: '2024-01-02',
        entry_type: 'finished',
        liked: true,
        rating: 4,
        review: 'Great.',
        ...override,
      }

      const response = await logEntry(alice, body)

      assert.equal(response.status, 400)
      assert.deepEqual(response.body, errors)
      for (const table of ['journal_entries', 'games', 'ratings', 'game_statuses', 'activities'] as const) {
        assert.equal(await countRows(table), 0, table)
      }
    })
  }

  it('answers 404 for an unknown game and writes nothing', async () => {
    const alice = await registerUser(app(), 'alice')

    const response = await logEntry(alice, { game: 999_999, date: '2024-01-02', entry_type: 'finished', rating: 4 })

    assert.equal(response.status, 404)
    assert.deepEqual(response.body, { detail: 'Game not found.' })
    for (const table of ['journal_entries', 'ratings', 'game_statuses', 'activities'] as const) {
      assert.equal(await countRows(table), 0, table)
    }
  })

  it('answers 400 when no game is named', async () => {
    const alice = await registerUser(app(), 'alice')

    const response = await logEntry(alice, { date: '2024-01-02', entry_type: 'finished' })

    assert.equal(response.status, 400)
    assert.deepEqual(response.body, { game: ['Either "game" or "igdb" is required.'] })
    assert.equal(await countRows('journal_entries'), 0)
  })

  it('requires a token to log, edit or delete, and changes nothing without one', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    const entry = await logged(alice, { game: gameId, date: '2024-01-02', entry_type: 'started', review: 'Hard.' })

    const responses = [
      await logEntry(null, { game: gameId, date: '2024-01-02', entry_type: 'started' }),
      await editEntry(null, entry.id, { review: 'Changed.' }),
      await deleteEntry(null, entry.id),
    ]

    for (const response of responses) {
      assert.equal(response.status, 401)
      assert.deepEqual(response.body, { detail: 'Authentication credentials were not provided.' })
    }
    assert.equal(await countRows('journal_entries'), 1)
    assert.equal((await activityOf('alice')).body.results[0].review, 'Hard.')
  })

  it('lets the owner edit any field but the game: 200 with the entry as it now is', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    const entry = await logged(alice, { game: gameId, date: '2024-01-02', entry_type: 'started', platform: 'PC' })

    const response = await editEntry(alice, entry.id, {
      date: '2024-02-10',
      entry_type: 'r',
      platform: null,
      review: 'Even better the second time.',
      spoilers: true,
      liked: true,
      rating: 5,
    })

    assert.equal(response.status, 200, response.text)
    const { updated_at, ...edited } = response.body
    assert.ok(updated_at > entry.updated_at, `${updated_at} after ${entry.updated_at}`)
    const { updated_at: _before, ...unedited } = entry
    assert.deepEqual(edited, {
      ...unedited,
      date: '2024-02-10',
      entry_type: 'replayed',
      platform: null,
      review: 'Even better the second time.',
      spoilers: true,
      liked: true,
      rating: 5,
    })
    // The edit reaches the library as a new entry would.
    assert.deepEqual(await stateOf(alice, gameId), {
      played: true,
      liked: true,
      backlog: false,
      wishlist: false,
      rating: 5,
    })
    // The entry is a review now, and its activity says so.
    const activity = await current().db.selectFrom('activities').select(['type', 'half_stars']).where('entry_id', '=', entry.id).execute()
    assert.deepEqual(activity, [{ type: 'review', half_stars: 10 }])
  })

  it('changes only the fields an edit names; "" takes the review away', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    const entry = await logged(alice, { game: gameId, date: '2024-01-02', entry_type: 'finished', review: 'Good.', rating: 4 })

    const response = await editEntry(alice, entry.id, { review: '' })

    assert.equal(response.status, 200)
    assert.deepEqual({ ...response.body, updated_at: entry.updated_at }, { ...entry, review: null })
    const activity = await current().db.selectFrom('activities').select('type').where('entry_id', '=', entry.id).execute()
    assert.deepEqual(activity, [{ type: 'journal' }])
  })

  it('refuses to edit the game, or to move the date into the future, with 400 and changes nothing', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    const other = await addGame('Hades')
    const entry = await logged(alice, { game: gameId, date: '2024-01-02', entry_type: 'started' })

    const moveGame = await editEntry(alice, entry.id, { game: other })
    const future = await editEntry(alice, entry.id, { date: daysFromNow(3), rating: 2 })

    assert.equal(moveGame.status, 400)
    assert.deepEqual(moveGame.body, { game: ['Unexpected field: not accepted here.'] })
    assert.equal(future.status, 400)
    assert.deepEqual(future.body, { date: ['Date cannot be in the future.'] })
    assert.deepEqual((await activityOf('alice')).body.results, [entry])
    assert.equal((await stateOf(alice, gameId)).rating, null)
  })

  it("answers 403 to someone editing or deleting another person's entry, and changes nothing", async () => {
    const alice = await registerUser(app(), 'alice')
    const mallory = await registerUser(app(), 'mallory')
    const gameId = await addGame('Celeste')
    const entry = await logged(alice, { game: gameId, date: '2024-01-02', entry_type: 'started', review: 'Mine.' })

    const edit = await editEntry(mallory, entry.id, { review: 'Defaced.' })
    const removal = await deleteEntry(mallory, entry.id)

    for (const response of [edit, removal]) {
      assert.equal(response.status, 403)
      assert.deepEqual(response.body, { detail: 'You do not have permission to perform this action.' })
    }
    assert.deepEqual((await activityOf('alice')).body.results, [entry])
  })

  it('answers 404 to editing or deleting an entry that does not exist', async () => {
    const alice = await registerUser(app(), 'alice')

    for (const response of [await editEntry(alice, 12345, { review: 'x' }), await deleteEntry(alice, 12345)]) {
      assert.equal(response.status, 404)
      assert.deepEqual(response.body, { detail: 'Not found.' })
    }
  })

  it('lets the owner delete an entry: 204, and its likes, comments and activity go with it', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const gameId = await addGame('Celeste')
    const kept = await logged(alice, { game: gameId, date: '2024-01-01', entry_type: 'started' })
    const entry = await logged(alice, { game: gameId, date: '2024-01-02', entry_type: 'started', review: 'Hard.' })
    assert.equal((await call(app(), 'POST', `/api/reviews/${entry.id}/like`, { token: bob.token })).status, 200)
    const comment = await call(app(), 'POST', `/api/reviews/${entry.id}/comments`, { token: bob.token, body: { body: 'Agreed.' } })
    assert.equal(comment.status, 201)

    const response = await deleteEntry(alice, entry.id)

    assert.equal(response.status, 204)
    assert.equal(response.text, '')
    assert.deepEqual(
      (await activityOf('alice')).body.results.map((item: { id: number }) => item.id),
      [kept.id],
    )
    assert.equal(await countRows('review_likes'), 0)
    assert.equal(await countRows('review_comments'), 0)
    const leftActivity = await current().db.selectFrom('activities').select('entry_id').where('entry_id', 'is not', null).execute()
    assert.deepEqual(leftActivity, [{ entry_id: kept.id }])
  })

  it("lists a person's entries latest day first, newest written first within a day, a page at a time", async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const gameId = await addGame('Celeste')
    const dates = ['2024-01-05', '2023-12-31', '2024-01-05', '2024-02-01', '2022-06-15']
    const ids: number[] = []
    for (const date of dates) ids.push((await logged(alice, { game: gameId, date, entry_type: 'played' })).id)
    await logged(bob, { game: gameId, date: '2024-01-10', entry_type: 'played' })
    const expected = [ids[3], ids[2], ids[0], ids[1], ids[4]]

    const seen: number[] = []
    const pages: number[] = []
    let cursor: string | null = null
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const response = await activityOf('ALICE', query)
      assert.equal(response.status, 200, response.text)
      pages.push(response.body.results.length)
      seen.push(...response.body.results.map((entry: { id: number }) => entry.id))
      cursor = response.body.next
    } while (cursor !== null)

    assert.deepEqual(seen, expected)
    assert.deepEqual(pages, [2, 2, 1])
  })

  it('ends the last full page with next: null', async () => {
    const alice = await registerUser(app(), 'alice')
    const gameId = await addGame('Celeste')
    for (const date of ['2024-01-01', '2024-01-02']) await logged(alice, { game: gameId, date, entry_type: 'played' })

    const response = await activityOf('alice', '?limit=2')

    assert.equal(response.status, 200)
    assert.equal(response.body.results.length, 2)
    assert.equal(response.body.next, null)
  })

  it('answers 404 for the activity of an unknown user, and 400 for a made-up cursor', async () => {
    await registerUser(app(), 'alice')

    const unknown = await activityOf('nobody')
    const badCursor = await activityOf('alice', '?cursor=bm90LWEtY3Vyc29y')
    const hugeId = await activityOf('alice', `?cursor=${Buffer.from('["2024-01-01",99999999999]').toString('base64url')}`)

    assert.equal(unknown.status, 404)
    assert.deepEqual(unknown.body, { detail: 'Not found.' })
    for (const response of [badCursor, hugeId]) {
      assert.equal(response.status, 400)
      assert.deepEqual(response.body, { cursor: ['Invalid cursor.'] })
    }
  })
})
