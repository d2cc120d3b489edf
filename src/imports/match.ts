import type { Db } from '../db/database.js'
import { searchNameOf } from '../games/repository.js'
import type { GameReference } from './rows.js'

export type MatchedBy = 'steam' | 'igdb' | 'slug' | 'name'
export type GameMatch = { gameId: number; matchedBy: MatchedBy } | { gameId: null; reason: string }

/**
 * Finds the catalog game a file's row names: by Steam app id, IGDB id or slug, then by name (and year, when the
 * file gives one).
 */
export function createGameMatcher(db: Db): (reference: GameReference) => Promise<GameMatch> {
  return async (reference) => {
    if (reference.steamAppId !== null) {
      const row = await db.selectFrom('games').select('id').where('steam_app_id', '=', reference.steamAppId).executeTakeFirst()
      if (row) return { gameId: row.id, matchedBy: 'steam' }
    }
    if (reference.igdb !== null) {
      const row = await db.selectFrom('games').select('id').where('igdb', '=', reference.igdb).executeTakeFirst()
      if (row) return { gameId: row.id, matchedBy: 'igdb' }
    }
    if (reference.slug !== null) {
      const row = await db.selectFrom('games').select('id').where('slug', '=', reference.slug).executeTakeFirst()
      if (row) return { gameId: row.id, matchedBy: 'slug' }
    }
    if (!reference.title?.trim()) return { gameId: null, reason: 'The row names no game.' }
    const rows = await db
      .selectFrom('games')
      .select(['id', 'release_year'])
      .where('search_name', '=', searchNameOf(reference.title))
      .orderBy('provisional')
      .orderBy('popularity', 'desc')
      .execute()
    const match = rows.find(
      (row) => reference.year === null || row.release_year === null || Math.abs(row.release_year - reference.year) <= 1,
    )
    if (match) return { gameId: match.id, matchedBy: 'name' }
    return { gameId: null, reason: 'No game of this name in the catalog.' }
  }
}
