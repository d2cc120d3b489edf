import { recordActivity, removeActivity } from '../activity/record.js'
import type { Db } from '../db/database.js'
import type { GameStatus } from '../db/tables.js'
import { timestamp } from '../db/time.js'
import { ApiError } from '../http/errors.js'
import { MAX_FAVORITES } from './schemas.js'

async function hasStatus(db: Db, userId: number, gameId: number, status: GameStatus): Promise<boolean> {
  const row = await db
    .selectFrom('game_statuses')
    .select('game_id')
    .where('user_id', '=', userId)
    .where('game_id', '=', gameId)
    .where('status', '=', status)
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Sets (or, with no value, toggles) one of a person's lists for a game. Idempotent for a given value.
 * Marking a game played takes it off the backlog. Run it in a transaction.
 */
export async function setGameStatus(
  db: Db,
  userId: number,
  gameId: number,
  status: GameStatus,
  value: boolean | undefined,
): Promise<{ value: boolean; removedFromBacklog: boolean }> {
  const current = await hasStatus(db, userId, gameId, status)
  const wanted = value ?? !current
  if (wanted && !current) {
    await db.insertInto('game_statuses').values({ user_id: userId, game_id: gameId, status, created_at: timestamp() }).execute()
    await recordActivity(db, { user_id: userId, type: status, game_id: gameId })
  } else if (!wanted && current) {
    await db
      .deleteFrom('game_statuses')
      .where('user_id', '=', userId)
      .where('game_id', '=', gameId)
      .where('status', '=', status)
      .execute()
    await removeActivity(db, { user_id: userId, type: status, game_id: gameId })
  }
  let removedFromBacklog = false
  if (status === 'played' && wanted) {
    const { numDeletedRows } = await db
      .deleteFrom('game_statuses')
      .where('user_id', '=', userId)
      .where('game_id', '=', gameId)
      .where('status', '=', 'backlog')
      .executeTakeFirst()
    removedFromBacklog = numDeletedRows > 0n
  }
  return { value: wanted, removedFromBacklog }
}

/** Rates a game in half stars (1–10), or removes the rating with null. Run it in a transaction. */
export async function setRating(db: Db, userId: number, gameId: number, halfStars: number | null): Promise<void> {
  await removeActivity(db, { user_id: userId, type: 'rating', game_id: gameId })
  if (halfStars === null) {
    await db.deleteFrom('ratings').where('user_id', '=', userId).where('game_id', '=', gameId).execute()
    return
  }
  const now = timestamp()
  await db
    .insertInto('ratings')
    .values({ user_id: userId, game_id: gameId, half_stars: halfStars, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'game_id']).doUpdateSet({ half_stars: halfStars, updated_at: now }))
    .execute()
  await recordActivity(db, { user_id: userId, type: 'rating', game_id: gameId, half_stars: halfStars })
}

export async function findRating(db: Db, userId: number, gameId: number): Promise<number | null> {
  const row = await db
    .selectFrom('ratings')
    .select('half_stars')
    .where('user_id', '=', userId)
    .where('game_id', '=', gameId)
    .executeTakeFirst()
  return row ? row.half_stars / 2 : null
}

const TOO_MANY_FAVORITES = new ApiError(400, {
  favorites: [`Ensure this field has no more than ${MAX_FAVORITES} elements.`],
})

/** Replaces a person's favorites with these games, in this order. Run it in a transaction. */
export async function replaceFavorites(db: Db, userId: number, gameIds: number[]): Promise<void> {
  if (gameIds.length > MAX_FAVORITES) throw TOO_MANY_FAVORITES
  await db.deleteFrom('favorites').where('user_id', '=', userId).execute()
  if (gameIds.length === 0) return
  await db
    .insertInto('favorites')
    .values(gameIds.map((gameId, position) => ({ user_id: userId, game_id: gameId, position })))
    .execute()
}

/** Adds a game at the end of a person's favorites (no-op when already there). Run it in a transaction. */
export async function addFavorite(db: Db, userId: number, gameId: number): Promise<void> {
  const current = await db.selectFrom('favorites').select(['game_id', 'position']).where('user_id', '=', userId).execute()
  if (current.some((row) => row.game_id === gameId)) return
  if (current.length >= MAX_FAVORITES) throw TOO_MANY_FAVORITES
  const position = Math.max(-1, ...current.map((row) => row.position)) + 1
  await db.insertInto('favorites').values({ user_id: userId, game_id: gameId, position }).execute()
}

export async function removeFavorite(db: Db, userId: number, gameId: number): Promise<void> {
  await db.deleteFrom('favorites').where('user_id', '=', userId).where('game_id', '=', gameId).execute()
}
