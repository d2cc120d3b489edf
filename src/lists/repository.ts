import { setImmediate as nextTurn } from 'node:timers/promises'
import { sql, type ExpressionBuilder } from 'kysely'
import type { Db } from '../db/database.js'
import type { Tables } from '../db/tables.js'
import { timestamp } from '../db/time.js'
import { gameNameProblem } from '../games/input.js'
import { requireNewGameAllowance, type GameAdder } from '../games/provisional.js'
import { GAME_SUMMARY_COLUMNS, resolveGameId } from '../games/repository.js'
import type { GameSummary } from '../games/schemas.js'
import { addFieldError, invalid, type FieldErrors } from '../http/errors.js'
import { PREVIEW_SIZE, type ListDetail, type ListItemInput, type ListSummary } from './schemas.js'

/** A list's item as stored: the game and the owner's note about it. */
export interface ListEntry {
  gameId: number
  note: string | null
}

export interface ListFields {
  title: string
  description: string | null
  ranked: boolean
}

const LIST_COLUMNS = [
  'lists.id',
  'lists.title',
  'lists.description',
  'lists.ranked',
  'lists.created_at',
  'lists.updated_at',
  'lists.like_count',
] as const

function commentCount(eb: ExpressionBuilder<Tables, 'lists'>) {
  return eb
    .selectFrom('list_comments')
    .select((sub) => sub.fn.countAll<number | string>().as('count'))
    .whereRef('list_comments.list_id', '=', 'lists.id')
    .as('comment_count')
}

function likedBy(eb: ExpressionBuilder<Tables, 'lists'>, userId: number) {
  return eb
    .exists(eb.selectFrom('list_likes').select('list_likes.list_id').whereRef('list_likes.list_id', '=', 'lists.id').where('list_likes.user_id', '=', userId))
    .as('liked_by_me')
}

/**
 * The games of a list's items, in order. Games we have are found in two queries whatever the list's size; only
 * games the catalog lacks go through resolveGameId, one by one, which adds them (or answers 404), once the adder
 * may add them all. Run it in a transaction, so that games added for a list that is then refused go away with it.
 */
export async function resolveListEntries(db: Db, items: ListItemInput[], adder: GameAdder): Promise<ListEntry[]> {
  requireGameReferences(items)
  const existingIds = await findExistingGameIds(db, items)
  const idsByIgdb = await findGameIdsByIgdb(db, items)
  await requireNewGameAllowance(db, adder, newGameFields(items, idsByIgdb))
  const entries: ListEntry[] = []
  for (const item of items) {
    const known = item.game !== undefined ? (existingIds.has(item.game) ? item.game : undefined) : idsByIgdb.get(item.igdb as string)
    entries.push({ gameId: known ?? (await resolveGameId(db, item, adder)), note: item.note || null })
  }
  rejectDuplicateGames(entries)
  return entries
}

function requireGameReferences(items: ListItemInput[]): void {
  const errors: FieldErrors = {}
  items.forEach((item, index) => {
    if (item.game === undefined && item.igdb === undefined) {
      addFieldError(errors, `games.${index}.game`, 'Either "game" or "igdb" is required.')
    }
    const nameProblem = item.name === undefined ? undefined : gameNameProblem(item.name)
    if (nameProblem) addFieldError(errors, `games.${index}.name`, nameProblem)
  })
  if (Object.keys(errors).length > 0) throw invalid(errors)
}

/** The items that would add a game to the catalog (each IGDB id once), as the request's fields. */
function newGameFields(items: ListItemInput[], idsByIgdb: Map<string, number>): string[] {
  const igdbIds = new Set<string>()
  const fields: string[] = []
  items.forEach(({ game, igdb, name }, index) => {
    if (game !== undefined || igdb === undefined || !name || idsByIgdb.has(igdb) || igdbIds.has(igdb)) return
    igdbIds.add(igdb)
    fields.push(`games.${index}`)
  })
  return fields
}

/** The table allows a game once a list; say which items repeat one rather than fail on the constraint. */
function rejectDuplicateGames(entries: ListEntry[]): void {
  const seen = new Set<number>()
  const errors: FieldErrors = {}
  entries.forEach(({ gameId }, index) => {
    if (seen.has(gameId)) addFieldError(errors, `games.${index}`, 'This game is already in the list.')
    seen.add(gameId)
  })
  if (Object.keys(errors).length > 0) throw invalid(errors)
}

async function findExistingGameIds(db: Db, items: ListItemInput[]): Promise<Set<number>> {
  const ids = [...new Set(items.flatMap((item) => (item.game === undefined ? [] : [item.game])))]
  if (ids.length === 0) return new Set()
  const rows = await db.selectFrom('games').select('id').where('id', 'in', ids).execute()
  return new Set(rows.map((row) => row.id))
}

async function findGameIdsByIgdb(db: Db, items: ListItemInput[]): Promise<Map<string, number>> {
  const igdbIds = [...new Set(items.flatMap((item) => (item.game === undefined && item.igdb !== undefined ? [item.igdb] : [])))]
  if (igdbIds.length === 0) return new Map()
  const rows = await db.selectFrom('games').select(['id', 'igdb']).where('igdb', 'in', igdbIds).execute()
  return new Map(rows.map((row) => [row.igdb as string, row.id]))
}

export async function insertList(db: Db, userId: number, fields: ListFields): Promise<number> {
  const now = timestamp()
  const { id } = await db
    .insertInto('lists')
    .values({ user_id: userId, ...fields, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return id
}

/** Items written per statement: a list of 1,000 games with notes is saved in several, the event loop free between. */
const SAVE_CHUNK_SIZE = 100

/**
 * Makes these the list's items, positions 1, 2, 3… in this order. Run it in a transaction: the list changes whole
 * or not at all. Yielding inside one is safe: on SQLite the transaction keeps the one connection until it ends, so
 * other requests' queries wait for it rather than run inside it; on PostgreSQL it has a connection of its own.
 */
export async function replaceListEntries(db: Db, listId: number, entries: ListEntry[]): Promise<void> {
  await db.deleteFrom('list_items').where('list_id', '=', listId).execute()
  for (let start = 0; start < entries.length; start += SAVE_CHUNK_SIZE) {
    if (start > 0) await nextTurn()
    const chunk = entries.slice(start, start + SAVE_CHUNK_SIZE)
    await db
      .insertInto('list_items')
      .values(chunk.map(({ gameId, note }, index) => ({ list_id: listId, position: start + index + 1, game_id: gameId, note })))
      .execute()
  }
}

/**
 * Marks a list as updated and returns its owner's id (undefined: no such list). Being a write, it locks the list's
 * row until the transaction ends, so two edits of one list take turns rather than interleave their rewrites of
 * the items (PostgreSQL; SQLite runs one transaction at a time anyway). A plain `for update` is not SQLite.
 */
export async function touchList(db: Db, listId: number): Promise<number | undefined> {
  const row = await db
    .updateTable('lists')
    .set({ updated_at: timestamp() })
    .where('id', '=', listId)
    .returning('user_id')
    .executeTakeFirst()
  return row?.user_id
}

export async function updateListFields(db: Db, listId: number, changes: Partial<ListFields>): Promise<void> {
  if (Object.keys(changes).length === 0) return
  await db.updateTable('lists').set(changes).where('id', '=', listId).execute()
}

/** Deletes a list; its items and its activity go with it (foreign keys cascade). */
export async function deleteList(db: Db, listId: number): Promise<void> {
  await db.deleteFrom('lists').where('id', '=', listId).execute()
}

/** A list with its owner, its counts and all its games, in two queries; with a viewer, whether they like it. */
export async function findList(db: Db, listId: number, viewerId?: number): Promise<ListDetail | undefined> {
  const list = await db
    .selectFrom('lists')
    .innerJoin('users', 'users.id', 'lists.user_id')
    .select((eb) => [...LIST_COLUMNS, 'users.id as user_id', 'users.username', 'users.gravatar', commentCount(eb)])
    .$if(viewerId !== undefined, (query) => query.select((eb) => likedBy(eb, viewerId as number)))
    .where('lists.id', '=', listId)
    .executeTakeFirst()
  if (!list) return undefined
  const items = await db
    .selectFrom('list_items')
    .innerJoin('games', 'games.id', 'list_items.game_id')
    .select(['list_items.note', ...GAME_SUMMARY_COLUMNS])
    .where('list_items.list_id', '=', listId)
    .orderBy('list_items.position')
    .execute()
  const { user_id, username, gravatar, ranked, comment_count, liked_by_me, ...fields } = list
  return {
    ...fields,
    ranked: !!ranked,
    comment_count: Number(comment_count),
    ...(liked_by_me === undefined ? {} : { liked_by_me: !!liked_by_me }),
    user: { id: user_id, username, gravatar },
    // Numbered as read: a game deleted from the catalog leaves a gap in the stored positions.
    games: items.map(({ note, ...game }, index) => ({ position: index + 1, note, game })),
    game_count: items.length,
  }
}

/** Up to `count` of a person's lists, newest first, from before the list `beforeId` (a page's cursor). */
export async function findUserLists(db: Db, userId: number, beforeId: number | undefined, count: number) {
  let query = db
    .selectFrom('lists')
    .select((eb) => [...LIST_COLUMNS, commentCount(eb)])
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(count)
  if (beforeId !== undefined) query = query.where('id', '<', beforeId)
  return query.execute()
}

/** Lists as a page shows them: with their number of games and the first few, in one query for all. */
export async function summarizeLists(db: Db, lists: Awaited<ReturnType<typeof findUserLists>>): Promise<ListSummary[]> {
  const previews = await findPreviews(db, lists.map((list) => list.id))
  return lists.map(({ ranked, comment_count, ...list }) => ({
    ...list,
    ranked: !!ranked,
    comment_count: Number(comment_count),
    game_count: previews.get(list.id)?.count ?? 0,
    preview: previews.get(list.id)?.games ?? [],
  }))
}

async function findPreviews(db: Db, listIds: number[]): Promise<Map<number, { count: number; games: GameSummary[] }>> {
  const previews = new Map<number, { count: number; games: GameSummary[] }>()
  if (listIds.length === 0) return previews
  const numbered = db
    .selectFrom('list_items')
    .select([
      'list_id',
      'game_id',
      sql<number>`count(*) over (partition by list_id)`.as('game_count'),
      sql<number>`row_number() over (partition by list_id order by position)`.as('item_number'),
    ])
    .where('list_id', 'in', listIds)
  const rows = await db
    .selectFrom(numbered.as('items'))
    .innerJoin('games', 'games.id', 'items.game_id')
    .select(['items.list_id', 'items.game_count', ...GAME_SUMMARY_COLUMNS])
    .where('items.item_number', '<=', PREVIEW_SIZE)
    .orderBy('items.list_id')
    .orderBy('items.item_number')
    .execute()
  for (const { list_id, game_count, ...game } of rows) {
    const preview = previews.get(list_id) ?? { count: Number(game_count), games: [] }
    preview.games.push(game)
    previews.set(list_id, preview)
  }
  return previews
}
