import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely'
import { isPostgres, type Db } from '../db/database.js'
import type { Tables } from '../db/tables.js'
import { GAME_SUMMARY_COLUMNS } from './repository.js'
import { periodStart } from './popular.js'
import {
  DISCOVER_MIN_RATINGS,
  type DiscoverFilters,
  type DiscoverGame,
  type DiscoverPage,
  type DiscoverQuery,
  type DiscoverSort,
} from './schemas.js'

type Games = SelectQueryBuilder<Tables, 'games', object>

interface DiscoverRow extends Omit<DiscoverGame, 'average_rating'> {
  average_half_stars: number | string | null
  total: number
}

const ratingCount = sql<number>`(select count(*) from ratings where ratings.game_id = games.id)`
const averageHalfStars = sql<number | string | null>`(select avg(half_stars) from ratings where ratings.game_id = games.id)`

/**
 * The catalog browsed by genre, platform, developer and release year or decade, in one of DISCOVER_SORTS, a page
 * at a time: one query a page, its total counted beside it (a window count), a second query only for a page past
 * the last. Provisional games (added by accounts, with nothing to filter them by) are not browsed. A filter value
 * the catalog has no game of finds no game: the catalog grows from IGDB, so no list of values is final.
 */
export function createDiscover(db: Db, { now = Date.now }: { now?: () => number } = {}) {
  /** Whether a JSON array of names (genres, platforms, developers) holds one name. */
  const hasName = (column: 'genres' | 'platforms' | 'developers', name: string) =>
    isPostgres(db)
      ? sql<boolean>`${sql.ref(`games.${column}`)}::jsonb @> jsonb_build_array(${name}::text)`
      : sql<boolean>`exists (select 1 from json_each(${sql.ref(`games.${column}`)}) where json_each.value = ${name})`

  const matching = (query: DiscoverQuery): Games => {
    let games: Games = db.selectFrom('games').where('games.provisional', '=', false)
    if (query.genre !== undefined) games = games.where(hasName('genres', query.genre))
    if (query.platform !== undefined) games = games.where(hasName('platforms', query.platform))
    if (query.developer !== undefined) games = games.where(hasName('developers', query.developer))
    if (query.year !== undefined) games = games.where('games.release_year', '=', query.year)
    if (query.decade !== undefined) {
      games = games.where('games.release_year', '>=', query.decade).where('games.release_year', '<', query.decade + 10)
    }
    if (query.sort === 'rating') games = games.where(ratingCount, '>=', DISCOVER_MIN_RATINGS)
    return games
  }

  const orderings: Record<DiscoverSort, (games: Games) => Games> = {
    popular_week: (games) => {
      const since = periodStart('week', now())
      return games
        .orderBy(sql`(select count(*) from activities where activities.game_id = games.id and activities.created_at >= ${since})`, 'desc')
        .orderBy('games.popularity', 'desc')
    },
    popular: (games) => games.orderBy('games.popularity', 'desc'),
    rating: (games) => games.orderBy(averageHalfStars, 'desc').orderBy(ratingCount, 'desc'),
    newest: (games) => games.orderBy(sql`games.release_year desc nulls last`).orderBy(sql`games.first_release_date desc nulls last`),
    name: (games) => games,
  }

  return {
    async page(query: DiscoverQuery): Promise<DiscoverPage> {
      const rows = (await orderings[query.sort](matching(query))
        .select([...GAME_SUMMARY_COLUMNS, 'games.release_year'])
        .select([ratingCount.as('ratings'), averageHalfStars.as('average_half_stars'), sql<number>`count(*) over ()`.as('total')])
        .orderBy('games.search_name')
        .orderBy('games.id')
        .limit(query.limit)
        .offset((query.page - 1) * query.limit)
        .execute()) as DiscoverRow[]
      const total = rows[0] ? Number(rows[0].total) : query.page === 1 ? 0 : await countMatching(matching(query))
      return {
        results: rows.map(discoverGameOf),
        total,
        page: query.page,
        pages: Math.ceil(total / query.limit),
      }
    },

    /** The values to filter by, with how many games have each. */
    async filters(): Promise<DiscoverFilters> {
      const [genres, platforms, decades] = await Promise.all([
        nameCounts(db, 'genres'),
        nameCounts(db, 'platforms'),
        db
          .selectFrom('games')
          .select([sql<number>`(games.release_year / 10) * 10`.as('value'), (eb) => eb.fn.countAll<number>().as('games')])
          .where('games.provisional', '=', false)
          .where('games.release_year', 'is not', null)
          .groupBy(sql`(games.release_year / 10) * 10`)
          .orderBy('value', 'desc')
          .execute(),
      ])
      return { genres, platforms, decades: decades.map(({ value, games }) => ({ value: Number(value), games: Number(games) })) }
    },
  }
}

export type Discover = ReturnType<typeof createDiscover>

async function countMatching(games: Games): Promise<number> {
  const row = await games.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirst()
  return Number(row?.total ?? 0)
}

function discoverGameOf({ average_half_stars, total: _, ...game }: DiscoverRow): DiscoverGame {
  const ratings = Number(game.ratings)
  return {
    ...game,
    ratings,
    average_rating: ratings >= DISCOVER_MIN_RATINGS ? Math.round((Number(average_half_stars) / 2) * 100) / 100 : null,
  }
}

/** Each name of a JSON array column, with how many catalog games have it, most first. */
async function nameCounts(db: Db, column: 'genres' | 'platforms'): Promise<{ value: string; games: number }[]> {
  const names: RawBuilder<unknown> = isPostgres(db)
    ? sql`json_array_elements_text(${sql.ref(`games.${column}`)}::json)`
    : sql`json_each(${sql.ref(`games.${column}`)})`
  const { rows } = await sql<{ value: string; games: number }>`
    select names.value as value, count(*) as games
    from games cross join ${names} as names${isPostgres(db) ? sql`(value)` : sql``}
    where games.provisional = ${false}
    group by names.value
    order by games desc, names.value`.execute(db)
  return rows.map(({ value, games }) => ({ value, games: Number(games) }))
}
