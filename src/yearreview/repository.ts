import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import type { PlaythroughStatus } from '../db/tables.js'
import type { GameSummary } from '../games/schemas.js'
import { COMPLETION_LEVELS, genreElements, hoursOf, playthroughMinutesSql } from '../stats/playtime.js'
import { usernameKey } from '../users/usernames.js'
import { YEAR_TOP, type YearReview } from './schemas.js'

export async function findUserByUsername(db: Db, username: string) {
  return db.selectFrom('users').select(['id', 'username']).where('username_key', '=', usernameKey(username)).executeTakeFirst()
}

/**
 * A person's year in review, aggregated in SQL: two queries (its numbers, and the games it names) whatever the
 * size of their library.
 */
export async function findYearReview(db: Db, user: { id: number; username: string }, year: number): Promise<YearReview> {
  const [numbers, games] = await Promise.all([findYearNumbers(db, user.id, year), findYearGames(db, user.id, year)])
  return { username: user.username, year, ...numbers, ...games }
}

/**
 * The year's rows as common table expressions: `year_sessions`, the person's play sessions dated in the year
 * (whenever their playthrough began or ended), and `finishes`, their playthroughs finished in the year.
 */
function yearRows(userId: number, year: number) {
  const [first, last] = [`${year}-01-01`, `${year}-12-31`]
  return {
    first,
    last,
    with: sql`
      with year_sessions as (
        select s.playthrough_id, s.played_on, s.minutes, p.platform, p.game_id
        from play_sessions s join playthroughs p on p.id = s.playthrough_id
        where p.user_id = ${userId} and s.played_on between ${first} and ${last}
      ),
      finishes as (
        select id, game_id, completion, finished_on from playthroughs
        where user_id = ${userId} and status = 'finished' and finished_on between ${first} and ${last}
      )`,
  }
}

type NumberKind = 'month_minutes' | 'month_finished' | 'completion' | 'games_finished' | 'started' | 'platform' | 'genre'

type YearNumbers = Pick<
  YearReview,
  'finished' | 'games_finished' | 'started' | 'hours' | 'months' | 'top_platforms' | 'top_genres' | 'completions'
>

/** Every number of the year, as rows of (kind, name, value), in one query. */
async function findYearNumbers(db: Db, userId: number, year: number): Promise<YearNumbers> {
  const { with: withYear, first, last } = yearRows(userId, year)
  const { rows } = await sql<{ kind: NumberKind; name: string | null; value: number | string }>`
    ${withYear}
    select 'month_minutes' as kind, substr(played_on, 6, 2) as name, sum(minutes) as value
    from year_sessions group by substr(played_on, 6, 2)
    union all
    select 'month_finished', substr(finished_on, 6, 2), count(*) from finishes group by substr(finished_on, 6, 2)
    union all
    select 'completion', completion, count(*) from finishes where completion is not null group by completion
    union all
    select 'games_finished', null, count(distinct game_id) from finishes
    union all
    select 'started', null, count(*) from playthroughs where user_id = ${userId} and started_on between ${first} and ${last}
    union all
    select * from (
      select 'platform', platform, sum(minutes) from year_sessions where platform is not null
      group by platform order by 3 desc, 2 limit ${YEAR_TOP}
    ) as platforms
    union all
    select * from (
      select 'genre', genre.value, sum(minutes)
      from year_sessions join games on games.id = year_sessions.game_id cross join ${genreElements(db)}
      group by genre.value order by 3 desc, 2 limit ${YEAR_TOP}
    ) as genres
    order by 1, 3 desc, 2
  `.execute(db)

  const of = (kind: NumberKind) => rows.filter((row) => row.kind === kind)
  const countOf = (kind: NumberKind, name: string | null = null) => Number(of(kind).find((row) => row.name === name)?.value ?? 0)
  const named = (kind: NumberKind) => of(kind).map((row) => ({ name: row.name as string, hours: hoursOf(row.value) }))
  const months = Array.from({ length: 12 }, (_, i) => {
    const month = String(i + 1).padStart(2, '0')
    return { month: i + 1, minutes: countOf('month_minutes', month), finished: countOf('month_finished', month) }
  })
  return {
    finished: months.reduce((sum, month) => sum + month.finished, 0),
    games_finished: countOf('games_finished'),
    started: countOf('started'),
    hours: hoursOf(months.reduce((sum, month) => sum + month.minutes, 0)),
    months: months.map(({ month, minutes, finished }) => ({ month, hours: hoursOf(minutes), finished })),
    top_platforms: named('platform'),
    top_genres: named('genre'),
    completions: Object.fromEntries(COMPLETION_LEVELS.map((level) => [level, countOf('completion', level)])) as YearNumbers['completions'],
  }
}

type GameKind = 'best_rated' | 'first' | 'last' | 'longest' | 'top_game'

interface YearGameRow extends GameSummary {
  kind: GameKind
  playthrough_id: number | null
  day: string | null
  /** Half stars for best_rated, minutes for longest and top_game. */
  value: number | string | null
  platform: string | null
  status: PlaythroughStatus | null
}

type YearGames = Pick<YearReview, 'top_games' | 'longest_playthrough' | 'best_rated' | 'first_finish' | 'last_finish'>

/** The games the year names (first and last finish, best rated, most played, the longest playthrough), in one query. */
async function findYearGames(db: Db, userId: number, year: number): Promise<YearGames> {
  const { with: withYear, first, last } = yearRows(userId, year)
  // Each branch is wrapped to keep its own order and limit; its nulls are typed for PostgreSQL's union.
  const { rows } = await sql<YearGameRow>`
    ${withYear}
    select picked.kind, picked.playthrough_id, picked.day, picked.value, p.platform, p.status,
      g.id, g.igdb, g.name, g.slug, g.cover_url
    from (
      select * from (
        select 'first' as kind, id as playthrough_id, game_id, finished_on as day, cast(null as integer) as value
        from finishes order by finished_on, id limit 1
      ) as first_finish
      union all
      select * from (
        select 'last', id, game_id, finished_on, cast(null as integer) from finishes order by finished_on desc, id desc limit 1
      ) as last_finish
      union all
      select * from (
        select 'best_rated', cast(null as integer), r.game_id, min(f.finished_on), r.half_stars
        from ratings r join finishes f on f.game_id = r.game_id
        where r.user_id = ${userId}
        group by r.game_id, r.half_stars
        order by r.half_stars desc, min(f.finished_on), r.game_id limit ${YEAR_TOP}
      ) as best_rated
      union all
      select * from (
        select 'top_game', cast(null as integer), game_id, cast(null as text), sum(minutes)
        from year_sessions group by game_id order by sum(minutes) desc, game_id limit ${YEAR_TOP}
      ) as top_games
      union all
      select * from (
        select 'longest', id, game_id, cast(null as text), minutes
        from (
          select p.id, p.game_id, ${sql.raw(playthroughMinutesSql(db, 'p'))} as minutes
          from playthroughs p
          where p.user_id = ${userId} and (
            p.started_on between ${first} and ${last} or p.finished_on between ${first} and ${last}
            or p.id in (select playthrough_id from year_sessions)
          )
        ) as runs
        where minutes > 0 order by minutes desc, id limit 1
      ) as longest
    ) as picked
    join games g on g.id = picked.game_id
    left join playthroughs p on p.id = picked.playthrough_id
    order by picked.kind, picked.value desc, picked.day, g.id
  `.execute(db)

  const of = (kind: GameKind) => rows.filter((row) => row.kind === kind)
  const gameOf = ({ id, igdb, name, slug, cover_url }: YearGameRow): GameSummary => ({ id, igdb, name, slug, cover_url })
  const finish = (row: YearGameRow | undefined) => (row ? { game: gameOf(row), date: row.day as string } : null)
  const longest = of('longest')[0]
  return {
    top_games: of('top_game').map((row) => ({ game: gameOf(row), hours: hoursOf(row.value) })),
    longest_playthrough: longest
      ? {
          id: longest.playthrough_id as number,
          game: gameOf(longest),
          platform: longest.platform,
          status: longest.status as PlaythroughStatus,
          hours: hoursOf(longest.value),
        }
      : null,
    best_rated: of('best_rated').map((row) => ({ game: gameOf(row), rating: Number(row.value) / 2, finished_on: row.day as string })),
    first_finish: finish(of('first')[0]),
    last_finish: finish(of('last')[0]),
  }
}
