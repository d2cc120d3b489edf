import type { Db } from '../db/database.js'
import { timestamp } from '../db/time.js'
import { presentComment } from '../journal/repository.js'
import type { Comment } from '../journal/schemas.js'
import { notify, withdrawNotifications } from '../notifications/repository.js'

/** What liking or commenting on a list needs to know of it. */
export interface ListRef {
  id: number
  user_id: number
}

export async function findListRef(db: Db, listId: number): Promise<ListRef | undefined> {
  return db.selectFrom('lists').select(['id', 'user_id']).where('id', '=', listId).executeTakeFirst()
}

async function likeCountOf(db: Db, listId: number): Promise<number> {
  const row = await db.selectFrom('lists').select('like_count').where('id', '=', listId).executeTakeFirstOrThrow()
  return row.like_count
}

async function changeLikeCount(db: Db, listId: number, by: 1 | -1): Promise<number> {
  const row = await db
    .updateTable('lists')
    .set((eb) => ({ like_count: eb('like_count', '+', by) }))
    .where('id', '=', listId)
    .returning('like_count')
    .executeTakeFirstOrThrow()
  return row.like_count
}

/** Likes a list once, however often asked; the count moves and its owner hears of it only when a like is added. */
export async function likeList(db: Db, list: ListRef, userId: number): Promise<number> {
  const inserted = await db
    .insertInto('list_likes')
    .values({ list_id: list.id, user_id: userId, created_at: timestamp() })
    .onConflict((oc) => oc.columns(['list_id', 'user_id']).doNothing())
    .returning('list_id')
    .executeTakeFirst()
  if (!inserted) return likeCountOf(db, list.id)
  await notify(db, { user_id: list.user_id, actor_id: userId, kind: 'list_like', list_id: list.id })
  return changeLikeCount(db, list.id, 1)
}

/** Takes a like back, and its notification (nothing to do when there was none). Run it in a transaction. */
export async function unlikeList(db: Db, list: ListRef, userId: number): Promise<number> {
  const { numDeletedRows } = await db
    .deleteFrom('list_likes')
    .where('list_id', '=', list.id)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  if (numDeletedRows === 0n) return likeCountOf(db, list.id)
  await withdrawNotifications(db, { user_id: list.user_id, actor_id: userId, kind: 'list_like', list_id: list.id })
  return changeLikeCount(db, list.id, -1)
}

function selectListComments(db: Db) {
  return db
    .selectFrom('list_comments')
    .innerJoin('users', 'users.id', 'list_comments.user_id')
    .select([
      'list_comments.id',
      'list_comments.body',
      'list_comments.created_at',
      'users.id as author_id',
      'users.username as author_username',
      'users.gravatar as author_gravatar',
    ])
}

/** A list's comments, oldest first; `afterId` is the last comment of the previous page. */
export async function findListComments(db: Db, listId: number, limit: number, afterId: number | undefined): Promise<Comment[]> {
  const rows = await selectListComments(db)
    .where('list_comments.list_id', '=', listId)
    .$if(afterId !== undefined, (query) => query.where('list_comments.id', '>', afterId as number))
    .orderBy('list_comments.id')
    .limit(limit)
    .execute()
  return rows.map(presentComment)
}

/** Comments on a list and tells its owner. Run it in a transaction. */
export async function insertListComment(db: Db, list: ListRef, userId: number, body: string): Promise<Comment> {
  const { id } = await db
    .insertInto('list_comments')
    .values({ list_id: list.id, user_id: userId, body, created_at: timestamp() })
    .returning('id')
    .executeTakeFirstOrThrow()
  await notify(db, { user_id: list.user_id, actor_id: userId, kind: 'list_comment', list_id: list.id, comment_id: id })
  return presentComment(await selectListComments(db).where('list_comments.id', '=', id).executeTakeFirstOrThrow())
}

export async function findListCommentAuthor(db: Db, listId: number, commentId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('list_comments')
    .select('user_id')
    .where('id', '=', commentId)
    .where('list_id', '=', listId)
    .executeTakeFirst()
  return row?.user_id
}

/** Deletes a comment on a list and the notification of it. Run it in a transaction. */
export async function deleteListComment(db: Db, list: ListRef, commentId: number): Promise<void> {
  await db.deleteFrom('list_comments').where('id', '=', commentId).execute()
  await withdrawNotifications(db, { user_id: list.user_id, kind: 'list_comment', comment_id: commentId })
}
