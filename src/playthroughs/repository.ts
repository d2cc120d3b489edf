import type { ExpressionBuilder } from 'kysely'
import { isPostgres, type Db } from '../db/database.js'
import type { PlaythroughsTable, PlaythroughStatus, Tables } from '../db/tables.js'
import { timestamp } from '../db/time.js'
import { badRequest, invalid } from '../http/errors.js'
import { applyEntryToLibrary, insertEntry } from '../journal/repository.js'
import { MAX_PLAYTHROUGHS, MAX_SESSIONS, type PlaySession, type Playthrough } from './schemas.js'

/** What a person writes of a playthrough, as stored. */
export type PlaythroughValues = Omit<PlaythroughsTable, 'id' | 'user_id' | 'game_id' | 'created_at' | 'updated_at' | 'replay' | 'adjustment_minutes'> & {
  replay: boolean
  adjustment_minutes: number
}

/** The stored playthrough, without its presentation: enough to check ownership and apply an edit. */
export type PlaythroughRecord = PlaythroughValues & { id: number; user_id: number; game_id: number }

/** Statuses that end a playthrough, and the journal entry each writes. */
const ENDINGS: Partial<Record<PlaythroughStatus, 'finished' | 'abandoned'>> = { finished: 'finished', abandoned: 'abandoned' }

/**
 * On PostgreSQL, locks rows for the rest of the transaction, in the order every write locks them (games, then
 * playthroughs, then users: the order of the version bumps, see migrations 0008 and 0009), so that two changes
 * wait for each other instead of deadlocking, and a count read under the lock stays true until the write.
 */
async function lockRow(db: Db, table: 'games' | 'playthroughs' | 'users', id: number): Promise<void> {
  if (isPostgres(db)) await db.selectFrom(table).select('id').where('id', '=', id).forNoKeyUpdate().execute()
}

const RECORD_COLUMNS = [
  'id',
  'user_id',
  'game_id',
  'platform',
  'storefront',
  'status',
  'completion',
  'started_on',
  'finished_on',
  'replay',
  'difficulty',
  'notes',
  'adjustment_minutes',
] as const

/**
 * The playthrough, to change it: locked (with its game first) until the transaction ends, so that its total and
 * its sessions' count stay as read. Run it in a transaction.
 */
export async function findPlaythroughForChange(db: Db, playthroughId: number): Promise<PlaythroughRecord | undefined> {
  const owner = await db.selectFrom('playthroughs').select('game_id').where('id', '=', playthroughId).executeTakeFirst()
  if (!owner) return undefined
  // A playthrough's game never changes: read before the lock, it is still its game after.
  await lockRow(db, 'games', owner.game_id)
  await lockRow(db, 'playthroughs', playthroughId)
  const row = await db.selectFrom('playthroughs').select(RECORD_COLUMNS).where('id', '=', playthroughId).executeTakeFirst()
  return row && { ...row, replay: !!row.replay }
}

/**
 * Adds a playthrough, within the account's bound; one that starts finished or abandoned is logged as the journal
 * would log it (endPlaythrough), unless it comes with its own history (`logEnding: false`: an import, which brings
 * its journal entries itself). Run it in a transaction.
 */
export async function insertPlaythrough(
  db: Db,
  userId: number,
  gameId: number,
  values: PlaythroughValues,
  { logEnding = true }: { logEnding?: boolean } = {},
): Promise<number> {
  if (values.adjustment_minutes < 0) throw noNegativeTotal()
  await lockRow(db, 'games', gameId)
  await lockRow(db, 'users', userId)
  const { n } = await db
    .selectFrom('playthroughs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow()
  if (Number(n) >= MAX_PLAYTHROUGHS) {
    throw badRequest(`You have ${MAX_PLAYTHROUGHS.toLocaleString('en')} playthroughs, the most an account may have: delete some to add more.`)
  }
  const now = timestamp()
  const { id } = await db
    .insertInto('playthroughs')
    .values({ ...values, user_id: userId, game_id: gameId, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  if (logEnding) await endPlaythrough(db, { ...values, id, user_id: userId, game_id: gameId }, undefined)
  return id
}

/**
 * Writes an edit of a playthrough found by findPlaythroughForChange. Its total may not go below nothing; moving it
 * to finished or abandoned is logged as the journal would log it (endPlaythrough), unless an import brings its own
 * history (`logEnding: false`). Run it in a transaction.
 */
export async function updatePlaythrough(
  db: Db,
  playthrough: PlaythroughRecord,
  changes: Partial<PlaythroughValues>,
  { logEnding = true }: { logEnding?: boolean } = {},
): Promise<void> {
  if (Object.keys(changes).length === 0) return
  if (changes.adjustment_minutes !== undefined && (await sessionMinutes(db, playthrough.id)) + changes.adjustment_minutes < 0) {
    throw noNegativeTotal()
  }
  await db
    .updateTable('playthroughs')
    .set({ ...changes, updated_at: timestamp() })
    .where('id', '=', playthrough.id)
    .execute()
  if (logEnding) await endPlaythrough(db, { ...playthrough, ...changes }, playthrough.status)
}

const noNegativeTotal = () =>
  invalid({ adjustment_minutes: ["The playthrough's time cannot go below 0: its sessions and adjustment must add up to 0 or more."] })

/**
 * A playthrough that has just ended (finished or abandoned, and was not before) marks the game played and writes
 * the journal entry that says so, exactly as logging that entry would: off the backlog, one activity for the entry.
 * Its day is the day the playthrough ended, or today (never before the day it started).
 */
async function endPlaythrough(db: Db, playthrough: PlaythroughRecord, previousStatus: PlaythroughStatus | undefined): Promise<void> {
  const entryType = ENDINGS[playthrough.status]
  if (entryType === undefined || playthrough.status === previousStatus) return
  const today = new Date().toISOString().slice(0, 10)
  // Someone ahead of UTC may have started it on what is still tomorrow here.
  const startedLater = playthrough.started_on !== null && playthrough.started_on > today
  await applyEntryToLibrary(db, playthrough.user_id, playthrough.game_id, { entry_type: entryType })
  await insertEntry(db, playthrough.user_id, playthrough.game_id, {
    played_on: playthrough.finished_on ?? (startedLater ? (playthrough.started_on as string) : today),
    entry_type: entryType,
    platform: playthrough.platform,
    review: null,
    spoilers: false,
    liked: false,
    half_stars: null,
    playthrough_id: playthrough.id,
  })
}

/** Its sessions go with it; journal entries about it stay, about no playthrough. */
export async function deletePlaythrough(db: Db, playthroughId: number): Promise<void> {
  await db.deleteFrom('playthroughs').where('id', '=', playthroughId).execute()
}

async function sessionMinutes(db: Db, playthroughId: number): Promise<number> {
  const { minutes } = await db
    .selectFrom('play_sessions')
    .select((eb) => eb.fn.sum<number | string | null>('minutes').as('minutes'))
    .where('playthrough_id', '=', playthroughId)
    .executeTakeFirstOrThrow()
  return Number(minutes ?? 0)
}

/** Adds a session to a playthrough found by findPlaythroughForChange, within its bound. Run it in a transaction. */
export async function insertSession(
  db: Db,
  playthroughId: number,
  values: { played_on: string; minutes: number; note: string | null; source?: string },
): Promise<PlaySession> {
  const { n } = await db
    .selectFrom('play_sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('playthrough_id', '=', playthroughId)
    .executeTakeFirstOrThrow()
  if (Number(n) >= MAX_SESSIONS) {
    throw badRequest(`This playthrough has ${MAX_SESSIONS.toLocaleString('en')} sessions, the most one may have.`)
  }
  const row = await db
    .insertInto('play_sessions')
    .values({ source: 'manual', ...values, playthrough_id: playthroughId, created_at: timestamp() })
    .returning(SESSION_COLUMNS)
    .executeTakeFirstOrThrow()
  return presentSession(row)
}

/**
 * Deletes one of the sessions of a playthrough found by findPlaythroughForChange; false when it has no such
 * session. Its total may not go below nothing. Run it in a transaction.
 */
export async function deleteSession(db: Db, playthrough: PlaythroughRecord, sessionId: number): Promise<boolean> {
  const session = await db
    .selectFrom('play_sessions')
    .select('minutes')
    .where('id', '=', sessionId)
    .where('playthrough_id', '=', playthrough.id)
    .executeTakeFirst()
  if (!session) return false
  if ((await sessionMinutes(db, playthrough.id)) - session.minutes + playthrough.adjustment_minutes < 0) {
    throw badRequest("Without this session the playthrough's time would go below 0: raise its adjustment_minutes first.")
  }
  await db.deleteFrom('play_sessions').where('id', '=', sessionId).execute()
  return true
}

const SESSION_COLUMNS = ['id', 'played_on', 'minutes', 'note', 'source', 'created_at'] as const

function presentSession(row: { id: number; played_on: string; minutes: number; note: string | null; source: string; created_at: string }): PlaySession {
  return { id: row.id, date: row.played_on, minutes: row.minutes, note: row.note, source: row.source, created_at: row.created_at }
}

/** A playthrough's sessions, newest first (at most MAX_SESSIONS). */
export async function findSessions(db: Db, playthroughId: number): Promise<PlaySession[]> {
  const rows = await db
    .selectFrom('play_sessions')
    .select(SESSION_COLUMNS)
    .where('playthrough_id', '=', playthroughId)
    .orderBy('played_on', 'desc')
    .orderBy('id', 'desc')
    .execute()
  return rows.map(presentSession)
}

/** The columns of a playthrough (`p`) that its answers show as they are. */
export const PLAYTHROUGH_COLUMNS = [
  'p.id',
  'p.platform',
  'p.storefront',
  'p.status',
  'p.completion',
  'p.started_on',
  'p.finished_on',
  'p.replay',
  'p.difficulty',
  'p.notes',
  'p.adjustment_minutes',
  'p.created_at',
  'p.updated_at',
] as const

/** The sum of the minutes of a playthrough's (`p`) sessions, as a column: null when it has none. */
export function sessionMinutesColumn(eb: ExpressionBuilder<Tables & { p: PlaythroughsTable }, 'p'>) {
  return eb
    .selectFrom('play_sessions as s')
    .select((sub) => sub.fn.sum<number | string | null>('s.minutes').as('m'))
    .whereRef('s.playthrough_id', '=', 'p.id')
    .as('session_minutes')
}

/** Playthroughs with their person, their game and their sessions' sum and count: one query, whatever the page size. */
function selectPlaythroughs(db: Db) {
  return db
    .selectFrom('playthroughs as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .innerJoin('games as g', 'g.id', 'p.game_id')
    .select([
      ...PLAYTHROUGH_COLUMNS,
      'u.id as user_id',
      'u.username',
      'u.gravatar',
      'g.id as game_id',
      'g.igdb as game_igdb',
      'g.name as game_name',
      'g.slug as game_slug',
      'g.cover_url as game_cover_url',
      sessionMinutesColumn,
      (eb) =>
        eb
          .selectFrom('play_sessions as s')
          .select((sub) => sub.fn.countAll<number | string>().as('n'))
          .whereRef('s.playthrough_id', '=', 'p.id')
          .as('session_count'),
    ])
}

type PlaythroughRow = Awaited<ReturnType<ReturnType<typeof selectPlaythroughs>['executeTakeFirstOrThrow']>>

/** A row of PLAYTHROUGH_COLUMNS and sessionMinutesColumn. */
interface PlaythroughColumnsRow extends Omit<PlaythroughRecord, 'user_id' | 'game_id' | 'replay'> {
  replay: boolean | number
  created_at: string
  updated_at: string
  session_minutes: number | string | null
}

/** A playthrough's own fields as answers (and the export) show them, its total time among them. */
export function playthroughFieldsOf({ replay, session_minutes, ...row }: PlaythroughColumnsRow) {
  return { ...row, replay: !!replay, minutes: Number(session_minutes ?? 0) + row.adjustment_minutes }
}

function presentPlaythrough(row: PlaythroughRow): Playthrough {
  const { user_id, username, gravatar, game_id, game_igdb, game_name, game_slug, game_cover_url, session_count, ...own } = row
  return {
    ...playthroughFieldsOf(own),
    user: { id: user_id, username, gravatar },
    game: { id: game_id, igdb: game_igdb, name: game_name, slug: game_slug, cover_url: game_cover_url },
    session_count: Number(session_count ?? 0),
  }
}

export async function findPlaythrough(db: Db, playthroughId: number): Promise<Playthrough | undefined> {
  const row = await selectPlaythroughs(db).where('p.id', '=', playthroughId).executeTakeFirst()
  return row && presentPlaythrough(row)
}

/** A person's playthroughs, newest first, of one game and/or in one status if asked; `after` is the last one's id. */
export async function findUserPlaythroughs(
  db: Db,
  userId: number,
  options: { gameId?: number; status?: PlaythroughStatus; limit: number; afterId?: number },
): Promise<Playthrough[]> {
  const { gameId, status, limit, afterId } = options
  const rows = await selectPlaythroughs(db)
    .where('p.user_id', '=', userId)
    .$if(gameId !== undefined, (query) => query.where('p.game_id', '=', gameId as number))
    .$if(status !== undefined, (query) => query.where('p.status', '=', status as PlaythroughStatus))
    .$if(afterId !== undefined, (query) => query.where('p.id', '<', afterId as number))
    .orderBy('p.id', 'desc')
    .limit(limit)
    .execute()
  return rows.map(presentPlaythrough)
}

/**
 * A journal entry may name a playthrough only of its author's own, of the same game: a 400 otherwise. The game is
 * locked as a deletion of the playthrough locks it first, so the playthrough is still there when the entry is written.
 * Run it in a transaction.
 */
export async function requireOwnPlaythrough(db: Db, userId: number, gameId: number, playthroughId: number): Promise<void> {
  await lockRow(db, 'games', gameId)
  const row = await db.selectFrom('playthroughs').select(['user_id', 'game_id']).where('id', '=', playthroughId).executeTakeFirst()
  if (row?.user_id !== userId || row.game_id !== gameId) {
    throw invalid({ playthrough: ['Name one of your own playthroughs of this game.'] })
  }
}
