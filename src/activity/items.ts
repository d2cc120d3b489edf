import { sql, type RawBuilder } from 'kysely'
import { isPostgres, type Db } from '../db/database.js'
import { isoTimestamp } from '../db/json.js'
import { encodeCursor } from '../http/cursor.js'

/**
 * Pages of activities (the feed, a person's activity) are built as JSON by the database: turning twenty joined
 * rows of twenty columns into JavaScript objects, and those back into JSON, cost more than the query itself.
 */

export interface ActivityPageRow {
  /** The page's items as a JSON array, already in the answer's shape (ActivityItem). */
  results: string
  /** The id of the page's last item. */
  last_id: number | string | null
  /** Whether the list goes on past the page's last item. */
  more: boolean | number
}

/**
 * One query answering a page: `page` selects the page's activity ids, newest first; `older(id)` selects the ids of
 * the same list before an id, and says whether there is a next page (one more index probe). The page's rows are
 * joined with whatever each is about, and each becomes an ActivityItem object in SQL.
 */
export function activityPageQuery(
  db: Db,
  page: RawBuilder<unknown>,
  older: (lastId: RawBuilder<unknown>) => RawBuilder<unknown>,
): RawBuilder<ActivityPageRow> {
  const results = isPostgres(db)
    ? sql`coalesce(json_agg(${activityItemJson(db)} order by a.id desc), '[]')::text`
    : sql`coalesce(json_group_array(${activityItemJson(db)} order by a.id desc), '[]')`
  // Whether there is more is asked once, of the page's one aggregated row (in the aggregate's own select list,
  // SQLite would ask it for every item).
  return sql<ActivityPageRow>`with page as (${page})
    select shown.results, shown.last_id, exists (${older(sql`shown.last_id`)}) as more
    from (select ${results} as results, min(a.id) as last_id
      from page
      join activities a on a.id = page.id
      join users u on u.id = a.user_id
      left join games g on g.id = a.game_id
      left join journal_entries e on e.id = a.entry_id
      left join lists l on l.id = a.list_id
      left join users t on t.id = a.target_user_id) shown`
}

/** The JSON text of an ActivityPage from the row of an activityPageQuery; the cursor is the last item's id. */
export function activityPageJson(row: ActivityPageRow | undefined): string {
  const next = row?.more && row.last_id !== null ? encodeCursor([Number(row.last_id)]) : null
  return `{"results":${row?.results ?? '[]'},"next":${JSON.stringify(next)}}`
}

/** An ActivityItem as a JSON object built from the joined row (aliases a, u, g, e, l, t). */
function activityItemJson(db: Db): RawBuilder<unknown> {
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
