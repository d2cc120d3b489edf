import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { EntryType } from '../../src/db/tables.js'
import { timestamp } from '../../src/db/time.js'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'
import { ZERO_COUNTS } from '../helpers/fixtures.js'
import { insertPlaythrough } from '../helpers/playthroughs.js'

describeEachDatabase('GET /api/users/:username/stats', (current) => {
  const app = () => current().app
  const db = () => current().db

  const addGame = (name: string, genres: string[] = []) =>
    insertGame(db(), { name, slug: name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), genres })

  const addGames = async (count: number) => {
    const ids: number[] = []
    for (let n = 1; n <= count; n++) ids.push(await addGame(`Game ${n}`))
    return ids
  }

  const act = async (user: RegisteredUser, action: 'log' | 'like' | 'backlog' | 'wishlist', gameId: number, value = true) => {
    const response = await call(app(), 'POST', `/api/actions/${action}/`, { token: user.token, body: { game: gameId, value } })
    assert.equal(response.status, 200, response.text)
  }

  const rate = async (user: RegisteredUser, gameId: number, rating: number | null) => {
    const response = await call(app(), 'POST', '/api/actions/ratings/', { token: user.token, body: { game: gameId, rating } })
    assert.equal(response.status, 200, response.text)
  }

  const follow = async (user: RegisteredUser, other: RegisteredUser, action: 'follow' | 'unfollow' = 'follow') => {
    const response = await call(app(), 'POST', `/api/users/${action}/`, { token: user.token, body: { username: other.username } })
    assert.equal(response.status, 200, response.text)
  }

  /** A journal entry written straight into the table, as the journal module stores it. */
  const addEntry = async (
    user: RegisteredUser,
    gameId: number,
    fields: { date: string; entry_type: EntryType; platform?: string | null; review?: string | null },
  ) => {
    const now = timestamp()
    await db()
      .insertInto('journal_entries')
      .values({
        user_id: user.id,
        game_id: gameId,
        played_on: fields.date,
        entry_type: fields.entry_type,
        platform: fields.platform ?? null,
        review: fields.review ?? null,
        spoilers: false,
        liked: false,
        half_stars: null,
        created_at: now,
        updated_at: now,
      })
      .execute()
  }

  const addList = async (user: RegisteredUser, title: string) => {
    const now = timestamp()
    await db()
      .insertInto('lists')
      .values({ user_id: user.id, title, description: null, ranked: false, created_at: now, updated_at: now })
      .execute()
  }

  const stats = (username: string) => call(app(), 'GET', `/api/users/${username}/stats`)

  const statsOf = async (username: string) => {
    const response = await stats(username)
    assert.equal(response.status, 200, response.text)
    return response.body
  }

  it('answers zeros and empty charts for someone who has done nothing', async () => {
    await registerUser(app(), 'alice')

    assert.deepEqual(await statsOf('alice'), {
      counts: ZERO_COUNTS,
      finished_per_year: [],
      rating_distribution: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      top_platforms: [],
      top_genres: [],
      hours_per_year: [],
      hours_per_platform: [],
    })
  })

  it('answers 404 for an unknown user', async () => {
    await registerUser(app(), 'alice')

    const response = await stats('nobody')

    assert.equal(response.status, 404)
    assert.deepEqual(response.body, { detail: 'Not found.' })
  })

  it('counts exactly what the person did, and only what they did', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const carol = await registerUser(app(), 'carol')
    const [g1, g2, g3, g4, g5, g6, g7] = (await addGames(7)) as [number, number, number, number, number, number, number]

    // played: g1 g2 g3 (g3 was on the backlog, logging it takes it off); g7 logged then un-logged
    await act(alice, 'backlog', g3)
    await act(alice, 'backlog', g4)
    for (const game of [g1, g2, g3, g7]) await act(alice, 'log', game)
    await act(alice, 'log', g7, false)
    // liked: g1 g2; wishlist: g5 g6
    await act(alice, 'like', g1)
    await act(alice, 'like', g2)
    await act(alice, 'wishlist', g5)
    await act(alice, 'wishlist', g6)
    // ratings: 5, 4 and 3.5 stars (g2 first rated 1); g4's rating removed again
    await rate(alice, g1, 5)
    await rate(alice, g2, 1)
    await rate(alice, g2, 4)
    await rate(alice, g3, 3.5)
    await rate(alice, g4, 2)
    await rate(alice, g4, null)
    // journal: 6 entries, 2 of them reviews; finished games: g1 (twice) and g2
    await addEntry(alice, g1, { date: '2023-01-10', entry_type: 'finished', review: 'Loved it.' })
    await addEntry(alice, g1, { date: '2024-02-11', entry_type: 'finished' })
    await addEntry(alice, g2, { date: '2024-03-12', entry_type: 'finished', review: 'Solid.' })
    await addEntry(alice, g3, { date: '2024-04-13', entry_type: 'started' })
    await addEntry(alice, g3, { date: '2024-05-14', entry_type: 'abandoned' })
    await addEntry(alice, g4, { date: '2024-06-15', entry_type: 'played' })
    await addList(alice, 'Favourites')
    await addList(alice, 'To replay')
    // followers: bob and carol (dave unfollowed again); following: bob
    const dave = await registerUser(app(), 'dave')
    await follow(bob, alice)
    await follow(carol, alice)
    await follow(dave, alice)
    await follow(dave, alice, 'unfollow')
    await follow(alice, bob)

    // Other people's doings, which must not count for alice.
    await act(bob, 'log', g5)
    await act(bob, 'like', g5)
    await act(bob, 'backlog', g6)
    await act(bob, 'wishlist', g1)
    await rate(bob, g5, 0.5)
    await addEntry(bob, g5, { date: '2024-01-01', entry_type: 'finished', review: 'Meh.' })
    await addList(bob, 'Bob list')
    await follow(bob, carol)
    await follow(carol, bob)

    const expected = {
      played: 3,
      completed: 2,
      backlog: 1,
      wishlist: 2,
      liked: 2,
      playing: 0,
      ratings: 3,
      reviews: 2,
      journal_entries: 6,
      lists: 2,
      followers: 2,
      following: 1,
      average_rating: 4.17, // (5 + 4 + 3.5) / 3, to two decimals
    }
    const result = await statsOf('alice')
    assert.deepEqual(result.counts, expected)
    assert.deepEqual(result.rating_distribution, [0, 0, 0, 0, 0, 0, 1, 1, 0, 1])

    assert.deepEqual((await statsOf('bob')).counts, {
      played: 1,
      completed: 1,
      backlog: 1,
      wishlist: 1,
      liked: 1,
      playing: 0,
      ratings: 1,
      reviews: 1,
      journal_entries: 1,
      lists: 1,
      followers: 2,
      following: 2,
      average_rating: 0.5,
    })

    // The profile's summary is the same numbers.
    const profile = await call(app(), 'GET', '/api/users/alice')
    assert.equal(profile.status, 200)
    assert.deepEqual(profile.body.stats, expected)
    const viaProfilePath = await call(app(), 'GET', '/api/users/profile/alice', { token: alice.token })
    assert.deepEqual(viaProfilePath.body.stats, expected)
  })

  it('keeps average_rating exact for whole and half stars', async () => {
    const alice = await registerUser(app(), 'alice')
    const [g1, g2] = (await addGames(2)) as [number, number]
    await rate(alice, g1, 4.5)
    assert.equal((await statsOf('alice')).counts.average_rating, 4.5)
    await rate(alice, g2, 2)
    assert.equal((await statsOf('alice')).counts.average_rating, 3.25)
    await rate(alice, g1, null)
    await rate(alice, g2, null)
    assert.equal((await statsOf('alice')).counts.average_rating, null)
  })

  it('counts distinct games finished each year, oldest year first', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const [g1, g2, g3, g4] = (await addGames(4)) as [number, number, number, number]
    await addEntry(alice, g1, { date: '2020-05-01', entry_type: 'finished' })
    await addEntry(alice, g1, { date: '2020-09-01', entry_type: 'finished' }) // the same game again that year
    await addEntry(alice, g2, { date: '2020-12-31', entry_type: 'finished' })
    await addEntry(alice, g1, { date: '2022-01-01', entry_type: 'finished' }) // replayed to the end two years later
    await addEntry(alice, g3, { date: '2021-03-03', entry_type: 'started' }) // not a finish
    await addEntry(alice, g3, { date: '2021-04-04', entry_type: 'replayed' })
    await addEntry(alice, g4, { date: '2019-07-07', entry_type: 'finished' })
    await addEntry(bob, g3, { date: '2021-06-06', entry_type: 'finished' }) // someone else's

    const result = await statsOf('alice')

    assert.deepEqual(result.finished_per_year, [
      { year: 2019, count: 1 },
      { year: 2020, count: 2 },
      { year: 2022, count: 1 },
    ])
    assert.equal(result.counts.completed, 3)
    assert.equal(result.counts.journal_entries, 7)
    assert.deepEqual((await statsOf('bob')).finished_per_year, [{ year: 2021, count: 1 }])
  })

  it('fills the 10 buckets of rating_distribution, 0.5 stars first', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const games = await addGames(12)
    const ratings = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5, 0.5]
    for (const [i, rating] of ratings.entries()) await rate(alice, games[i]!, rating)
    await rate(bob, games[0]!, 3)

    const result = await statsOf('alice')

    assert.deepEqual(result.rating_distribution, [2, 1, 1, 1, 1, 1, 1, 1, 1, 2])
    assert.equal(result.counts.ratings, 12)
    assert.equal(result.counts.average_rating, 2.75) // 33 / 12
    assert.deepEqual((await statsOf('bob')).rating_distribution, [0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
  })

  it('ranks the platforms of journal entries by count, at most 5, ignoring entries without one', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const [game] = (await addGames(1)) as [number]
    const platformCounts: [string, number][] = [
      ['Nintendo Switch', 4],
      ['PC (Microsoft Windows)', 6],
      ['Game Boy Advance', 1],
      ['PlayStation 5', 5],
      ['Xbox Series X|S', 2],
      ['Steam Deck', 3],
    ]
    let day = 1
    for (const [platform, count] of platformCounts) {
      for (let i = 0; i < count; i++) {
        await addEntry(alice, game, { date: `2024-01-${String(day++).padStart(2, '0')}`, entry_type: 'played', platform })
      }
    }
    for (let i = 0; i < 7; i++) await addEntry(alice, game, { date: '2024-02-01', entry_type: 'played', platform: null })
    for (let i = 0; i < 9; i++) await addEntry(bob, game, { date: '2024-02-01', entry_type: 'played', platform: 'Game Boy Advance' })

    const result = await statsOf('alice')

    assert.deepEqual(result.top_platforms, [
      { name: 'PC (Microsoft Windows)', count: 6 },
      { name: 'PlayStation 5', count: 5 },
      { name: 'Nintendo Switch', count: 4 },
      { name: 'Steam Deck', count: 3 },
      { name: 'Xbox Series X|S', count: 2 },
    ])
    assert.deepEqual((await statsOf('bob')).top_platforms, [{ name: 'Game Boy Advance', count: 9 }])
  })

  it("ranks the genres of the games they played, at most 5, not those they only liked or want", async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const genres = ['Adventure', 'Role-playing (RPG)', 'Platform', 'Indie', 'Shooter', 'Puzzle']
    // Game n has the first 6 - n genres: Adventure is in all 6 played games, Puzzle in one.
    const played: number[] = []
    for (let n = 0; n < 6; n++) played.push(await addGame(`Played ${n}`, genres.slice(0, 6 - n)))
    const horror = await addGame('Unplayed Horror', ['Horror', 'Puzzle'])
    const noGenres = await addGame('No Genres')
    for (const game of played) await act(alice, 'log', game)
    await act(alice, 'log', noGenres)
    // Listed three times over but never played: must not count.
    await act(alice, 'like', horror)
    await act(alice, 'backlog', horror)
    await act(alice, 'wishlist', horror)
    // Someone else playing it does not count for alice either.
    await act(bob, 'log', horror)

    const result = await statsOf('alice')

    assert.deepEqual(result.top_genres, [
      { name: 'Adventure', count: 6 },
      { name: 'Role-playing (RPG)', count: 5 },
      { name: 'Platform', count: 4 },
      { name: 'Indie', count: 3 },
      { name: 'Shooter', count: 2 },
    ])
    assert.equal(result.counts.played, 7)
    assert.deepEqual((await statsOf('bob')).top_genres, [
      { name: 'Horror', count: 1 },
      { name: 'Puzzle', count: 1 },
    ])

    // Un-logging a game takes its genres out again.
    await act(alice, 'log', played[0]!, false)
    assert.deepEqual((await statsOf('alice')).top_genres, [
      { name: 'Adventure', count: 5 },
      { name: 'Role-playing (RPG)', count: 4 },
      { name: 'Platform', count: 3 },
      { name: 'Indie', count: 2 },
      { name: 'Shooter', count: 1 },
    ])
  })

  it("adds up the hours of their play sessions by the session's year and by the playthrough's platform", async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const [g1, g2, g3] = (await addGames(3)) as [number, number, number]
    // One playthrough across New Year: each session counts in its own year.
    await insertPlaythrough(db(), alice.id, g1, { platform: 'Nintendo Switch', started_on: '2023-12-30' }, [
      ['2023-12-30', 120],
      ['2023-12-31', 90],
      ['2024-01-01', 60],
    ])
    await insertPlaythrough(db(), alice.id, g2, { platform: 'PC (Microsoft Windows)', status: 'finished', finished_on: '2024-03-01' }, [
      ['2024-02-01', 300],
      ['2024-02-02', 15],
    ])
    // No platform: its hours count for the year only. Its adjustment has no date: it counts for neither.
    await insertPlaythrough(db(), alice.id, g3, { status: 'shelved', adjustment_minutes: 600 }, [['2022-07-07', 45]])
    await insertPlaythrough(db(), bob.id, g1, { platform: 'Nintendo Switch' }, [['2024-01-01', 1000]])

    const result = await statsOf('alice')

    assert.deepEqual(result.hours_per_year, [
      { year: 2022, hours: 0.8 }, // 45 minutes
      { year: 2023, hours: 3.5 }, // 210
      { year: 2024, hours: 6.3 }, // 375
    ])
    assert.deepEqual(result.hours_per_platform, [
      { name: 'PC (Microsoft Windows)', hours: 5.3 }, // 315
      { name: 'Nintendo Switch', hours: 4.5 }, // 270
    ])
    assert.deepEqual((await statsOf('bob')).hours_per_platform, [{ name: 'Nintendo Switch', hours: 16.7 }])
  })

  it('orders platforms with as many hours by name', async () => {
    const alice = await registerUser(app(), 'alice')
    const [game] = (await addGames(1)) as [number]
    for (const platform of ['Xbox One', 'PlayStation 4', 'Wii U']) {
      await insertPlaythrough(db(), alice.id, game, { platform }, [['2024-01-01', 60]])
    }
    await insertPlaythrough(db(), alice.id, game, { platform: 'Xbox One' }, [['2024-01-02', 1]])

    assert.deepEqual(
      (await statsOf('alice')).hours_per_platform.map((row: { name: string }) => row.name),
      ['Xbox One', 'PlayStation 4', 'Wii U'],
    )
  })

  it('finds the user whatever the letter case of the name', async () => {
    const alice = await registerUser(app(), 'Alice')
    const [game] = (await addGames(1)) as [number]
    await act(alice, 'log', game)

    assert.equal((await statsOf('aLICE')).counts.played, 1)
  })
})
