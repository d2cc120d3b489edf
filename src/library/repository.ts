import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { isoTimestamp, jsonArrayFrom, parseJson, type JsonColumn } from '../db/json.js'
import { prepareQuery } from '../db/prepared.js'
import type { GameStatus } from '../db/tables.js'
import { pageOf } from '../http/cursor.js'
import { usernameKey } from '../users/usernames.js'

/**
 * Pages walk a (time, game id) key newest first; `(a, b) < (x, y)` compares rows of values, on SQLite and on
 * PostgreSQL alike, so the next page starts right after the last game shown even when two share a time.
 */

type PageParameters = {
  usernameKey: string
  /** The page's rows and one more, whose presence says there is a next page. */
  take: number
  /** The cursor: the time and game id of the last row shown. */
  afterTime?: string
  afterId?: number
}

interface GameRow {
  id: number
  igdb: string | null
  name: string
  slug: string
  cover_url: string | null
}
type ListedGameRow = GameRow & { created_at: string }
type RatedGameRow = GameRow & { half_stars: number; updated_at: string }

/**
 * The library reads, compiled once: each answers from one query that finds the person by name and brings their
 * page along as a JSON array, so an unknown name (undefined) and an empty page are told apart in one round trip.
 */
export function createLibraryReads(db: Db) {
  const libraryPageQuery = (withCursor: boolean) =>
    prepareQuery<PageParameters & { status: GameStatus }, { id: number; games: JsonColumn<ListedGameRow[]> }>(db, (param) =>
      db
        .selectFrom('users as u')
        .select((eb) => [
          'u.id',
          jsonArrayFrom(
            db,
            eb
              .selectFrom('game_statuses as s')
              .innerJoin('games as g', 'g.id', 's.game_id')
              .select(['g.id', 'g.igdb', 'g.name', 'g.slug', 'g.cover_url', isoTimestamp(db, 's.created_at').as('created_at')])
              .whereRef('s.user_id', '=', 'u.id')
              .where('s.status', '=', param('status'))
              .$if(withCursor, (q) => q.where(sql<boolean>`(s.created_at, g.id) < (${param('afterTime')}, ${param('afterId')})`))
              .orderBy('s.created_at', 'desc')
              .orderBy('g.id', 'desc')
              .limit(param('take')),
          ).as('games'),
        ])
        .where('u.username_key', '=', param('usernameKey')),
    )
  const ratingsPageQuery = (withCursor: boolean) =>
    prepareQuery<PageParameters, { id: number; ratings: JsonColumn<RatedGameRow[]> }>(db, (param) =>
      db
        .selectFrom('users as u')
        .select((eb) => [
          'u.id',
          jsonArrayFrom(
            db,
            eb
              .selectFrom('ratings as r')
              .innerJoin('games as g', 'g.id', 'r.game_id')
              .select(['g.id', 'g.igdb', 'g.name', 'g.slug', 'g.cover_url', 'r.half_stars', isoTimestamp(db, 'r.updated_at').as('updated_at')])
              .whereRef('r.user_id', '=', 'u.id')
              .$if(withCursor, (q) => q.where(sql<boolean>`(r.updated_at, g.id) < (${param('afterTime')}, ${param('afterId')})`))
              .orderBy('r.updated_at', 'desc')
              .orderBy('g.id', 'desc')
              .limit(param('take')),
          ).as('ratings'),
        ])
        .where('u.username_key', '=', param('usernameKey')),
    )
  const libraryPages = { first: libraryPageQuery(false), next: libraryPageQuery(true) }
  const ratingsPages = { first: ratingsPageQuery(false), next: ratingsPageQuery(true) }

  /**
   * One of a person's lists, newest first, a page at a time (cursor: when the last game was added, its id), and
   * whose it is.
   */
  async function findLibraryPage(username: string, status: GameStatus, after: [string, number] | undefined, limit: number) {
    const row = await (after ? libraryPages.next : libraryPages.first).first({
      usernameKey: usernameKey(username),
      status,
      take: limit + 1,
      ...(after && { afterTime: after[0], afterId: after[1] }),
    })
    if (!row) return undefined
    const page = pageOf(parseJson(row.games), limit, (last) => [last.created_at, last.id])
    return {
      userId: row.id,
      page: { results: page.results.map(({ created_at, ...game }) => ({ game, added_at: created_at })), next: page.next },
    }
  }

  /** A person's ratings, most recently rated first, a page at a time. */
  async function findRatingsPage(username: string, after: [string, number] | undefined, limit: number) {
    const row = await (after ? ratingsPages.next : ratingsPages.first).first({
      usernameKey: usernameKey(username),
      take: limit + 1,
      ...(after && { afterTime: after[0], afterId: after[1] }),
    })
    if (!row) return undefined
    const page = pageOf(parseJson(row.ratings), limit, (last) => [last.updated_at, last.id])
    return {
      results: page.results.map(({ half_stars, updated_at, ...game }) => ({ game, rating: half_stars / 2, rated_at: updated_at })),
      next: page.next,
    }
  }

  return { findLibraryPage, findRatingsPage }
}
