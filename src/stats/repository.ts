import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../db/database.js'
import { genreElements, hoursOf } from './playtime.js'
import type { Stats, StatsCounts } from './schemas.js'

const TOP = 5

/**
 * Every count of a person's profile, as columns of a select: `userId` is the person's id, bound or a column
 * reference (the profile's one query embeds them).
 */
export function statsCountColumns(userId: RawBuilder<unknown> | string | number) {
  return sql`
      (select count(*) from game_statuses where user_id = ${userId} and status = 'played') as played,
      (select count(distinct game_id) from journal_entries where user_id = ${userId} and entry_type = 'finished') as completed,
      (select count(*) from game_statuses where user_id = ${userId} and status = 'backlog') as backlog,
      (select count(*) from game_statuses where user_id = ${userId} and status = 'wishlist') as wishlist,
      (select count(*) from game_statuses where user_id = ${userId} and status = 'liked') as liked,
      (select count(distinct game_id) from playthroughs where user_id = ${userId} and status = 'playing') as playing,
      (select count(*) from ratings where user_id = ${userId}) as ratings,
      (select count(*) from journal_entries where user_id = ${userId} and review is not null) as reviews,
      (select count(*) from journal_entries where user_id = ${userId}) as journal_entries,
      (select count(*) from lists where user_id = ${userId}) as lists,
      (select count(*) from follows where followee_id = ${userId}) as followers,
      (select count(*) from follows where follower_id = ${userId}) as following,
      (select avg(half_stars) from ratings where user_id = ${userId}) as average_rating`
}

export type StatsCountsRow = Record<keyof StatsCounts, number | string | null>

/** The counts as the API shows them, from a row holding statsCountColumns. */
export function statsCountsOf(row: StatsCountsRow): StatsCounts {
  const count = (key: keyof StatsCounts) => Number(row[key] ?? 0)
  const averageHalfStars = row.average_rating === null ? null : Number(row.average_rating)
  return {
    played: count('played'),
    completed: count('completed'),
    backlog: count('backlog'),
    wishlist: count('wishlist'),
    liked: count('liked'),
    playing: count('playing'),
    ratings: count('ratings'),
    reviews: count('reviews'),
    journal_entries: count('journal_entries'),
    lists: count('lists'),
    followers: count('followers'),
    following: count('following'),
    average_rating: averageHalfStars === null ? null : Math.round((averageHalfStars / 2) * 100) / 100,
  }
}

/** Every count of a person's profile, in one query. */
export async function findStatsCounts(db: Db, userId: number): Promise<StatsCounts> {
  const { rows } = await sql<StatsCountsRow>`select ${statsCountColumns(userId)}`.execute(db)
  return statsCountsOf(rows[0] as StatsCountsRow)
}

/** A person's numbers and charts, each aggregated in SQL: six queries whatever the size of their library. */
export async function findStats(db: Db, userId: number): Promise<Stats> {
  const [counts, finished, distribution, platforms, genres, playtime] = await Promise.all([
    findStatsCounts(db, userId),
    db
      .selectFrom('journal_entries')
      .select([
        sql<string>`substr(played_on, 1, 4)`.as('year'),
        sql<number>`count(distinct game_id)`.as('count'),
      ])
      .where('user_id', '=', userId)
      .where('entry_type', '=', 'finished')
      .groupBy(sql`substr(played_on, 1, 4)`)
      .orderBy(sql`substr(played_on, 1, 4)`)
      .execute(),
    db
      .selectFrom('ratings')
      .select(['half_stars', (eb) => eb.fn.countAll<number>().as('count')])
      .where('user_id', '=', userId)
      .groupBy('half_stars')
      .execute(),
    db
      .selectFrom('journal_entries')
      .select(['platform as name', (eb) => eb.fn.countAll<number>().as('count')])
      .where('user_id', '=', userId)
      .where('platform', 'is not', null)
      .groupBy('platform')
      .orderBy('count', 'desc')
      .orderBy('platform')
      .limit(TOP)
      .execute(),
    findTopGenres(db, userId),
    findPlaytime(db, userId),
  ])
  const histogram = Array.from({ length: 10 }, () => 0)
  for (const row of distribution) histogram[row.half_stars - 1] = Number(row.count)
  return {
    counts,
    finished_per_year: finished.map((row) => ({ year: Number(row.year), count: Number(row.count) })),
    rating_distribution: histogram,
    top_platforms: platforms.map((row) => ({ name: row.name as string, count: Number(row.count) })),
    top_genres: genres,
    ...playtime,
  }
}

/** Genres are JSON arrays in `games.genres`; each database unnests them its own way. */
async function findTopGenres(db: Db, userId: number) {
  const { rows } = await sql<{ name: string; count: number }>`
    select genre.value as name, count(*) as count
    from game_statuses
    join games on games.id = game_statuses.game_id
    cross join ${genreElements(db)}
    where game_statuses.user_id = ${userId} and game_statuses.status = 'played'
    group by genre.value
    order by count(*) desc, genre.value
    limit ${TOP}
  `.execute(db)
  return rows.map((row) => ({ name: row.name, count: Number(row.count) }))
}

/**
 * Hours of play sessions by year (of the session's date) and by platform (of its playthrough; none, not
 * counted), in one query. A playthrough's adjustment has no date, so neither counts it.
 */
async function findPlaytime(db: Db, userId: number): Promise<Pick<Stats, 'hours_per_year' | 'hours_per_platform'>> {
  const { rows } = await sql<{ kind: 'year' | 'platform'; name: string; minutes: number | string }>`
    select 'year' as kind, substr(s.played_on, 1, 4) as name, sum(s.minutes) as minutes
    from play_sessions s join playthroughs p on p.id = s.playthrough_id
    where p.user_id = ${userId}
    group by substr(s.played_on, 1, 4)
    union all
    select 'platform', p.platform, sum(s.minutes)
    from play_sessions s join playthroughs p on p.id = s.playthrough_id
    where p.user_id = ${userId} and p.platform is not null
    group by p.platform
    order by 1, 2
  `.execute(db)
  const of = (kind: 'year' | 'platform') => rows.filter((row) => row.kind === kind)
  return {
    hours_per_year: of('year').map((row) => ({ year: Number(row.name), hours: hoursOf(row.minutes) })),
    // Sorted by name in SQL; a stable sort keeps that order among platforms of equal time.
    hours_per_platform: of('platform')
      .sort((a, b) => Number(b.minutes) - Number(a.minutes))
      .map((row) => ({ name: row.name, hours: hoursOf(row.minutes) })),
  }
}
