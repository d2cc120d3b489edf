import { sql } from 'kysely'
import type { NewGameLimits } from '../config.js'
import { isPostgres, type Db } from '../db/database.js'
import { hoursFromNow, timestamp } from '../db/time.js'
import { addFieldError, invalid, type FieldErrors } from '../http/errors.js'
import { ThrottledError } from '../http/rate-limit.js'

/** The account on whose behalf a request may add games to the shared catalog, and how many it may add. */
export interface GameAdder {
  userId: number
  limits: NewGameLimits
}

const DAY_HOURS = 24

/**
 * Lets an account add these games new to the catalog (one request field each, in request order), or refuses the
 * request: past the per-request bound a 400 names the fields beyond it; past the account's allowance for any 24
 * hours a 429 says when enough of its additions will have aged out. Writes nothing; run it in the transaction
 * that adds the games, which then records each (recordGameAddition).
 */
export async function requireNewGameAllowance(db: Db, adder: GameAdder, fields: string[]): Promise<void> {
  if (fields.length === 0) return
  const { perRequest, perDay } = adder.limits
  if (fields.length > perRequest) {
    const errors: FieldErrors = {}
    const message = `At most ${perRequest} games new to the catalog may be added in one request: add this one in another.`
    for (const field of fields.slice(perRequest)) addFieldError(errors, field, message)
    throw invalid(errors)
  }
  await lockAccount(db, adder.userId)
  const recent = await db
    .selectFrom('game_additions')
    .select('created_at')
    .where('user_id', '=', adder.userId)
    .where('created_at', '>', hoursFromNow(-DAY_HOURS))
    .orderBy('created_at')
    .execute()
  const excess = recent.length + fields.length - perDay
  if (excess <= 0) return
  const freedAt = Date.parse(recent[excess - 1]!.created_at) + DAY_HOURS * 3_600_000
  throw new ThrottledError(Math.max(1, Math.ceil((freedAt - Date.now()) / 1000)))
}

/**
 * On PostgreSQL, makes the account's other additions wait until this transaction ends, so that two at once cannot
 * both count the same allowance; its other writes, which only reference the account's row, do not wait. (SQLite
 * runs one write transaction at a time anyway.)
 */
async function lockAccount(db: Db, userId: number): Promise<void> {
  if (isPostgres(db)) await db.selectFrom('users').select('id').where('id', '=', userId).forNoKeyUpdate().execute()
}

/** Counts one game against the account's allowance, and forgets its additions that no longer count. */
export async function recordGameAddition(db: Db, userId: number): Promise<void> {
  await db.insertInto('game_additions').values({ user_id: userId, created_at: timestamp() }).execute()
  await db
    .deleteFrom('game_additions')
    .where('user_id', '=', userId)
    .where('created_at', '<=', hoursFromNow(-DAY_HOURS))
    .execute()
}

/** Games looked at per statement, well within both databases' limits on bound values. */
const DROP_CHUNK = 500

/** A game's uses: while a row of any of these names it, someone uses it. */
const USES = ['game_statuses', 'ratings', 'favorites', 'journal_entries', 'list_items', 'playthroughs'] as const

/**
 * Deletes those of these games that are provisional and that nobody uses any more (no status, rating, favorite,
 * journal entry or review, list item, playthrough). Run it in the transaction that took a use away, with the games it touched.
 * On PostgreSQL a game that another transaction is using right now (it holds the game's row) is left alone: it is
 * either being used, or that transaction will look at it itself.
 */
export async function dropUnusedProvisionalGames(db: Db, gameIds: number[]): Promise<void> {
  for (let start = 0; start < gameIds.length; start += DROP_CHUNK) {
    const candidates = await lockedProvisionalGames(db, gameIds.slice(start, start + DROP_CHUNK))
    if (candidates.length === 0) continue
    let unused = db.deleteFrom('games').where('id', 'in', candidates)
    for (const table of USES) {
      unused = unused.where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom(table).select(sql.lit(1).as('used')).whereRef(`${table}.game_id`, '=', 'games.id'))),
      )
    }
    await unused.execute()
  }
}

/**
 * The provisional games among these; on PostgreSQL locked, in id order, skipping any another transaction holds. The
 * lock is taken before the next statement looks for uses, so that statement sees every use committed before it:
 * none can be lost to the cascade of a game deleted from under it.
 */
async function lockedProvisionalGames(db: Db, gameIds: number[]): Promise<number[]> {
  const query = db.selectFrom('games').select('id').where('id', 'in', gameIds).where('provisional', '=', true).orderBy('id')
  const rows = await (isPostgres(db) ? query.forUpdate().skipLocked() : query).execute()
  return rows.map((row) => row.id)
}

/** The provisional games in a list, to look at once its items are replaced or deleted. */
export async function findProvisionalGamesOfList(db: Db, listId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('list_items')
    .innerJoin('games', 'games.id', 'list_items.game_id')
    .select('games.id')
    .where('list_items.list_id', '=', listId)
    .where('games.provisional', '=', true)
    .execute()
  return rows.map((row) => row.id)
}

/** The provisional games an account uses, to look at once the account is deleted. */
export async function findProvisionalGamesUsedBy(db: Db, userId: number): Promise<number[]> {
  const used = db
    .selectFrom('game_statuses')
    .select('game_id')
    .where('user_id', '=', userId)
    .union(db.selectFrom('ratings').select('game_id').where('user_id', '=', userId))
    .union(db.selectFrom('favorites').select('game_id').where('user_id', '=', userId))
    .union(db.selectFrom('journal_entries').select('game_id').where('user_id', '=', userId))
    .union(db.selectFrom('playthroughs').select('game_id').where('user_id', '=', userId))
    .union(
      db
        .selectFrom('list_items')
        .innerJoin('lists', 'lists.id', 'list_items.list_id')
        .select('list_items.game_id')
        .where('lists.user_id', '=', userId),
    )
  const rows = await db.selectFrom('games').select('id').where('provisional', '=', true).where('id', 'in', used).execute()
  return rows.map((row) => row.id)
}
