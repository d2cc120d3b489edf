import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import type { GameStatus } from '../db/tables.js'
import { pageOf } from '../http/cursor.js'

/**
 * Pages walk a (time, game id) key newest first; `(a, b) < (x, y)` compares rows of values, on SQLite and on
 * PostgreSQL alike, so the next page starts right after the last game shown even when two share a time.
 */

/** One of a person's lists, newest first, a page at a time (cursor: when the last game was added, its id). */
export async function findLibraryPage(
  db: Db,
  userId: number,
  status: GameStatus,
  after: [string, number] | undefined,
  limit: number,
) {
  let query = db
    .selectFrom('game_statuses as s')
    .innerJoin('games as g', 'g.id', 's.game_id')
    .select(['g.id', 'g.igdb', 'g.name', 'g.slug', 'g.cover_url', 's.created_at'])
    .where('s.user_id', '=', userId)
    .where('s.status', '=', status)
    .orderBy('s.created_at', 'desc')
    .orderBy('g.id', 'desc')
    .limit(limit + 1)
  if (after) query = query.where(sql<boolean>`(s.created_at, g.id) < (${after[0]}, ${after[1]})`)
  const page = pageOf(await query.execute(), limit, (last) => [last.created_at, last.id])
  return {
    results: page.results.map(({ created_at, ...game }) => ({ game, added_at: created_at })),
    next: page.next,
  }
}

/** A person's ratings, most recently rated first, a page at a time. */
export async function findRatingsPage(db: Db, userId: number, after: [string, number] | undefined, limit: number) {
  let query = db
    .selectFrom('ratings as r')
    .innerJoin('games as g', 'g.id', 'r.game_id')
    .select(['g.id', 'g.igdb', 'g.name', 'g.slug', 'g.cover_url', 'r.half_stars', 'r.updated_at'])
    .where('r.user_id', '=', userId)
    .orderBy('r.updated_at', 'desc')
    .orderBy('g.id', 'desc')
    .limit(limit + 1)
  if (after) query = query.where(sql<boolean>`(r.updated_at, g.id) < (${after[0]}, ${after[1]})`)
  const page = pageOf(await query.execute(), limit, (last) => [last.updated_at, last.id])
  return {
    results: page.results.map(({ half_stars, updated_at, ...game }) => ({ game, rating: half_stars / 2, rated_at: updated_at })),
    next: page.next,
  }
}
