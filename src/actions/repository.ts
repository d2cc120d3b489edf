import { recordActivity, removeActivity } from '../activity/record.js'
import { isPostgres, type Db } from '../db/database.js'
import type { GameStatus } from '../db/tables.js'
import { timestamp } from '../db/time.js'
import { dropUnusedProvisionalGames } from '../games/provisional.js'
import { ApiError } from '../http/errors.js'
import { MAX_FAVORITES } from './schemas.js'

/**
 * A change made as part of a journal entry is not logged on its own: the entry's activity says it all (one feed
 * item "reviewed Celeste, 5 stars" rather than three).
 */
interface ActivityOption {
  logActivity?: boolean
}

/**
 * On PostgreSQL, takes the game's row lock before touching its lists: the popularity triggers lock it on every
 * insert and delete, so taking it first keeps every transaction locking in the same order (no deadlock between
 * two entries for one game that set "liked" and "played" in turns). `for no key update`, the lock those updates take,
 * because `for update` would also wait for (and deadlock with) the key-share locks that other transactions'
 * foreign-key checks hold on the game while they insert rows about it.
 */
async function lockGame(db: Db, gameId: number): Promise<void> {
  if (isPostgres(db)) await db.selectFrom('games').select('id').where('id', '=', gameId).forNoKeyUpdate().execute()
}

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
 * Sets (or, with no value, toggles) one of a person's lists for a game. Idempotent for a given value, and safe
 * when the same change arrives twice at once: only the request that actually adds or removes the row touches the
 * activity log. Marking a game played takes it off the backlog. Run it in a transaction.
 */
export async function setGameStatus(
  db: Db,
  userId: number,
  gameId: number,
  status: GameStatus,
  value: boolean | undefined,
  { logActivity = true }: ActivityOption = {},
): Promise<{ value: boolean; removedFromBacklog: boolean }> {
  await lockGame(db, gameId)
  const wanted = value ?? !(await hasStatus(db, userId, gameId, status))
  if (wanted) {
    const { numInsertedOrUpdatedRows } = await db
      .insertInto('game_statuses')
      .values({ user_id: userId, game_id: gameId, status, created_at: timestamp() })
      .onConflict((oc) => oc.columns(['user_id', 'status', 'game_id']).doNothing())
      .executeTakeFirst()
    if (numInsertedOrUpdatedRows && logActivity) await recordActivity(db, { user_id: userId, type: status, game_id: gameId })
  } else if (await deleteStatus(db, userId, gameId, status)) {
    await removeActivity(db, { user_id: userId, type: status, game_id: gameId })
  }
  const removedFromBacklog = status === 'played' && wanted && (await deleteStatus(db, userId, gameId, 'backlog'))
  return { value: wanted, removedFromBacklog }
}

async function deleteStatus(db: Db, userId: number, gameId: number, status: GameStatus): Promise<boolean> {
  const { numDeletedRows } = await db
    .deleteFrom('game_statuses')
    .where('user_id', '=', userId)
    .where('game_id', '=', gameId)
    .where('status', '=', status)
    .executeTakeFirst()
  return numDeletedRows > 0n
}

/**
 * Rates a game in half stars (1–10), or removes the rating with null. The rating row is written first: on
 * PostgreSQL that makes simultaneous ratings of one game by one person wait for each other, so the activity log
 * ends with exactly one entry, for the rating that stands. Run it in a transaction.
 */
export async function setRating(
  db: Db,
  userId: number,
  gameId: number,
  halfStars: number | null,
  { logActivity = true }: ActivityOption = {},
): Promise<void> {
  if (halfStars === null) {
    const { numDeletedRows } = await db
      .deleteFrom('ratings')
      .where('user_id', '=', userId)
      .where('game_id', '=', gameId)
      .executeTakeFirst()
    if (numDeletedRows > 0n) await removeActivity(db, { user_id: userId, type: 'rating', game_id: gameId })
    return
  }
  const now = timestamp()
  await db
    .insertInto('ratings')
    .values({ user_id: userId, game_id: gameId, half_stars: halfStars, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'game_id']).doUpdateSet({ half_stars: halfStars, updated_at: now }))
    .execute()
  await removeActivity(db, { user_id: userId, type: 'rating', game_id: gameId })
  if (logActivity) await recordActivity(db, { user_id: userId, type: 'rating', game_id: gameId, half_stars: halfStars })
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

/**
 * On PostgreSQL, makes the person's other favorites changes wait until this transaction ends, so that two at once
 * cannot both read four favorites and both add a fifth. (SQLite runs one transaction at a time anyway.)
 */
async function lockFavorites(db: Db, userId: number): Promise<void> {
  if (isPostgres(db)) await db.selectFrom('users').select('id').where('id', '=', userId).forNoKeyUpdate().execute()
}

/**
 * Replaces a person's favorites with these games, in this order; a provisional game it takes out that nobody uses
 * any more goes. Run it in a transaction.
 */
export async function replaceFavorites(db: Db, userId: number, gameIds: number[]): Promise<void> {
  if (gameIds.length > MAX_FAVORITES) throw TOO_MANY_FAVORITES
  await lockFavorites(db, userId)
  const previous = await db.deleteFrom('favorites').where('user_id', '=', userId).returning('game_id').execute()
  if (gameIds.length > 0) {
    await db
      .insertInto('favorites')
      .values(gameIds.map((gameId, position) => ({ user_id: userId, game_id: gameId, position })))
      .execute()
  }
  await dropUnusedProvisionalGames(db, previous.map((row) => row.game_id))
}

/** Adds a game at the end of a person's favorites (no-op when already there). Run it in a transaction. */
export async function addFavorite(db: Db, userId: number, gameId: number): Promise<void> {
  await lockFavorites(db, userId)
  const current = await db.selectFrom('favorites').select(['game_id', 'position']).where('user_id', '=', userId).execute()
  if (current.some((row) => row.game_id === gameId)) return
  if (current.length >= MAX_FAVORITES) throw TOO_MANY_FAVORITES
  const position = Math.max(-1, ...current.map((row) => row.position)) + 1
  await db.insertInto('favorites').values({ user_id: userId, game_id: gameId, position }).execute()
}

export async function removeFavorite(db: Db, userId: number, gameId: number): Promise<void> {
  await db.deleteFrom('favorites').where('user_id', '=', userId).where('game_id', '=', gameId).execute()
}
