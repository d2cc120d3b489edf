import assert from 'node:assert/strict'
import { it } from 'node:test'
import { insertGame } from '../../src/games/repository.js'
import { latestDateOnEarth } from '../../src/journal/input.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'
import { insertPlaythrough } from '../helpers/playthroughs.js'

const EMPTY_MONTHS = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, hours: 0, finished: 0 }))

/** The months of a year with these hours and finishes (by month number), the others empty. */
const monthsWith = (figures: Record<number, { hours?: number; finished?: number }>) =>
  EMPTY_MONTHS.map((month) => ({ ...month, ...figures[month.month] }))

describeEachDatabase('GET /api/users/:username/year/:year', (current) => {
  const app = () => current().app
  const db = () => current().db

  const addGame = async (name: string, genres: string[] = []) => {
    const id = await insertGame(db(), { name, genres })
    const { slug } = await db().selectFrom('games').select('slug').where('id', '=', id).executeTakeFirstOrThrow()
    return { id, igdb: null, name, slug, cover_url: null }
  }

  const rate = async (user: RegisteredUser, gameId: number, rating: number) => {
    const response = await call(app(), 'POST', '/api/actions/ratings/', { token: user.token, body: { game: gameId, rating } })
    assert.equal(response.status, 200, response.text)
  }

  const reviewOf = async (username: string, year: number) => {
    const response = await call(app(), 'GET', `/api/users/${username}/year/${year}`)
    assert.equal(response.status, 200, response.text)
    return response.body
  }

  it('answers zeros, twelve empty months and nothing to name for a year without play', async () => {
    await registerUser(app(), 'Alice')

    assert.deepEqual(await reviewOf('alice', 2024), {
      username: 'Alice',
      year: 2024,
      finished: 0,
      games_finished: 0,
      started: 0,
      hours: 0,
      months: EMPTY_MONTHS,
      top_platforms: [],
      top_genres: [],
      top_games: [],
      completions: { main: 0, main_extras: 0, completionist: 0, mastered: 0 },
      longest_playthrough: null,
      best_rated: [],
      first_finish: null,
      last_finish: null,
    })
  })

  it('counts each session in the year of its date, for a playthrough that spans New Year', async () => {
    const alice = await registerUser(app(), 'alice')
    const game = await addGame('Celeste')
    const run = await insertPlaythrough(
      db(),
      alice.id,
      game.id,
      { status: 'finished', completion: 'main', platform: 'PC', started_on: '2024-12-30', finished_on: '2025-01-15' },
      [
        ['2024-12-30', 120],
        ['2024-12-31', 60],
        ['2025-01-01', 90],
        ['2025-01-15', 30],
      ],
    )
    const longest = { id: run, game, platform: 'PC', status: 'finished', hours: 5 }

    const old = await reviewOf('alice', 2024)
    const year = await reviewOf('alice', 2025)

    assert.deepEqual(
      [old.hours, old.months, old.started, old.finished, old.top_games, old.top_platforms],
      [3, monthsWith({ 12: { hours: 3 } }), 1, 0, [{ game, hours: 3 }], [{ name: 'PC', hours: 3 }]],
    )
    assert.deepEqual(
      [year.hours, year.months, year.started, year.finished, year.top_games, year.top_platforms],
      [2, monthsWith({ 1: { hours: 2, finished: 1 } }), 0, 1, [{ game, hours: 2 }], [{ name: 'PC', hours: 2 }]],
    )
    // The longest playthrough of both years is the whole run: every session of it, whatever its year.
    assert.deepEqual(old.longest_playthrough, longest)
    assert.deepEqual(year.longest_playthrough, longest)
    // A year it was not played in has nothing of it.
    const before = await reviewOf('alice', 2023)
    assert.deepEqual([before.months, before.longest_playthrough, before.top_games], [EMPTY_MONTHS, null, []])
  })

  it('adds up the year month by month, by platform, genre and game, and counts finishes by completion level', async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')
    const platformer = await addGame('Platformer', ['Platform', 'Indie'])
    const rpg = await addGame('Epic RPG', ['Role-playing (RPG)', 'Adventure'])
    const quest = await addGame('Small Quest', ['Adventure', 'Indie'])
    const puzzle = await addGame('Puzzle Box', ['Puzzle'])
    const add = (game: { id: number }, fields: Parameters<typeof insertPlaythrough>[3], sessions: [string, number][] = []) =>
      insertPlaythrough(db(), alice.id, game.id, fields, sessions)

    await add(platformer, { status: 'finished', completion: 'main', platform: 'Nintendo Switch', started_on: '2024-01-05', finished_on: '2024-02-10' }, [
      ['2024-01-05', 60],
      ['2024-02-01', 120],
      ['2024-02-10', 30],
    ])
    await add(rpg, { status: 'finished', completion: 'completionist', platform: 'PC', started_on: '2023-11-01', finished_on: '2024-03-20' }, [
      ['2023-12-31', 500], // last year's
      ['2024-03-01', 300],
      ['2024-03-02', 300],
    ])
    await add(quest, { platform: 'PC', started_on: '2024-07-01' }, [['2024-07-01', 90]])
    // Finished with no session at all: its time is all adjustment, 1,200 minutes, the longest of the year (the
    // RPG's whole time, last year's session included, is 1,100).
    const long = await add(puzzle, { status: 'finished', completion: 'mastered', platform: 'PlayStation 5', finished_on: '2024-12-31', adjustment_minutes: 1200 })
    // The platformer again, finished in November: two finishes, one game.
    await add(platformer, { status: 'finished', completion: 'main', platform: 'Nintendo Switch', started_on: '2024-11-01', finished_on: '2024-11-05' }, [
      ['2024-11-01', 45],
      ['2025-01-01', 600], // next year's
    ])
    // Finished without a level: a finish, at no level.
    await add(quest, { status: 'finished', finished_on: '2024-08-08' })
    // Someone else's year.
    await insertPlaythrough(db(), bob.id, rpg.id, { status: 'finished', completion: 'main', platform: 'Xbox One', started_on: '2024-05-01', finished_on: '2024-05-02' }, [
      ['2024-05-01', 1000],
    ])

    const review = await reviewOf('alice', 2024)

    assert.deepEqual(
      review.months,
      monthsWith({
        1: { hours: 1 },
        2: { hours: 2.5, finished: 1 },
        3: { hours: 10, finished: 1 },
        7: { hours: 1.5 },
        8: { finished: 1 },
        11: { hours: 0.8, finished: 1 }, // 45 minutes
        12: { finished: 1 },
      }),
    )
    // 60 + 150 + 600 + 90 + 45 = 945 minutes.
    assert.equal(review.hours, 15.8)
    assert.deepEqual([review.finished, review.games_finished, review.started], [5, 4, 3])
    assert.deepEqual(review.completions, { main: 2, main_extras: 0, completionist: 1, mastered: 1 })
    assert.deepEqual(review.top_platforms, [
      { name: 'PC', hours: 11.5 }, // 600 + 90
      { name: 'Nintendo Switch', hours: 4.3 }, // 210 + 45
    ])
    assert.deepEqual(review.top_genres, [
      { name: 'Adventure', hours: 11.5 }, // 600 + 90
      { name: 'Role-playing (RPG)', hours: 10 },
      { name: 'Indie', hours: 5.8 }, // 255 + 90
      { name: 'Platform', hours: 4.3 }, // 255
    ])
    assert.deepEqual(review.top_games, [
      { game: rpg, hours: 10 },
      { game: platformer, hours: 4.3 },
      { game: quest, hours: 1.5 },
    ])
    assert.deepEqual(review.longest_playthrough, { id: long, game: puzzle, platform: 'PlayStation 5', status: 'finished', hours: 20 })
    assert.equal((await reviewOf('bob', 2024)).hours, 16.7)
  })

  it('keeps the top platforms, genres and games to five, most hours first, ties by name or id', async () => {
    const alice = await registerUser(app(), 'alice')
    const games = []
    for (let n = 1; n <= 7; n++) games.push(await addGame(`Game ${n}`, [`Genre ${n}`]))
    // Game n gets n * 10 minutes on platform n; games 6 and 7 get as many as game 5.
    for (const [i, game] of games.entries()) {
      await insertPlaythrough(db(), alice.id, game.id, { platform: `Platform ${i + 1}` }, [['2024-04-04', Math.min(i + 1, 5) * 10]])
    }

    const review = await reviewOf('alice', 2024)

    assert.deepEqual(review.top_games.map((row: { game: { name: string } }) => row.game.name), ['Game 5', 'Game 6', 'Game 7', 'Game 4', 'Game 3'])
    assert.deepEqual(review.top_platforms.map((row: { name: string }) => row.name), ['Platform 5', 'Platform 6', 'Platform 7', 'Platform 4', 'Platform 3'])
    assert.deepEqual(review.top_genres.map((row: { name: string }) => row.name), ['Genre 5', 'Genre 6', 'Genre 7', 'Genre 4', 'Genre 3'])
  })

  it('names the best-rated games finished in the year, and its first and last finish', async () => {
    const alice = await registerUser(app(), 'alice')
    const names = ['Five', 'Four and a half', 'Also four and a half', 'Three', 'Two', 'One', 'Unrated', 'Last year', 'Unfinished', 'Same day']
    const [five, fourHalf, alsoFourHalf, three, two, one, unrated, lastYear, unfinished, sameDay] = await Promise.all(names.map((name) => addGame(name)))
    const finish = (game: { id: number }, finished_on: string) =>
      insertPlaythrough(db(), alice.id, game.id, { status: 'finished', completion: 'main', finished_on })
    await finish(fourHalf!, '2024-03-01')
    await finish(five!, '2024-01-15')
    await finish(alsoFourHalf!, '2024-06-01')
    await finish(alsoFourHalf!, '2024-02-01') // finished twice: its first finish of the year orders it
    await finish(three!, '2024-04-01')
    await finish(two!, '2024-04-02')
    await finish(one!, '2024-04-03')
    await finish(unrated!, '2024-12-31')
    await finish(sameDay!, '2024-12-31') // the same last day, entered later: the last finish
    await finish(sameDay!, '2024-01-15') // the same first day, entered later: not the first
    await finish(lastYear!, '2023-12-31')
    await insertPlaythrough(db(), alice.id, unfinished!.id, { started_on: '2024-05-05' })
    for (const [game, rating] of [[five, 5], [fourHalf, 4.5], [alsoFourHalf, 4.5], [three, 3], [two, 2], [one, 1], [lastYear, 5], [unfinished, 5]] as const) {
      await rate(alice, game!.id, rating)
    }

    const review = await reviewOf('alice', 2024)

    assert.deepEqual(review.best_rated, [
      { game: five, rating: 5, finished_on: '2024-01-15' },
      { game: alsoFourHalf, rating: 4.5, finished_on: '2024-02-01' },
      { game: fourHalf, rating: 4.5, finished_on: '2024-03-01' },
      { game: three, rating: 3, finished_on: '2024-04-01' },
      { game: two, rating: 2, finished_on: '2024-04-02' },
    ])
    assert.deepEqual(review.first_finish, { game: five, date: '2024-01-15' })
    assert.deepEqual(review.last_finish, { game: sameDay, date: '2024-12-31' })
    assert.deepEqual([review.finished, review.games_finished], [10, 8])
  })

  it('finds the person whatever the letter case of the name, and answers the same with a trailing slash', async () => {
    const alice = await registerUser(app(), 'Alice')
    const game = await addGame('Celeste')
    await insertPlaythrough(db(), alice.id, game.id, {}, [['2024-05-05', 60]])

    const response = await call(app(), 'GET', '/api/users/ALICE/year/2024/')

    assert.equal(response.status, 200, response.text)
    assert.deepEqual(response.body, await reviewOf('alice', 2024))
    assert.equal(response.body.hours, 1)
  })

  it('answers 404 for an unknown person', async () => {
    await registerUser(app(), 'alice')

    for (const path of ['/api/users/nobody/year/2024', '/api/users/nobody/year/2024.svg']) {
      const response = await call(app(), 'GET', path)
      assert.equal(response.status, 404, path)
      assert.deepEqual(response.body, { detail: 'Not found.' })
    }
  })

  it('refuses a year before 1970 or after next year, or not a year, with 400', async () => {
    await registerUser(app(), 'alice')
    const nextYear = Number(latestDateOnEarth().slice(0, 4)) + 1
    const cases: [string, string][] = [
      ['1969', 'Ensure this value is greater than or equal to 1970.'],
      ['0', 'Ensure this value is greater than or equal to 1970.'],
      [String(nextYear + 1), `Ensure this value is less than or equal to ${nextYear}.`],
      ['99999', 'Ensure this value is less than or equal to 9999.'],
      ['2024.5', 'A valid integer is required.'],
      ['twenty', 'A valid integer is required.'],
      ['2024.png', 'A valid integer is required.'],
    ]
    for (const [year, message] of cases) {
      for (const suffix of ['', '.svg']) {
        const response = await call(app(), 'GET', `/api/users/alice/year/${year}${suffix}`)
        assert.equal(response.status, 400, `${year}${suffix}: ${response.text}`)
        assert.deepEqual(response.body, { year: [message] }, `${year}${suffix}`)
      }
    }
    // 1970 and next year are in bounds.
    assert.equal((await reviewOf('alice', 1970)).year, 1970)
    assert.equal((await reviewOf('alice', nextYear)).year, nextYear)
  })
})
