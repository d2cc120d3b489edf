import assert from 'node:assert/strict'
import { beforeEach, it } from 'node:test'
import { sql } from 'kysely'
import { isPostgres } from '../../src/db/database.js'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { createPopularGames, findPopularGames } from '../../src/games/popular.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const DAY_MS = 86_400_000

describeEachDatabase('popular games, cached', (current) => {
  beforeEach(async () => {
    await loadCatalogIfEmpty(current().db)
  })

  const gameIdOf = async (slug: string) =>
    (await current().db.selectFrom('games').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id

  const logGame = async (user: RegisteredUser, slug: string) => {
    const response = await call(current().app, 'POST', '/api/actions/log/', { token: user.token, body: { game: await gameIdOf(slug), value: true } })
    assert.equal(response.status, 200, response.text)
  }

  const popular = async (query: string) => {
    const response = await call(current().app, 'GET', `/api/games/popular/${query}`)
    assert.equal(response.status, 200, response.text)
    return (response.body as { slug: string; interactions: number }[]).map((game) => [game.slug, game.interactions])
  }

  it('answers from a list computed at most once a minute: a change shows only in a period not asked for yet', async () => {
    const alice = await registerUser(current().app, 'alice')
    await logGame(alice, 'hades')
    assert.deepEqual(await popular('?period=week'), [['hades', 1]])

    await logGame(alice, 'celeste')

    assert.deepEqual(await popular('?period=week'), [['hades', 1]])
    assert.deepEqual(await popular('?period=week&limit=1'), [['hades', 1]])
    // Celeste's id is the lower one: it comes first of two games with as many interactions.
    assert.deepEqual(await popular('?period=all'), [
      ['celeste', 1],
      ['hades', 1],
    ])
  })

  it('computes the list again once its time to live has passed', async () => {
    let now = Date.now()
    const popularGames = createPopularGames(current().db, { ttlMs: 60_000, now: () => now })
    const alice = await registerUser(current().app, 'alice')
    await logGame(alice, 'hades')
    const slugs = async () => (await popularGames('month', 10)).map((game) => game.slug)
    assert.deepEqual(await slugs(), ['hades'])

    await logGame(alice, 'celeste')
    now += 59_999
    assert.deepEqual(await slugs(), ['hades'])
    now += 1
    assert.deepEqual(await slugs(), ['celeste', 'hades'])
  })

  it('computes once for requests that arrive while the list is being computed', async () => {
    let now = Date.now()
    const popularGames = createPopularGames(current().db, { ttlMs: 60_000, now: () => now })
    await logGame(await registerUser(current().app, 'alice'), 'hades')

    const [three, one] = await Promise.all([popularGames('all', 3), popularGames('all', 1)])

    // The very same object: one computation served both.
    assert.equal(three[0], one[0])
    now += 60_000
    const recomputed = await popularGames('all', 1)
    assert.deepEqual(recomputed, one)
    assert.notEqual(recomputed[0], one[0])
  })

  it('counts a log far longer than one chunk of activities, within the period only', async () => {
    const [tetris, hades, celeste] = [await gameIdOf('tetris'), await gameIdOf('hades'), await gameIdOf('celeste')]
    const alice = await registerUser(current().app, 'alice')
    // 25,000 activities: Tetris's 12,000 first, then Hades's 9,000, then Celeste's 4,000; the first 15,000 are
    // ten days old, and every 1,000th has no game (a follow).
    // Literals, not parameters: PostgreSQL types a CASE's parameters as text.
    const gameOf = sql`case when i % 1000 = 0 then null when i <= 12000 then ${sql.lit(tetris)} when i <= 21000 then ${sql.lit(hades)} else ${sql.lit(celeste)} end`
    const insertActivities = (from: number, to: number, createdAt: Date) => {
      const rows = sql`select ${sql.lit(alice.id)}, 'played', ${gameOf}, ${sql.lit(createdAt.toISOString())}`
      return (isPostgres(current().db)
        ? sql`insert into activities (user_id, type, game_id, created_at) ${rows} from generate_series(${sql.lit(from)}, ${sql.lit(to)}) as i`
        : sql`with recursive n(i) as (select ${sql.lit(from)} union all select i + 1 from n where i < ${sql.lit(to)})
            insert into activities (user_id, type, game_id, created_at) ${rows} from n`
      ).execute(current().db)
    }
    await insertActivities(1, 15000, new Date(Date.now() - 10 * DAY_MS))
    await insertActivities(15001, 25000, new Date())

    const counts = async (since: string | null) =>
      (await findPopularGames(current().db, since, 10)).map((game) => [game.slug, game.interactions])
    assert.deepEqual(await counts(null), [
      ['tetris', 12000 - 12],
      ['hades', 9000 - 9],
      ['celeste', 4000 - 4],
    ])
    assert.deepEqual(await counts(new Date(Date.now() - 7 * DAY_MS).toISOString()), [
      ['hades', 6000 - 6],
      ['celeste', 4000 - 4],
    ])
  })
})
