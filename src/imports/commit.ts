import { replaceFavorites, setGameStatus, setRating } from '../actions/repository.js'
import type { Db } from '../db/database.js'
import { timestamp } from '../db/time.js'
import { insertEntry, updateEntry, type EntryRecord } from '../journal/repository.js'
import { insertList, replaceListEntries, updateListFields } from '../lists/repository.js'
import {
  findPlaythroughForChange,
  insertPlaythrough,
  insertSession,
  updatePlaythrough,
} from '../playthroughs/repository.js'
import { recordGameAddition, requireNewGameAllowance, type GameAdder } from '../games/provisional.js'
import { insertGame } from '../games/repository.js'
import { MAX_SESSION_MINUTES } from '../playthroughs/schemas.js'
import { usernameKey } from '../users/usernames.js'
import { followUser } from '../users/repository.js'
import {
  entryValuesOf,
  gameSnapshotOf,
  planGameRow,
  playthroughSnapshotOf,
  playthroughValuesOf,
  type Change,
  type GameRowPlan,
  type ImportContext,
  type PlaythroughSnapshot,
} from './plan.js'
import type { FavoritesRow, FollowRow, GameReference, GameRow, ImportedPlaythrough, ImportedSession, ListRow } from './rows.js'

const quietly = { logActivity: false }

/**
 * A game the catalog lacks, that the person chose to add for a row: provisional, as any game an account names, and
 * within the account's allowance of new games. Run it in the transaction that writes the row.
 */
export async function addImportedGame(db: Db, adder: GameAdder, game: GameReference): Promise<number> {
  if (game.igdb !== null) {
    const known = await db.selectFrom('games').select('id').where('igdb', '=', game.igdb).executeTakeFirst()
    if (known) return known.id
  }
  await requireNewGameAllowance(db, adder, ['game'])
  const gameId = await insertGame(db, { name: (game.title as string).trim(), igdb: game.igdb, release_year: game.year }, { provisional: true })
  await recordGameAddition(db, adder.userId)
  return gameId
}

/** Remembers what an import wrote under its source key, with the item as imported, for the next import to compare. */
async function link(db: Db, context: ImportContext, kind: string, key: string, targetId: number | null, snapshot: unknown): Promise<void> {
  const values = { target_id: targetId, snapshot: JSON.stringify(snapshot), updated_at: timestamp() }
  await db
    .insertInto('imported_items')
    .values({ user_id: context.userId, source: context.source, kind, item_key: key, ...values })
    .onConflict((oc) => oc.columns(['user_id', 'source', 'kind', 'item_key']).doUpdateSet(values))
    .execute()
}

/**
 * Writes a game row into the person's library, as planned against what is there now (so a plan made for the
 * preview that has gone stale is made again). Imported history is written quietly: no activity in anyone's feed,
 * no journal entry beyond those the file has. Run it in a transaction: a row is written whole or not at all.
 */
export async function commitGameRow(db: Db, context: ImportContext, row: GameRow, gameId: number): Promise<GameRowPlan> {
  const plan = await planGameRow(db, context, row, gameId)
  const { userId } = context
  for (const change of plan.changes) {
    if (change.type === 'status') await setGameStatus(db, userId, gameId, change.status, change.value, quietly)
    else if (change.type === 'rating') await setRating(db, userId, gameId, change.halfStars, quietly)
    else if (change.type === 'add-playthrough') await addPlaythrough(db, context, gameId, change.playthrough)
    else if (change.type === 'add-entry' || change.type === 'edit-entry') continue
    else await changePlaythrough(db, context, change)
  }
  await link(db, context, 'game', row.key, gameId, gameSnapshotOf(context, row))
  for (const playthrough of row.playthroughs) {
    const changed = plan.changes.some((change) => keyOfPlaythroughChanged(change) === playthrough.key)
    const last = changed && (await findLink(db, context, 'playthrough', playthrough.key))
    if (last) {
      const snapshot = playthroughSnapshotOf(playthrough, JSON.parse(last.snapshot) as PlaythroughSnapshot)
      await link(db, context, 'playthrough', playthrough.key, last.target_id, snapshot)
    }
  }
  for (const change of plan.changes) {
    if (change.type === 'add-entry') await addEntry(db, context, gameId, change.entry, row)
    if (change.type === 'edit-entry') await editEntry(db, context, change)
  }
  return plan
}

/** The playthrough (by its source key) a change is about, if any. */
function keyOfPlaythroughChanged(change: Change): string | null {
  if (change.type === 'add-session') return change.playthroughKey
  return 'key' in change ? change.key : null
}

async function findLink(db: Db, context: ImportContext, kind: string, key: string) {
  return db
    .selectFrom('imported_items')
    .select(['target_id', 'snapshot'])
    .where('user_id', '=', context.userId)
    .where('source', '=', context.source)
    .where('kind', '=', kind)
    .where('item_key', '=', key)
    .executeTakeFirst()
}

async function linkedPlaythroughId(db: Db, context: ImportContext, key: string): Promise<number | null> {
  return (await findLink(db, context, 'playthrough', key))?.target_id ?? null
}

async function addPlaythrough(db: Db, context: ImportContext, gameId: number, playthrough: ImportedPlaythrough): Promise<void> {
  const playthroughId = await insertPlaythrough(db, context.userId, gameId, playthroughValuesOf(playthrough), { logEnding: false })
  await link(db, context, 'playthrough', playthrough.key, playthroughId, playthroughSnapshotOf(playthrough))
  for (const session of playthrough.sessions) await addSession(db, context, playthroughId, session)
  if (playthrough.totalMinutes) await addTime(db, playthroughId, playthrough.totalMinutes, playthrough.lastPlayedOn ?? playthrough.finishedOn, context)
}

async function addSession(db: Db, context: ImportContext, playthroughId: number, session: ImportedSession): Promise<void> {
  const added = await insertSession(db, playthroughId, {
    played_on: session.date,
    minutes: session.minutes,
    note: session.note,
    source: session.source ?? context.source,
  })
  await link(db, context, 'session', session.key, added.id, session)
}

/**
 * Play time a source reports only as a total (Steam: "play time by day can only be inferred by comparing two
 * snapshots"): the time since the last import is a session on the day the source says the game was last played,
 * up to a day's worth (a session's bound); what is beyond, or has no day, is undated time (the adjustment).
 */
async function addTime(db: Db, playthroughId: number, minutes: number, date: string | null, context: ImportContext): Promise<void> {
  const dated = date && minutes > 0 ? Math.min(minutes, MAX_SESSION_MINUTES) : 0
  if (dated > 0) await insertSession(db, playthroughId, { played_on: date as string, minutes: dated, note: null, source: context.source })
  if (minutes === dated) return
  const playthrough = await findPlaythroughForChange(db, playthroughId)
  if (playthrough) {
    await updatePlaythrough(db, playthrough, { adjustment_minutes: playthrough.adjustment_minutes + minutes - dated }, { logEnding: false })
  }
}

/**
 * Sessions listed by a newer file take the place of the time an earlier one gave as a total: what was written for
 * that total (the session on its last-played day, the rest undated) is taken back before they are added.
 */
async function replaceTotal(db: Db, context: ImportContext, playthroughId: number, totalMinutes: number): Promise<void> {
  const playthrough = await findPlaythroughForChange(db, playthroughId)
  if (!playthrough) return
  const listed = db
    .selectFrom('imported_items')
    .select('target_id')
    .where('user_id', '=', context.userId)
    .where('source', '=', context.source)
    .where('kind', '=', 'session')
    .where('target_id', 'is not', null)
  const forTheTotal = await db
    .selectFrom('play_sessions')
    .select(['id', 'minutes'])
    .where('playthrough_id', '=', playthroughId)
    .where('source', '=', context.source)
    .where('id', 'not in', listed)
    .execute()
  if (forTheTotal.length > 0) await db.deleteFrom('play_sessions').where('id', 'in', forTheTotal.map((session) => session.id)).execute()
  const dated = forTheTotal.reduce((sum, session) => sum + session.minutes, 0)
  await updatePlaythrough(db, playthrough, { adjustment_minutes: playthrough.adjustment_minutes - (totalMinutes - dated) }, { logEnding: false })
}

async function changePlaythrough(db: Db, context: ImportContext, change: Exclude<Change, { type: 'status' | 'rating' | 'add-playthrough' | 'add-entry' | 'edit-entry' }>): Promise<void> {
  if (change.type === 'add-session') return addSession(db, context, change.playthroughId, change.session)
  if (change.type === 'add-time') return addTime(db, change.playthroughId, change.minutes, change.date, context)
  if (change.type === 'replace-total') return replaceTotal(db, context, change.playthroughId, change.minutes)
  const playthrough = await findPlaythroughForChange(db, change.playthroughId)
  if (!playthrough) return
  const fields = change.type === 'adjust' ? { adjustment_minutes: playthrough.adjustment_minutes + change.minutes } : change.fields
  await updatePlaythrough(db, playthrough, fields, { logEnding: false })
}

async function addEntry(db: Db, context: ImportContext, gameId: number, entry: GameRow['journal'][number], row: GameRow): Promise<void> {
  const playthroughKey = entry.playthroughKey
  const playthroughId = playthroughKey && row.playthroughs.some((p) => p.key === playthroughKey) ? await linkedPlaythroughId(db, context, playthroughKey) : null
  const entryId = await insertEntry(db, context.userId, gameId, { ...entryValuesOf(entry), playthrough_id: playthroughId }, quietly)
  await link(db, context, 'journal', entry.key, entryId, entry)
}

async function editEntry(db: Db, context: ImportContext, change: Extract<Change, { type: 'edit-entry' }>): Promise<void> {
  const current = await db
    .selectFrom('journal_entries')
    .select(['id', 'user_id', 'game_id', 'played_on', 'entry_type', 'platform', 'review', 'spoilers', 'liked', 'half_stars', 'playthrough_id'])
    .where('id', '=', change.entryId)
    .executeTakeFirst()
  if (!current) return
  const record: EntryRecord = { ...current, spoilers: !!current.spoilers, liked: !!current.liked }
  await updateEntry(db, record, change.fields)
  await link(db, context, 'journal', change.entry.key, change.entryId, change.entry)
}

export type OtherRowOutcome = { outcome: 'added' | 'updated' | 'unchanged' } | { outcome: 'skipped'; reason: string }

/** Someone the person follows at the exporting instance: followed here when an account of that name exists. */
export async function commitFollowRow(db: Db, context: ImportContext, row: FollowRow, write: boolean): Promise<OtherRowOutcome> {
  const followee = await db.selectFrom('users').select('id').where('username_key', '=', usernameKey(row.username)).executeTakeFirst()
  if (!followee) return { outcome: 'skipped', reason: `No account named ${row.username} here.` }
  if (followee.id === context.userId) return { outcome: 'skipped', reason: 'That is you.' }
  const following = await db
    .selectFrom('follows')
    .select('followee_id')
    .where('follower_id', '=', context.userId)
    .where('followee_id', '=', followee.id)
    .executeTakeFirst()
  if (following) return { outcome: 'unchanged' }
  if (write) await followUser(db, context.userId, followee.id)
  return { outcome: 'added' }
}

/** Favorites: set when the person has none yet, or when the source's changed and theirs are still the imported ones. */
export async function commitFavoritesRow(
  db: Db,
  context: ImportContext,
  row: FavoritesRow,
  gameIds: Map<string, number>,
  write: boolean,
): Promise<OtherRowOutcome> {
  const wanted = [...new Set(row.gameKeys.map((key) => gameIds.get(key)).filter((id) => id !== undefined))].slice(0, 5)
  const current = await db.selectFrom('favorites').select('game_id').where('user_id', '=', context.userId).orderBy('position').execute()
  const currentIds = current.map((favorite) => favorite.game_id)
  const lastLink = await findLink(db, context, 'favorites', row.key)
  const last = lastLink && (JSON.parse(lastLink.snapshot) as number[])
  if (sameList(currentIds, wanted)) return { outcome: 'unchanged' }
  const yours = last === undefined ? currentIds.length > 0 : !sameList(currentIds, last)
  if (yours) return { outcome: 'skipped', reason: 'You have chosen your favorites here: they stay.' }
  if (write) {
    await replaceFavorites(db, context.userId, wanted)
    await link(db, context, 'favorites', row.key, null, wanted)
  }
  return { outcome: last === undefined ? 'added' : 'updated' }
}

interface ListSnapshot {
  title: string
  description: string | null
  ranked: boolean
  games: { gameId: number; note: string | null }[]
}

/** A list: added once; later imports bring the source's changes to it, unless the person deleted it here. */
export async function commitListRow(
  db: Db,
  context: ImportContext,
  row: ListRow,
  gameIds: Map<string, number>,
  write: boolean,
): Promise<OtherRowOutcome> {
  const seen = new Set<number>()
  const games = row.items.flatMap(({ gameKey, note }) => {
    const gameId = gameIds.get(gameKey)
    if (gameId === undefined || seen.has(gameId)) return []
    seen.add(gameId)
    return [{ gameId, note }]
  })
  const wanted: ListSnapshot = { title: row.title, description: row.description, ranked: row.ranked, games }
  const existing = await findLink(db, context, 'list', row.key)
  if (existing) {
    const list = await db.selectFrom('lists').select('id').where('id', '=', existing.target_id).where('user_id', '=', context.userId).executeTakeFirst()
    if (!list || JSON.stringify(JSON.parse(existing.snapshot)) === JSON.stringify(wanted)) return { outcome: 'unchanged' }
    if (write) {
      await updateListFields(db, list.id, { title: wanted.title, description: wanted.description, ranked: wanted.ranked })
      await replaceListEntries(db, list.id, games)
      await link(db, context, 'list', row.key, list.id, wanted)
    }
    return { outcome: 'updated' }
  }
  if (write) {
    const listId = await insertList(db, context.userId, { title: wanted.title, description: wanted.description, ranked: wanted.ranked })
    await replaceListEntries(db, listId, games)
    await link(db, context, 'list', row.key, listId, wanted)
  }
  return { outcome: 'added' }
}

function sameList(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index])
}
