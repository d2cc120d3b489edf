import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import type { GameSummary as Game } from '../../src/games/schemas.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const base64url = (text: string) => Buffer.from(text).toString('base64url')

describeEachDatabase('GET /api/activity/user/:username', (current) => {
  const app = () => current().app
  const db = () => current().db

  const addGames = async (count: number): Promise<Game[]> => {
    const games: Game[] = []
    for (let n = 1; n <= count; n++) {
      const name = `Game ${n}`
      const id = await insertGame(db(), { name, slug: `game-${n}` })
      games.push({ id, igdb: null, name, slug: `game-${n}`, cover_url: null })
    }
    return games
  }

  /** A write through the API that must succeed; returns its answer. */
  const write = async (user: RegisteredUser, method: string, url: string, body?: object) => {
    const response = await call(app(), method, url, { token: user.token, body })
    assert.ok(response.status >= 200 && response.status < 300, `${method} ${url}: ${response.status} ${response.text}`)
    return response.body
  }

  const activity = (username: string, query = '', token?: string) =>
    call(app(), 'GET', `/api/activity/user/${encodeURIComponent(username)}${query}`, { token })

  /** An activity page that must succeed. */
  const activityPage = async (username: string, query = '') => {
    const response = await activity(username, query)
    assert.equal(response.status, 200, response.text)
    return response.body as { results: any[]; next: string | null }
  }

  /** What each item says happened: its type and what it is about. */
  const summaryOf = (item: any) => [item.type, item.game?.name ?? item.list?.title ?? item.target?.username ?? null]

  it('lists what the person did, of every kind, newest first, and nobody else’s, to anyone without a token', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const [g1, g2, g3, g4, g5] = (await addGames(5)) as [Game, Game, Game, Game, Game]

    await write(alice, 'POST', '/api/actions/log/', { game: g1.id })
    await write(bob, 'POST', '/api/actions/log/', { game: g2.id }) // someone else's
    await write(alice, 'POST', '/api/actions/like/', { game: g2.id })
    await write(alice, 'POST', '/api/actions/ratings/', { game: g3.id, rating: 3.5 })
    await write(alice, 'POST', '/api/actions/wishlist/', { game: g4.id })
    const review = await write(alice, 'POST', '/api/actions/journal/', {
      game: g5.id,
      date: '2024-03-17',
      entry_type: 'finished',
      review: 'Superb.',
      spoilers: true,
      rating: 4.5,
    })
    const list = await write(alice, 'POST', '/api/lists/', { title: 'Favourites', ranked: false, games: [{ game: g1.id }] })
    await write(alice, 'POST', '/api/users/follow/', { username: 'bob' })
    await write(bob, 'POST', '/api/users/follow/', { username: 'alice' }) // bob's, not alice's

    const page = await activityPage('alice')
    assert.deepEqual(page.results.map(summaryOf), [
      ['follow', 'bob'],
      ['list', 'Favourites'],
      ['review', 'Game 5'],
      ['wishlist', 'Game 4'],
      ['rating', 'Game 3'],
      ['liked', 'Game 2'],
      ['played', 'Game 1'],
    ])
    assert.equal(page.next, null)
    for (const item of page.results) assert.deepEqual(item.user, { id: alice.id, username: 'alice', gravatar: item.user.gravatar })

    const [follow, listed, reviewed, , rated] = page.results
    assert.deepEqual(follow.target, { id: bob.id, username: 'bob' })
    assert.deepEqual(listed.list, { id: list.id, title: 'Favourites' })
    assert.deepEqual(reviewed.game, g5)
    assert.equal(reviewed.rating, 4.5)
    assert.deepEqual(reviewed.entry, {
      id: review.id,
      user_id: alice.id,
      entry_type: 'finished',
      date: '2024-03-17',
      review: 'Superb.',
      spoilers: true,
    })
    assert.equal(rated.rating, 3.5)

    // The same answer signed in, and for the name in any case.
    const signedIn = await activity('alice', '', bob.token)
    assert.deepEqual(signedIn.body, page)
    assert.deepEqual(await activityPage('ALICE'), page)
  })

  it('follows edits and undoings: an edited review shows its new text, a deleted one and an unlike are gone', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1, g2] = (await addGames(2)) as [Game, Game]
    await write(alice, 'POST', '/api/actions/like/', { game: g1.id })
    const review = await write(alice, 'POST', '/api/actions/journal/', { game: g2.id, date: '2024-03-17', entry_type: 'played', review: 'Good.' })

    await write(alice, 'PATCH', `/api/actions/journal/${review.id}`, { review: 'Better on a second look.' })
    assert.deepEqual(
      (await activityPage('alice')).results.map((item) => [item.type, item.entry?.review ?? null]),
      [
        ['review', 'Better on a second look.'],
        ['liked', null],
      ],
    )

    await write(alice, 'DELETE', `/api/actions/journal/${review.id}`)
    await write(alice, 'POST', '/api/actions/like/', { game: g1.id, value: false })
    assert.deepEqual(await activityPage('alice'), { results: [], next: null })
  })

  it('answers an empty page for someone who did nothing, and 404 for a name nobody has', async () => {
    await registerUser(app(), 'alice')
    assert.deepEqual(await activityPage('alice'), { results: [], next: null })

    const unknown = await activity('nobody')
    assert.equal(unknown.status, 404, unknown.text)
    assert.deepEqual(unknown.body, { detail: 'Not found.' })
  })

  it('pages with a cursor: limit 2 over 5 items gives 2, 2 and 1, without duplicates or gaps', async () => {
    const alice = await registerUser(app(), 'alice')
    const games = await addGames(6)
    for (const game of games.slice(0, 5)) await write(alice, 'POST', '/api/actions/log/', { game: game.id })

    const all = await activityPage('alice')
    assert.equal(all.results.length, 5)

    const first = await activityPage('alice', '?limit=2')
    assert.equal(typeof first.next, 'string')
    // Something new between two pages neither shifts nor repeats what follows.
    await write(alice, 'POST', '/api/actions/log/', { game: games[5]!.id })
    const second = await activityPage('alice', `?limit=2&cursor=${encodeURIComponent(first.next!)}`)
    const third = await activityPage('alice', `?limit=2&cursor=${encodeURIComponent(second.next!)}`)
    assert.equal(third.next, null)
    assert.deepEqual([...first.results, ...second.results, ...third.results], all.results)

    // A page that ends exactly at the last item says there is no next one.
    const exact = await activityPage('alice', '?limit=6')
    assert.equal(exact.results.length, 6)
    assert.equal(exact.next, null)
  })

  it('answers 400 to a cursor it did not make, a limit out of 1..100 and an unknown query key', async () => {
    await registerUser(app(), 'alice')
    for (const cursor of ['garbage!!', base64url('["12"]'), base64url('[1, 2]'), base64url('[-1]')]) {
      const response = await activity('alice', `?cursor=${encodeURIComponent(cursor)}`)
      assert.equal(response.status, 400, `cursor ${cursor}: ${response.text}`)
      assert.deepEqual(response.body, { cursor: ['Invalid cursor.'] })
    }
    const cases: [string, object][] = [
      ['?limit=0', { limit: ['Ensure this value is greater than or equal to 1.'] }],
      ['?limit=101', { limit: ['Ensure this value is less than or equal to 100.'] }],
      ['?page=2', { page: ['Unexpected field: not accepted here.'] }],
    ]
    for (const [query, errors] of cases) {
      const response = await activity('alice', query)
      assert.equal(response.status, 400, `${query}: ${response.text}`)
      assert.deepEqual(response.body, errors, query)
    }
  })
})
