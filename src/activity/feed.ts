import { sql, type RawBuilder } from 'kysely'
import { isPostgres, type Db } from '../db/database.js'
import { isoTimestamp } from '../db/json.js'
import { prepareQuery } from '../db/prepared.js'
import { encodeCursor } from '../http/cursor.js'

type FeedPageParameters = {
  viewerId: number
  limit: number
  /** The cursor: the id of the last activity shown. */
  before?: number
}

interface FeedPageRow {
  /** The page's items as a JSON array, already in the answer's shape (FeedItem). */
  results: string
  /** The id of the page's last item. */
  last_id: number | string | null
  /** Whether the people followed did anything before the page's last item. */
  more: boolean | number
}

/**
 * The feed read, compiled once (a first page and a next page). The page is built as JSON by the database: turning
 * twenty joined rows of twenty columns into JavaScript objects, and those back into JSON, cost more than the query
 * itself.
 */
export function createFeedReads(db: Db) {
  const pages = { first: feedPageQuery(db, false), next: feedPageQuery(db, true) }

  /**
   * A page of what the people someone follows did, newest first, as the JSON text of a FeedPage. The cursor is the
   * id of the last item shown.
   */
  async function findFeedPageJson(viewerId: number, before: number | undefined, limit: number): Promise<string> {
    const row = await (before === undefined ? pages.first : pages.next).first({ viewerId, limit, ...(before !== undefined && { before }) })
    const next = row?.more && row.last_id !== null ? encodeCursor([Number(row.last_id)]) : null
    return `{"results":${row?.results ?? '[]'},"next":${JSON.stringify(next)}}`
  }

  return { findFeedPageJson }
}

/**
 * One query: the page's activity ids are picked from the indexes alone, only those rows are joined with whatever
 * each is about, and each becomes a FeedItem object in SQL. Whether there is a next page is one more index probe.
 */
function feedPageQuery(db: Db, withCursor: boolean) {
  const postgres = isPostgres(db)
  return prepareQuery<FeedPageParameters, FeedPageRow>(db, (param) => {
    const followedActivities = (alias: string) =>
      sql`select ${sql.ref(`${alias}.id`)} from activities ${sql.raw(alias)} join follows f on f.followee_id = ${sql.ref(`${alias}.user_id`)}
        where f.follower_id = ${param('viewerId')}`
    const page = sql`${followedActivities('a')} ${withCursor ? sql`and a.id < ${param('before')}` : sql``}
      order by a.id desc limit ${param('limit')}`
    const results = postgres
      ? sql`coalesce(json_agg(${feedItemJson(db)} order by a.id desc), '[]')::text`
      : sql`coalesce(json_group_array(${feedItemJson(db)} order by a.id desc), '[]')`
    return sql<FeedPageRow>`with page as (${page})
      select ${results} as results, min(a.id) as last_id,
        exists (${followedActivities('older')} and older.id < (select min(id) from page)) as more
      from page
      join activities a on a.id = page.id
      join users u on u.id = a.user_id
      left join games g on g.id = a.game_id
      left join journal_entries e on e.id = a.entry_id
      left join lists l on l.id = a.list_id
      left join users t on t.id = a.target_user_id`
  })
}

/** A FeedItem as a JSON object built from the joined row (aliases a, u, g, e, l, t). */
function feedItemJson(db: Db): RawBuilder<unknown> {
  const postgres = isPostgres(db)
  const object = postgres ? sql.raw('json_build_object') : sql.raw('json_object')
  const boolean = (column: string) => (postgres ? sql.ref(column) : sql`json(case when ${sql.ref(column)} then 'true' else 'false' end)`)
  const nested = (id: string, fields: RawBuilder<unknown>) => sql`case when ${sql.ref(id)} is null then null else ${object}(${fields}) end`
  return sql`${object}(
    'id', a.id,
    'type', a.type,
    'created_at', ${isoTimestamp(db, 'a.created_at')},
    'user', ${object}('id', u.id, 'username', u.username, 'gravatar', u.gravatar),
    'game', ${nested('g.id', sql`'id', g.id, 'igdb', g.igdb, 'name', g.name, 'slug', g.slug, 'cover_url', g.cover_url`)},
    'rating', a.half_stars / 2.0,
    'entry', ${nested(
      'e.id',
      sql`'id', e.id, 'user_id', e.user_id, 'entry_type', e.entry_type, 'date', e.played_on, 'review', e.review, 'spoilers', ${boolean('e.spoilers')}`,
    )},
    'list', ${nested('l.id', sql`'id', l.id, 'title', l.title`)},
    'target', ${nested('t.id', sql`'id', t.id, 'username', t.username`)}
  )`
}
