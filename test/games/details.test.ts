import assert from 'node:assert/strict'
import { beforeEach, it } from 'node:test'
import { timestamp } from '../../src/db/time.js'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'
import { insertFinishedRun, insertPlaythrough } from '../helpers/playthroughs.js'

const DAY_MS = 86_400_000
const NO_RATINGS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]

/** Celeste as resources/games.json describes it. */
const CELESTE = {
  igdb: null,
  name: 'Celeste',
  slug: 'celeste',
  cover_url: null,
  summary: 'Madeline climbs Celeste Mountain, facing hard platforming and her own anxiety.',
  first_release_date: null,
  release_year: 2018,
  platforms: ['PC', 'Nintendo Switch', 'PlayStation 4', 'Xbox One'],
  genres: ['Platform', 'Indie'],
  developers: ['Maddy Makes Games'],
}

const NOBODY_FINISHED = { hours: null, people: 0 }
const NO_TIME_TO_BEAT = { main: NOBODY_FINISHED, main_extras: NOBODY_FINISHED, completionist: NOBODY_FINISHED, mastered: NOBODY_FINISHED }

const EMPTY_COMMUNITY = {
  average_rating: null,
  ratings: 0,
  histogram: NO_RATINGS,
  players: 0,
  likes: 0,
  backlogs: 0,
  wishlists: 0,
  reviews: 0,
  playing_now: 0,
  time_to_beat: NO_TIME_TO_BEAT,
}

describeEachDatabase('GET /api/games/:idOrSlug', (current) => {
  beforeEach(async () => {
    await loadCatalogIfEmpty(current().db)
  })

  const gameIdOf = async (slug: string) =>
    (await current().db.selectFrom('games').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id

  const details = async (idOrSlug: string | number, token?: string) => {
    const response = await call(current().app, 'GET', `/api/games/${idOrSlug}`, { token })
    assert.equal(response.status, 200, response.text)
    return response.body
  }

  const act = async (user: RegisteredUser, action: string, body: Record<string, unknown>) => {
    const response = await call(current().app, 'POST', `/api/actions/${action}/`, { token: user.token, body })
    assert.equal(response.status, 200, `${action} ${JSON.stringify(body)}: ${response.text}`)
    return response.body
  }

  const registerMany = async (count: number) => {
    const users: RegisteredUser[] = []
    for (let i = 1; i <= count; i++) users.push(await registerUser(current().app, `user${i}`))
    return users
  }

  it('answers the same details by id and by slug, with the catalog facts and empty community figures', async () => {
    const id = await gameIdOf('celeste')

    const byId = await details(id)
    const bySlug = await details('celeste')

    assert.deepEqual(byId, { id, ...CELESTE, community: EMPTY_COMMUNITY })
    assert.deepEqual(bySlug, byId)
    assert.ok(!('viewer' in byId))
  })

  it('counts players, likes, backlogs and wishlists, and only for this game', async () => {
    const game = await gameIdOf('celeste')
    const other = await gameIdOf('hades')
    const [u1, u2, u3, u4, u5] = await registerMany(5)
    for (const user of [u1!, u2!, u3!]) await act(user, 'log', { game, value: true })
    for (const user of [u1!, u4!]) await act(user, 'like', { game, value: true })
    for (const user of [u4!, u5!]) await act(user, 'backlog', { game, value: true })
    await act(u5!, 'wishlist', { game, value: true })
    // Another game's figures are not this one's.
    for (const action of ['log', 'like', 'backlog', 'wishlist']) await act(u1!, action, { game: other, value: true })
    await act(u2!, 'ratings', { game: other, rating: 1 })

    const { community } = await details(game)

    assert.deepEqual(community, { ...EMPTY_COMMUNITY, players: 3, likes: 2, backlogs: 2, wishlists: 1 })
    assert.deepEqual((await details('hades')).community, {
      ...EMPTY_COMMUNITY,
      players: 1,
      likes: 1,
      // u1 put Hades in the backlog after logging it, so it stays there.
      backlogs: 1,
      wishlists: 1,
      ratings: 1,
      average_rating: 1,
      histogram: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    })
  })

  it('drops a status from the figures when it is taken back, and a played game off the backlog', async () => {
    const game = await gameIdOf('celeste')
    const [u1, u2] = await registerMany(2)
    await act(u1!, 'like', { game, value: true })
    await act(u2!, 'like', { game, value: true })
    await act(u1!, 'backlog', { game, value: true })
    await act(u2!, 'wishlist', { game, value: true })

    await act(u2!, 'like', { game, value: false })
    await act(u2!, 'wishlist', { game })
    await act(u1!, 'log', { game, value: true })

    assert.deepEqual((await details(game)).community, { ...EMPTY_COMMUNITY, players: 1, likes: 1 })
  })

  it('shows the ratings: count, a histogram from 0.5 (index 0) to 5 stars (index 9), and the average to 2 decimals', async () => {
    const game = await gameIdOf('celeste')
    const ratings = [0.5, 5, 3.5, 3.5, 4, 2]
    const users = await registerMany(ratings.length)
    for (const [i, rating] of ratings.entries()) await act(users[i]!, 'ratings', { game, rating })

    const { community } = await details(game)

    assert.equal(community.ratings, 6)
    assert.deepEqual(community.histogram, [1, 0, 0, 1, 0, 0, 2, 1, 0, 1])
    // (0.5 + 5 + 3.5 + 3.5 + 4 + 2) / 6 = 3.0833…
    assert.equal(community.average_rating, 3.08)
  })

  it('counts a changed rating once, under its new value, and forgets a removed one', async () => {
    const game = await gameIdOf('celeste')
    const [u1, u2, u3] = await registerMany(3)
    await act(u1!, 'ratings', { game, rating: 1 })
    await act(u2!, 'ratings', { game, rating: 4.5 })
    await act(u3!, 'ratings', { game, rating: 3 })

    await act(u1!, 'ratings', { game, rating: 5 })
    await act(u3!, 'ratings', { game, rating: null })

    const { community } = await details(game)
    assert.equal(community.ratings, 2)
    assert.deepEqual(community.histogram, [0, 0, 0, 0, 0, 0, 0, 0, 1, 1])
    assert.equal(community.average_rating, 4.75)
  })

  it('rounds the average to 2 decimals', async () => {
    const game = await gameIdOf('celeste')
    const users = await registerMany(3)
    for (const [i, rating] of [1, 1, 1.5].entries()) await act(users[i]!, 'ratings', { game, rating })

    // 3.5 / 3 = 1.1666…
    assert.equal((await details(game)).community.average_rating, 1.17)
  })

  it('shows no time to beat until three people have finished at a level, then their median, on the very next read', async () => {
    const game = await gameIdOf('celeste')
    const [u1, u2, u3] = await registerMany(3)
    const { db } = current()
    await insertFinishedRun(db, u1!.id, game, 'main', 60)
    await insertFinishedRun(db, u2!.id, game, 'main', 600)

    // The page is read (and kept) with two people: their number, no median.
    assert.deepEqual((await details(game)).community.time_to_beat, { ...NO_TIME_TO_BEAT, main: { hours: null, people: 2 } })

    await insertFinishedRun(db, u3!.id, game, 'main', 150)
    // 60, 150, 600 minutes: the median is 150, 2.5 hours.
    assert.deepEqual((await details(game)).community.time_to_beat.main, { hours: 2.5, people: 3 })

    // A session added to a finished run changes its time, and the median with it: 60, 360 (150 + 210), 600.
    const [run] = await db.selectFrom('playthroughs').select('id').where('user_id', '=', u3!.id).execute()
    await db.insertInto('play_sessions').values({ playthrough_id: run!.id, played_on: '2024-05-30', minutes: 210, created_at: timestamp() }).execute()
    assert.deepEqual((await details('celeste')).community.time_to_beat.main, { hours: 6, people: 3 })
  })

  it('takes the mean of the middle two times when an even number of people finished', async () => {
    const game = await gameIdOf('celeste')
    const users = await registerMany(4)
    for (const [i, minutes] of [600, 60, 180, 120].entries()) await insertFinishedRun(current().db, users[i]!.id, game, 'completionist', minutes)

    // 60, 120, 180, 600: (120 + 180) / 2 = 150 minutes.
    assert.deepEqual((await details(game)).community.time_to_beat, {
      ...NO_TIME_TO_BEAT,
      completionist: { hours: 2.5, people: 4 },
    })
  })

  it('never counts an unfinished playthrough, however long, nor a finish at no level', async () => {
    const game = await gameIdOf('celeste')
    const users = await registerMany(6)
    const { db } = current()
    for (const [i, minutes] of [60, 120, 180].entries()) await insertFinishedRun(db, users[i]!.id, game, 'main', minutes)
    // Long runs that did not finish, by the same people and by others.
    for (const [i, status] of (['playing', 'shelved', 'abandoned'] as const).entries()) {
      await insertPlaythrough(db, users[i + 3]!.id, game, { status, adjustment_minutes: 10_000 }, [['2024-01-01', 1440]])
      await insertPlaythrough(db, users[i]!.id, game, { status, adjustment_minutes: 10_000 })
    }
    await insertPlaythrough(db, users[5]!.id, game, { status: 'finished', finished_on: '2024-01-02', adjustment_minutes: 10_000 })

    assert.deepEqual((await details(game)).community.time_to_beat, { ...NO_TIME_TO_BEAT, main: { hours: 2, people: 3 } })
  })

  it("counts each person once per level, by their latest finished run there, and a run's time as its sessions plus its adjustment, never below zero", async () => {
    const game = await gameIdOf('celeste')
    const [u1, u2, u3] = await registerMany(3)
    const { db } = current()
    // u1 finished the main story three times: the latest (by date, then by id for the same day) is the one that counts.
    await insertFinishedRun(db, u1!.id, game, 'main', 5000, '2023-01-01')
    await insertFinishedRun(db, u1!.id, game, 'main', 4000, '2024-03-01')
    await insertFinishedRun(db, u1!.id, game, 'main', 30, '2024-03-01')
    await insertFinishedRun(db, u1!.id, game, 'mastered', 9000)
    // 120 + 60 minutes of sessions, 30 taken off by hand: 150.
    await insertPlaythrough(db, u2!.id, game, { status: 'finished', completion: 'main', finished_on: '2024-02-01', adjustment_minutes: -30 }, [
      ['2024-01-30', 120],
      ['2024-01-31', 60],
    ])
    // More taken off than the sessions hold: 0, not less.
    await insertPlaythrough(db, u3!.id, game, { status: 'finished', completion: 'main', finished_on: '2024-02-01', adjustment_minutes: -500 }, [
      ['2024-01-31', 60],
    ])

    // 0, 30, 150: the median is 30 minutes, half an hour.
    assert.deepEqual((await details(game)).community.time_to_beat, {
      ...NO_TIME_TO_BEAT,
      main: { hours: 0.5, people: 3 },
      mastered: { hours: null, people: 1 },
    })
  })

  it('counts the people playing it now, not their playthroughs', async () => {
    const game = await gameIdOf('celeste')
    const hades = await gameIdOf('hades')
    const [u1, u2, u3, u4] = await registerMany(4)
    const { db } = current()
    await insertPlaythrough(db, u1!.id, game)
    await insertPlaythrough(db, u1!.id, game, { started_on: '2024-01-01' })
    await insertPlaythrough(db, u2!.id, game)
    await insertFinishedRun(db, u3!.id, game, 'main', 60)
    await insertPlaythrough(db, u4!.id, game, { status: 'shelved' })
    await insertPlaythrough(db, u4!.id, hades)

    assert.equal((await details(game)).community.playing_now, 2)
    assert.equal((await details(hades)).community.playing_now, 1)

    await db.updateTable('playthroughs').set({ status: 'abandoned' }).where('user_id', '=', u2!.id).execute()
    assert.equal((await details(game)).community.playing_now, 1)
  })

  it('adds no `viewer` without a token', async () => {
    const game = await gameIdOf('celeste')
    const [u1] = await registerMany(1)
    await act(u1!, 'log', { game, value: true })

    const anonymous = await details(game)

    assert.equal(anonymous.viewer, undefined)
    assert.deepEqual(Object.keys(anonymous).sort(), [...Object.keys(CELESTE), 'id', 'community'].sort())
  })

  it("adds the viewer's own status with a token: {played, liked, backlog, wishlist, favorite, rating}", async () => {
    const game = await gameIdOf('celeste')
    const [fan, other, bystander] = await registerMany(3)
    await act(fan!, 'log', { game, value: true })
    await act(fan!, 'like', { game, value: true })
    await act(fan!, 'wishlist', { game, value: true })
    await act(fan!, 'favorites/add', { game })
    await act(fan!, 'ratings', { game, rating: 4.5 })
    await act(other!, 'backlog', { game, value: true })
    await act(other!, 'ratings', { game, rating: 0.5 })

    assert.deepEqual((await details(game, fan!.token)).viewer, {
      played: true,
      liked: true,
      backlog: false,
      wishlist: true,
      favorite: true,
      rating: 4.5,
    })
    assert.deepEqual((await details('celeste', other!.token)).viewer, {
      played: false,
      liked: false,
      backlog: true,
      wishlist: false,
      favorite: false,
      rating: 0.5,
    })
    assert.deepEqual((await details(game, bystander!.token)).viewer, {
      played: false,
      liked: false,
      backlog: false,
      wishlist: false,
      favorite: false,
      rating: null,
    })
    // The viewer's statuses on this game only.
    assert.deepEqual((await details('hades', fan!.token)).viewer, {
      played: false,
      liked: false,
      backlog: false,
      wishlist: false,
      favorite: false,
      rating: null,
    })
  })

  it('refuses an invalid token with 401 rather than answering anonymously', async () => {
    const response = await call(current().app, 'GET', '/api/games/celeste', { token: 'not-a-real-token' })

    assert.equal(response.status, 401)
    assert.deepEqual(response.body, { detail: 'Invalid token.' })
  })

  it('finds a game whose slug is all digits by that slug', async () => {
    // "1942" is a real game's name; its slug is a number, and not its id.
    const id = await insertGame(current().db, { igdb: '3030-1942', name: '1942' })
    const { slug } = await current().db.selectFrom('games').select('slug').where('id', '=', id).executeTakeFirstOrThrow()

    const response = await call(current().app, 'GET', `/api/games/${slug}`)

    assert.equal(response.status, 200, `GET /api/games/${slug}: ${response.text}`)
    assert.equal(response.body.id, id)
    assert.equal(response.body.name, '1942')
  })

  for (const idOrSlug of ['999999', 'no-such-game', '0', 'CELESTE', '3000000000', '999999999999999']) {
    it(`answers 404 {"detail":"Not found."} for ${idOrSlug}`, async () => {
      const response = await call(current().app, 'GET', `/api/games/${idOrSlug}`)

      assert.equal(response.status, 404)
      assert.deepEqual(response.body, { detail: 'Not found.' })
    })
  }
})

describeEachDatabase('GET /api/games/popular/', (current) => {
  beforeEach(async () => {
    await loadCatalogIfEmpty(current().db)
  })

  const gameIdOf = async (slug: string) =>
    (await current().db.selectFrom('games').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id

  const act = async (user: RegisteredUser, action: string, body: Record<string, unknown>) => {
    const response = await call(current().app, 'POST', `/api/actions/${action}/`, { token: user.token, body })
    assert.equal(response.status, 200, `${action} ${JSON.stringify(body)}: ${response.text}`)
  }

  const popular = async (query = '') => {
    const response = await call(current().app, 'GET', `/api/games/popular/${query}`)
    assert.equal(response.status, 200, response.text)
    return response.body as { id: number; name: string; interactions: number }[]
  }

  /** [name, interactions] of each popular game, most first. */
  const ranking = async (query = '') => (await popular(query)).map((game) => [game.name, game.interactions])

  /** Hades: 4 interactions, Celeste: 3, Tetris: 1. */
  const interact = async () => {
    const [u1, u2, u3] = [
      await registerUser(current().app, 'user1'),
      await registerUser(current().app, 'user2'),
      await registerUser(current().app, 'user3'),
    ]
    const hades = await gameIdOf('hades')
    const celeste = await gameIdOf('celeste')
    const tetris = await gameIdOf('tetris')
    await act(u1, 'log', { game: celeste, value: true })
    await act(u2, 'like', { game: celeste, value: true })
    await act(u3, 'wishlist', { game: celeste, value: true })
    await act(u1, 'log', { game: hades, value: true })
    await act(u1, 'like', { game: hades, value: true })
    await act(u2, 'ratings', { game: hades, rating: 4 })
    await act(u3, 'backlog', { game: hades, value: true })
    await act(u3, 'log', { game: tetris, value: true })
    return { u1, u2, u3, hades, celeste, tetris }
  }

  it('answers [] when nobody did anything', async () => {
    for (const period of ['', '?period=week', '?period=month', '?period=all']) assert.deepEqual(await popular(period), [])
  })

  it('orders games by interactions, most first, each a GameSummary with release_year and interactions', async () => {
    const { hades } = await interact()

    const games = await popular('?period=week')

    assert.deepEqual(games[0], {
      id: hades,
      igdb: null,
      name: 'Hades',
      slug: 'hades',
      cover_url: null,
      release_year: 2020,
      interactions: 4,
    })
    assert.deepEqual(await ranking('?period=week'), [
      ['Hades', 4],
      ['Celeste', 3],
      ['Tetris', 1],
    ])
  })

  it('defaults to the week and honours ?limit', async () => {
    await interact()

    assert.deepEqual(await ranking(), await ranking('?period=week'))
    assert.deepEqual(await ranking('?limit=2'), [
      ['Hades', 4],
      ['Celeste', 3],
    ])
  })

  it('counts an activity older than a week for the month and all time, but not the week', async () => {
    const { u1, celeste } = await interact()
    // Three more Celeste interactions, all 10 days old: Celeste leads the month but not the week.
    const [u4, u5] = [await registerUser(current().app, 'user4'), await registerUser(current().app, 'user5')]
    await act(u1, 'backlog', { game: celeste, value: true })
    await act(u4, 'log', { game: celeste, value: true })
    await act(u5, 'ratings', { game: celeste, rating: 2 })
    const tenDaysAgo = new Date(Date.now() - 10 * DAY_MS).toISOString()
    const { numUpdatedRows } = await current()
      .db.updateTable('activities')
      .set({ created_at: tenDaysAgo })
      .where('user_id', 'in', [u1.id, u4.id, u5.id])
      .where('game_id', '=', celeste)
      .executeTakeFirst()
    // u1's log of Celeste moves back too: 4 old Celeste interactions in all.
    assert.equal(numUpdatedRows, 4n)

    assert.deepEqual(await ranking('?period=week'), [
      ['Hades', 4],
      ['Celeste', 2],
      ['Tetris', 1],
    ])
    assert.deepEqual(await ranking('?period=month'), [
      ['Celeste', 6],
      ['Hades', 4],
      ['Tetris', 1],
    ])
    assert.deepEqual(await ranking('?period=all'), await ranking('?period=month'))
  })

  it('counts an activity older than a month for all time only', async () => {
    const { tetris } = await interact()
    await current()
      .db.updateTable('activities')
      .set({ created_at: new Date(Date.now() - 40 * DAY_MS).toISOString() })
      .where('game_id', '=', tetris)
      .execute()

    assert.deepEqual(await ranking('?period=month'), [
      ['Hades', 4],
      ['Celeste', 3],
    ])
    assert.deepEqual(await ranking('?period=all'), [
      ['Hades', 4],
      ['Celeste', 3],
      ['Tetris', 1],
    ])
  })

  it('forgets an interaction that was taken back', async () => {
    const { u1, u2, hades, celeste } = await interact()

    await act(u1, 'like', { game: hades, value: false })
    await act(u2, 'ratings', { game: hades, rating: null })
    await act(u2, 'ratings', { game: celeste, rating: 3 })

    assert.deepEqual(await ranking('?period=all'), [
      ['Celeste', 4],
      ['Hades', 2],
      ['Tetris', 1],
    ])
  })

  it('counts a changed rating as one interaction', async () => {
    const { u2, hades } = await interact()

    await act(u2, 'ratings', { game: hades, rating: 1 })
    await act(u2, 'ratings', { game: hades, rating: 2.5 })

    assert.deepEqual((await ranking('?period=all'))[0], ['Hades', 4])
  })

  it('orders games with as many interactions by id', async () => {
    const user = await registerUser(current().app, 'user1')
    const games = [await gameIdOf('tetris'), await gameIdOf('hades'), await gameIdOf('celeste')]
    for (const game of [...games].reverse()) await act(user, 'log', { game, value: true })

    assert.deepEqual(
      (await popular('?period=all')).map((game) => game.id),
      [...games].sort((a, b) => a - b),
    )
  })

  for (const [query, body] of [
    ['?period=year', { period: ['"year" is not a valid choice.'] }],
    ['?period=', { period: ['"" is not a valid choice.'] }],
    ['?limit=0', { limit: ['Ensure this value is greater than or equal to 1.'] }],
    ['?limit=51', { limit: ['Ensure this value is less than or equal to 50.'] }],
    ['?since=2020-01-01', { since: ['Unexpected field: not accepted here.'] }],
  ] as const) {
    it(`refuses ${query} with 400`, async () => {
      const response = await call(current().app, 'GET', `/api/games/popular/${query}`)

      assert.equal(response.status, 400)
      assert.deepEqual(response.body, body)
    })
  }
})
