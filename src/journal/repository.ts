import type { ExpressionBuilder } from 'kysely'
import { setGameStatus, setRating } from '../actions/repository.js'
import { recordActivity } from '../activity/record.js'
import type { Db } from '../db/database.js'
import type { EntryType, Tables } from '../db/tables.js'
import { timestamp } from '../db/time.js'
import { notify, withdrawNotifications } from '../notifications/repository.js'
import type { Comment, Entry } from './schemas.js'

/** What a person writes in an entry, as stored. */
export interface EntryValues {
  played_on: string
  entry_type: EntryType
  platform: string | null
  review: string | null
  spoilers: boolean
  liked: boolean
  half_stars: number | null
  /** The playthrough the entry is about: one of the author's own, of the same game. */
  playthrough_id: number | null
}

/** The stored entry, without its presentation: enough to check ownership and apply an edit. */
export type EntryRecord = EntryValues & { id: number; user_id: number; game_id: number }

/** Entry types that mean the person has played the game (not merely started it). */
const PLAYED_TYPES: ReadonlySet<EntryType> = new Set(['finished', 'played', 'replayed', 'abandoned'])

/** An imported entry is history, not news: it is written without an activity (`logActivity: false`). */
export async function insertEntry(
  db: Db,
  userId: number,
  gameId: number,
  values: EntryValues,
  { logActivity = true }: { logActivity?: boolean } = {},
): Promise<number> {
  const now = timestamp()
  const { id } = await db
    .insertInto('journal_entries')
    .values({ ...values, user_id: userId, game_id: gameId, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  if (!logActivity) return id
  await recordActivity(db, {
    user_id: userId,
    type: activityTypeOf(values),
    game_id: gameId,
    entry_id: id,
    half_stars: values.half_stars,
  })
  return id
}

function activityTypeOf(entry: Pick<EntryValues, 'review'>): 'review' | 'journal' {
  return entry.review === null ? 'journal' : 'review'
}

export async function findEntryRecord(db: Db, entryId: number): Promise<EntryRecord | undefined> {
  const row = await db
    .selectFrom('journal_entries')
    .select(['id', 'user_id', 'game_id', 'played_on', 'entry_type', 'platform', 'review', 'spoilers', 'liked', 'half_stars', 'playthrough_id'])
    .where('id', '=', entryId)
    .executeTakeFirst()
  return row && { ...row, spoilers: !!row.spoilers, liked: !!row.liked }
}

/**
 * Writes an edit; the entry's activity follows it (a review again when it gains text, a plain entry when the
 * text goes) but keeps its time, so editing does not push old news to the top of feeds.
 */
export async function updateEntry(db: Db, entry: EntryRecord, changes: Partial<EntryValues>): Promise<void> {
  if (Object.keys(changes).length === 0) return
  await db
    .updateTable('journal_entries')
    .set({ ...changes, updated_at: timestamp() })
    .where('id', '=', entry.id)
    .execute()
  const updated = { ...entry, ...changes }
  await db
    .updateTable('activities')
    .set({ type: activityTypeOf(updated), half_stars: updated.half_stars })
    .where('entry_id', '=', entry.id)
    .where('type', 'in', ['journal', 'review'])
    .execute()
}

/** Its likes, comments and activities go with it (foreign keys cascade). */
export async function deleteEntry(db: Db, entryId: number): Promise<void> {
  await db.deleteFrom('journal_entries').where('id', '=', entryId).execute()
}

/**
 * Carries an entry into the person's library: its rating becomes their rating of the game, a liked entry
 * likes the game, and having played it (not merely started) marks it played. Only what `changes` sets is
 * carried, so an edit of other fields leaves the library alone. Run it in a transaction.
 */
export async function applyEntryToLibrary(
  db: Db,
  userId: number,
  gameId: number,
  changes: Partial<Pick<EntryValues, 'half_stars' | 'liked' | 'entry_type'>>,
): Promise<void> {
  const quietly = { logActivity: false }
  if (changes.half_stars != null) await setRating(db, userId, gameId, changes.half_stars, quietly)
  if (changes.liked === true) await setGameStatus(db, userId, gameId, 'liked', true, quietly)
  if (changes.entry_type !== undefined && PLAYED_TYPES.has(changes.entry_type)) {
    await setGameStatus(db, userId, gameId, 'played', true, quietly)
  }
}

/** Entries with their author, their game and their comment count: one query, whatever the page size. */
function selectEntries(db: Db, viewerId: number | undefined) {
  return db
    .selectFrom('journal_entries')
    .innerJoin('users', 'users.id', 'journal_entries.user_id')
    .innerJoin('games', 'games.id', 'journal_entries.game_id')
    .select([
      'journal_entries.id',
      'journal_entries.played_on',
      'journal_entries.entry_type',
      'journal_entries.platform',
      'journal_entries.review',
      'journal_entries.spoilers',
      'journal_entries.liked',
      'journal_entries.half_stars',
      'journal_entries.like_count',
      'journal_entries.playthrough_id',
      'journal_entries.created_at',
      'journal_entries.updated_at',
      'users.id as author_id',
      'users.username as author_username',
      'users.gravatar as author_gravatar',
      'games.id as game_id',
      'games.igdb as game_igdb',
      'games.name as game_name',
      'games.slug as game_slug',
      'games.cover_url as game_cover_url',
      (eb) =>
        eb
          .selectFrom('review_comments')
          .select((sub) => sub.fn.countAll<number>().as('n'))
          .whereRef('review_comments.entry_id', '=', 'journal_entries.id')
          .as('comment_count'),
    ])
    .$if(viewerId !== undefined, (query) =>
      query.select((eb) => likedBy(eb, viewerId as number).as('liked_by_me')),
    )
}

function likedBy(eb: ExpressionBuilder<Tables, 'journal_entries'>, userId: number) {
  return eb.exists(
    eb
      .selectFrom('review_likes')
      .select('review_likes.entry_id')
      .whereRef('review_likes.entry_id', '=', 'journal_entries.id')
      .where('review_likes.user_id', '=', userId),
  )
}

type EntryRow = Awaited<ReturnType<ReturnType<typeof selectEntries>['executeTakeFirstOrThrow']>>

function presentEntry(row: EntryRow): Entry {
  return {
    id: row.id,
    user: { id: row.author_id, username: row.author_username, gravatar: row.author_gravatar },
    game: { id: row.game_id, igdb: row.game_igdb, name: row.game_name, slug: row.game_slug, cover_url: row.game_cover_url },
    date: row.played_on,
    entry_type: row.entry_type,
    platform: row.platform,
    review: row.review,
    spoilers: !!row.spoilers,
    liked: !!row.liked,
    rating: row.half_stars === null ? null : row.half_stars / 2,
    like_count: row.like_count,
    comment_count: Number(row.comment_count ?? 0),
    playthrough: row.playthrough_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    ...(row.liked_by_me === undefined ? {} : { liked_by_me: !!row.liked_by_me }),
  }
}

export async function findEntry(db: Db, entryId: number, viewerId?: number): Promise<Entry | undefined> {
  const row = await selectEntries(db, viewerId).where('journal_entries.id', '=', entryId).executeTakeFirst()
  return row && presentEntry(row)
}

/**
 * A person's entries (or only their reviews), latest day first, then latest written; `after` is the last entry's
 * [date, id]. With a viewer, each entry says whether the viewer likes it.
 */
export async function findUserEntries(
  db: Db,
  userId: number,
  options: { limit: number; after: [date: string, id: number] | undefined; reviewsOnly?: boolean; viewerId?: number },
): Promise<Entry[]> {
  const { limit, after, reviewsOnly = false, viewerId } = options
  const rows = await selectEntries(db, viewerId)
    .where('journal_entries.user_id', '=', userId)
    .$if(reviewsOnly, (query) => query.where('journal_entries.review', 'is not', null))
    .$if(after !== undefined, (query) =>
      query.where((eb) =>
        eb(eb.refTuple('journal_entries.played_on', 'journal_entries.id'), '<', eb.tuple(...(after as [string, number]))),
      ),
    )
    .orderBy('journal_entries.played_on', 'desc')
    .orderBy('journal_entries.id', 'desc')
    .limit(limit)
    .execute()
  return rows.map(presentEntry)
}

export type ReviewSort = 'recent' | 'popular'

/** Where the previous page ended: [id] for recent, [like_count, id] for popular. */
export type ReviewsAfter = [id: number] | [likeCount: number, id: number]

/** The reviews of a game: newest first, or most liked first (newest first among equals). */
export async function findGameReviews(
  db: Db,
  gameId: number,
  options: { sort: ReviewSort; limit: number; after: ReviewsAfter | undefined; viewerId: number | undefined },
): Promise<Entry[]> {
  const { sort, limit, after, viewerId } = options
  let query = selectEntries(db, viewerId)
    .where('journal_entries.game_id', '=', gameId)
    .where('journal_entries.review', 'is not', null)
  if (sort === 'popular') {
    if (after) {
      const [likeCount, id] = after as [number, number]
      query = query.where((eb) =>
        eb(eb.refTuple('journal_entries.like_count', 'journal_entries.id'), '<', eb.tuple(likeCount, id)),
      )
    }
    query = query.orderBy('journal_entries.like_count', 'desc')
  } else if (after) {
    query = query.where('journal_entries.id', '<', after[0])
  }
  const rows = await query.orderBy('journal_entries.id', 'desc').limit(limit).execute()
  return rows.map(presentEntry)
}

export interface ReviewRef {
  id: number
  user_id: number
  game_id: number
}

/** The entry, when it is a review (has text): only reviews take new likes and comments. */
export async function findReview(db: Db, entryId: number): Promise<ReviewRef | undefined> {
  return db
    .selectFrom('journal_entries')
    .select(['id', 'user_id', 'game_id'])
    .where('id', '=', entryId)
    .where('review', 'is not', null)
    .executeTakeFirst()
}

/**
 * The entry when it is a review, or when it still has likes or comments from when it was one: they outlive the
 * text they answered (and show again with new text), so their authors can still read and remove them.
 */
export async function findReviewOrResponses(db: Db, entryId: number): Promise<ReviewRef | undefined> {
  return db
    .selectFrom('journal_entries')
    .select(['id', 'user_id', 'game_id'])
    .where('id', '=', entryId)
    .where((eb) =>
      eb.or([
        eb('review', 'is not', null),
        eb('like_count', '>', 0),
        eb.exists(eb.selectFrom('review_comments').select('review_comments.id').whereRef('review_comments.entry_id', '=', 'journal_entries.id')),
      ]),
    )
    .executeTakeFirst()
}

async function likeCountOf(db: Db, entryId: number): Promise<number> {
  const row = await db.selectFrom('journal_entries').select('like_count').where('id', '=', entryId).executeTakeFirstOrThrow()
  return row.like_count
}

/** Likes a review once, however often asked; the count moves only when a like is added. Run it in a transaction. */
export async function likeReview(db: Db, review: ReviewRef, userId: number): Promise<number> {
  const inserted = await db
    .insertInto('review_likes')
    .values({ entry_id: review.id, user_id: userId, created_at: timestamp() })
    .onConflict((oc) => oc.columns(['entry_id', 'user_id']).doNothing())
    .returning('entry_id')
    .executeTakeFirst()
  if (!inserted) return likeCountOf(db, review.id)
  await recordActivity(db, { user_id: userId, type: 'review_like', game_id: review.game_id, entry_id: review.id })
  await notify(db, { user_id: review.user_id, actor_id: userId, kind: 'review_like', entry_id: review.id })
  return changeLikeCount(db, review.id, 1)
}

/** Takes a like back (nothing to do when there was none). Run it in a transaction. */
export async function unlikeReview(db: Db, review: ReviewRef, userId: number): Promise<number> {
  const { numDeletedRows } = await db
    .deleteFrom('review_likes')
    .where('entry_id', '=', review.id)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  if (numDeletedRows === 0n) return likeCountOf(db, review.id)
  await db
    .deleteFrom('activities')
    .where('user_id', '=', userId)
    .where('type', '=', 'review_like')
    .where('entry_id', '=', review.id)
    .execute()
  await withdrawNotifications(db, { user_id: review.user_id, actor_id: userId, kind: 'review_like', entry_id: review.id })
  return changeLikeCount(db, review.id, -1)
}

async function changeLikeCount(db: Db, entryId: number, by: 1 | -1): Promise<number> {
  const row = await db
    .updateTable('journal_entries')
    .set((eb) => ({ like_count: eb('like_count', '+', by) }))
    .where('id', '=', entryId)
    .returning('like_count')
    .executeTakeFirstOrThrow()
  return row.like_count
}

function selectComments(db: Db) {
  return db
    .selectFrom('review_comments')
    .innerJoin('users', 'users.id', 'review_comments.user_id')
    .select([
      'review_comments.id',
      'review_comments.body',
      'review_comments.created_at',
      'users.id as author_id',
      'users.username as author_username',
      'users.gravatar as author_gravatar',
    ])
}

type CommentRow = Awaited<ReturnType<ReturnType<typeof selectComments>['executeTakeFirstOrThrow']>>

export function presentComment(row: CommentRow): Comment {
  return {
    id: row.id,
    user: { id: row.author_id, username: row.author_username, gravatar: row.author_gravatar },
    body: row.body,
    created_at: row.created_at,
  }
}

/** A review's comments, oldest first; `afterId` is the last comment of the previous page. */
export async function findComments(db: Db, entryId: number, limit: number, afterId: number | undefined): Promise<Comment[]> {
  const rows = await selectComments(db)
    .where('review_comments.entry_id', '=', entryId)
    .$if(afterId !== undefined, (query) => query.where('review_comments.id', '>', afterId as number))
    .orderBy('review_comments.id')
    .limit(limit)
    .execute()
  return rows.map(presentComment)
}

/** Comments on a review and tells its author. Run it in a transaction. */
export async function insertComment(db: Db, review: ReviewRef, userId: number, body: string): Promise<Comment> {
  const { id } = await db
    .insertInto('review_comments')
    .values({ entry_id: review.id, user_id: userId, body, created_at: timestamp() })
    .returning('id')
    .executeTakeFirstOrThrow()
  await notify(db, { user_id: review.user_id, actor_id: userId, kind: 'review_comment', entry_id: review.id, comment_id: id })
  return presentComment(await selectComments(db).where('review_comments.id', '=', id).executeTakeFirstOrThrow())
}

export async function findCommentAuthor(db: Db, entryId: number, commentId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('review_comments')
    .select('user_id')
    .where('id', '=', commentId)
    .where('entry_id', '=', entryId)
    .executeTakeFirst()
  return row?.user_id
}

/** Deletes a comment on a review and the notification of it. Run it in a transaction. */
export async function deleteComment(db: Db, review: ReviewRef, commentId: number): Promise<void> {
  await db.deleteFrom('review_comments').where('id', '=', commentId).execute()
  await withdrawNotifications(db, { user_id: review.user_id, kind: 'review_comment', comment_id: commentId })
}
