import type { AliasedSelectQueryBuilder } from 'kysely'
import type { Db } from '../db/database.js'
import type { PreparedQuery } from '../db/prepared.js'
import type { ActivityType } from '../db/tables.js'
import { pageOf } from '../http/cursor.js'

/** The page's rows and one more, whose presence says there is a next page; the cursor is the id of the last shown. */
export type ActivityPageParameters = { take: number; before?: number }

/** A first page and a next page of activities, each compiled once. */
export type ActivityPageQueries<P> = { first: PreparedQuery<P, ActivityRow>; next: PreparedQuery<P, ActivityRow> }

/**
 * The activities whose ids `page` picks, joined with whatever each is about, newest first: the ids come from the
 * indexes alone, and only those rows are joined.
 */
export function selectActivityItems(db: Db, page: AliasedSelectQueryBuilder<{ id: number }, 'page'>) {
  return db
    .selectFrom(page)
    .innerJoin('activities as a', 'a.id', 'page.id')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .leftJoin('games as g', 'g.id', 'a.game_id')
    .leftJoin('journal_entries as e', 'e.id', 'a.entry_id')
    .leftJoin('lists as l', 'l.id', 'a.list_id')
    .leftJoin('users as t', 't.id', 'a.target_user_id')
    .select([
      'a.id',
      'a.type',
      'a.created_at',
      'a.half_stars',
      'u.id as user_id',
      'u.username',
      'u.gravatar',
      'g.id as game_id',
      'g.igdb as game_igdb',
      'g.name as game_name',
      'g.slug as game_slug',
      'g.cover_url as game_cover_url',
      'e.id as entry_id',
      'e.user_id as entry_user_id',
      'e.entry_type',
      'e.played_on',
      'e.review',
      'e.spoilers',
      'l.id as list_id',
      'l.title as list_title',
      't.id as target_id',
      't.username as target_username',
    ])
    .orderBy('a.id', 'desc')
}

/** A page of activity items, newest first, from the first or the next page's query. */
export async function findActivityPage<P extends ActivityPageParameters>(
  pages: ActivityPageQueries<P>,
  parameters: Omit<P, keyof ActivityPageParameters>,
  before: number | undefined,
  limit: number,
) {
  const query = before === undefined ? pages.first : pages.next
  const rows = await query.all({ ...parameters, take: limit + 1, ...(before !== undefined && { before }) } as P)
  const page = pageOf(rows, limit, (last) => [last.id])
  return { results: page.results.map(activityItemOf), next: page.next }
}

export interface ActivityRow {
  id: number
  type: ActivityType
  created_at: string
  half_stars: number | null
  user_id: number
  username: string
  gravatar: string
  game_id: number | null
  game_igdb: string | null
  game_name: string | null
  game_slug: string | null
  game_cover_url: string | null
  entry_id: number | null
  entry_user_id: number | null
  entry_type: string | null
  played_on: string | null
  review: string | null
  spoilers: boolean | number | null
  list_id: number | null
  list_title: string | null
  target_id: number | null
  target_username: string | null
}

function activityItemOf(row: ActivityRow) {
  return {
    id: row.id,
    type: row.type,
    created_at: row.created_at,
    user: { id: row.user_id, username: row.username, gravatar: row.gravatar },
    game:
      row.game_id === null
        ? null
        : { id: row.game_id, igdb: row.game_igdb, name: row.game_name as string, slug: row.game_slug as string, cover_url: row.game_cover_url },
    rating: row.half_stars === null ? null : row.half_stars / 2,
    entry:
      row.entry_id === null
        ? null
        : {
            id: row.entry_id,
            user_id: row.entry_user_id as number,
            entry_type: row.entry_type as string,
            date: row.played_on as string,
            review: row.review,
            spoilers: !!row.spoilers,
          },
    list: row.list_id === null ? null : { id: row.list_id, title: row.list_title as string },
    target: row.target_id === null ? null : { id: row.target_id, username: row.target_username as string },
  }
}
