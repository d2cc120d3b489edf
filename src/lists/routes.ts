import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { recordActivity } from '../activity/record.js'
import type { AuthHooks } from '../auth/authenticate.js'
import { sessionOf } from '../auth/authenticate.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { dropUnusedProvisionalGames, findProvisionalGamesOfList, type GameAdder } from '../games/provisional.js'
import { decodeCursor, Page, pageOf } from '../http/cursor.js'
import { forbidden, notFound } from '../http/errors.js'
import { errorResponses, NoContent, tokenSecurity } from '../http/schemas.js'
import { requireUserIdByUsername } from '../users/repository.js'
import { requireCommentText } from '../journal/input.js'
import { Comment, CommentBody, PageQuery } from '../journal/schemas.js'
import { listIdOf } from './input.js'
import {
  deleteList,
  findList,
  findUserLists,
  insertList,
  replaceListEntries,
  resolveListEntries,
  summarizeLists,
  touchList,
  updateListFields,
  type ListFields,
} from './repository.js'
import {
  CreateListBody,
  ListCommentParams,
  ListDetail,
  ListLikeResult,
  ListParams,
  ListSummary,
  UpdateListBody,
  UserListsParams,
  UserListsQuery,
} from './schemas.js'
import {
  deleteListComment,
  findListCommentAuthor,
  findListComments,
  findListRef,
  insertListComment,
  likeList,
  unlikeList,
} from './social.js'

export interface ListsRoutesOptions {
  db: Db
  /** The read replica, or `db` without one. */
  reads: Db
  config: Config
  auth: AuthHooks
}

const tags = ['lists']
const security = tokenSecurity
/** A list of 1,000 games with notes outgrows the usual 64 KiB body limit. */
const LIST_BODY_LIMIT = 1024 * 1024

async function findListOrThrow(db: Db, listId: number, viewerId?: number): Promise<ListDetail> {
  const list = await findList(db, listId, viewerId)
  if (!list) throw notFound()
  return list
}

function found<T>(value: T | undefined): T {
  if (value === undefined) throw notFound()
  return value
}

/** Only the owner may change a list: 404 when there is none, 403 when it is someone else's. */
function requireOwner(ownerId: number | undefined, userId: number): void {
  if (ownerId === undefined) throw notFound()
  if (ownerId !== userId) throw forbidden()
}

/** The list fields an edit sets; an empty description clears it. */
function fieldChanges(body: UpdateListBody): Partial<ListFields> {
  const changes: Partial<ListFields> = {}
  if (body.title !== undefined) changes.title = body.title.trim()
  if (body.description !== undefined) changes.description = body.description || null
  if (body.ranked !== undefined) changes.ranked = body.ranked
  return changes
}

export const listsRoutes: FastifyPluginAsyncTypebox<ListsRoutesOptions> = async (app, { db, reads, config, auth }) => {
  const adderOf = (userId: number): GameAdder => ({ userId, limits: config.newGames })

  app.post(
    '/api/lists/',
    {
      onRequest: auth.requireUser,
      bodyLimit: LIST_BODY_LIMIT,
      schema: {
        tags,
        security,
        summary: 'Make a list of games, optionally ranked, with a note on each',
        body: CreateListBody,
        response: { 201: ListDetail, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      const { title, description, ranked, games } = request.body
      const list = await db.transaction().execute(async (trx) => {
        const entries = await resolveListEntries(trx, games, adderOf(user.id))
        const listId = await insertList(trx, user.id, { title: title.trim(), description: description || null, ranked })
        await replaceListEntries(trx, listId, entries)
        await recordActivity(trx, { user_id: user.id, type: 'list', list_id: listId })
        return findListOrThrow(trx, listId)
      })
      return reply.code(201).send(list)
    },
  )

  app.get(
    '/api/lists/:id',
    {
      onRequest: auth.optionalUser,
      schema: {
        tags,
        summary: 'A list with all its games, in order',
        description: 'With a token, says whether you like the list (`liked_by_me`).',
        params: ListParams,
        response: { 200: ListDetail, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const listId = listIdOf(request.params.id)
      // The list and its games read in one snapshot, so an edit committed between the two reads cannot tear them.
      return reads
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute((trx) => findListOrThrow(trx, listId, request.session?.user.id))
    },
  )

  app.patch(
    '/api/lists/:id',
    {
      onRequest: auth.requireUser,
      bodyLimit: LIST_BODY_LIMIT,
      schema: {
        tags,
        security,
        summary: 'Edit your list; "games" replaces all its games, in the order given',
        params: ListParams,
        body: UpdateListBody,
        response: { 200: ListDetail, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const user = sessionOf(request).user
      const listId = listIdOf(request.params.id)
      return db.transaction().execute(async (trx) => {
        requireOwner(await touchList(trx, listId), user.id)
        if (request.body.games !== undefined) {
          const listed = await findProvisionalGamesOfList(trx, listId)
          await replaceListEntries(trx, listId, await resolveListEntries(trx, request.body.games, adderOf(user.id)))
          await dropUnusedProvisionalGames(trx, listed)
        }
        await updateListFields(trx, listId, fieldChanges(request.body))
        return findListOrThrow(trx, listId)
      })
    },
  )

  app.delete(
    '/api/lists/:id',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Delete your list',
        params: ListParams,
        response: { 204: NoContent, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const listId = listIdOf(request.params.id)
      await db.transaction().execute(async (trx) => {
        requireOwner((await findListRef(trx, listId))?.user_id, sessionOf(request).user.id)
        const listed = await findProvisionalGamesOfList(trx, listId)
        await deleteList(trx, listId)
        await dropUnusedProvisionalGames(trx, listed)
      })
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/users/:username/lists',
    {
      onRequest: auth.optionalUser,
      schema: {
        tags,
        summary: "A user's lists, newest first, each with its number of games, its first few, and its likes and comments",
        params: UserListsParams,
        querystring: UserListsQuery,
        response: { 200: Page(ListSummary), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { cursor, limit } = request.query
      const beforeId = decodeCursor<[number]>(cursor, ['number'])?.[0]
      const userId = await requireUserIdByUsername(reads, request.params.username)
      const page = pageOf(await findUserLists(reads, userId, beforeId, limit + 1), limit, (list) => [list.id])
      return { ...page, results: await summarizeLists(reads, page.results) }
    },
  )
  const likeRoute = (summary: string) => ({
    onRequest: auth.requireUser,
    schema: { tags, security, summary, params: ListParams, response: { 200: ListLikeResult, ...errorResponses(401, 404) } },
  })

  app.post('/api/lists/:id/like', likeRoute('Like a list (once, however often asked)'), async (request) => {
    const userId = sessionOf(request).user.id
    return db.transaction().execute(async (trx) => {
      const list = found(await findListRef(trx, listIdOf(request.params.id)))
      return { list: list.id, liked: true, like_count: await likeList(trx, list, userId) }
    })
  })

  app.delete('/api/lists/:id/like', likeRoute('Take back your like of a list'), async (request) => {
    const userId = sessionOf(request).user.id
    return db.transaction().execute(async (trx) => {
      const list = found(await findListRef(trx, listIdOf(request.params.id)))
      return { list: list.id, liked: false, like_count: await unlikeList(trx, list, userId) }
    })
  })

  app.get(
    '/api/lists/:id/comments',
    {
      schema: {
        tags,
        summary: "A list's comments, oldest first",
        params: ListParams,
        querystring: PageQuery,
        response: { 200: Page(Comment), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query
      const afterId = decodeCursor<[number]>(cursor, ['number'])?.[0]
      const list = found(await findListRef(reads, listIdOf(request.params.id)))
      return pageOf(await findListComments(reads, list.id, limit + 1, afterId), limit, (last) => [last.id])
    },
  )

  app.post(
    '/api/lists/:id/comments',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Comment on a list',
        params: ListParams,
        body: CommentBody,
        response: { 201: Comment, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const userId = sessionOf(request).user.id
      requireCommentText(request.body.body)
      const comment = await db.transaction().execute(async (trx) => {
        const list = found(await findListRef(trx, listIdOf(request.params.id)))
        return insertListComment(trx, list, userId, request.body.body)
      })
      return reply.code(201).send(comment)
    },
  )

  app.delete(
    '/api/lists/:id/comments/:commentId',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: "Delete a comment: your own, or anyone's on your list",
        params: ListCommentParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const userId = sessionOf(request).user.id
      await db.transaction().execute(async (trx) => {
        const list = found(await findListRef(trx, listIdOf(request.params.id)))
        const authorId = found(await findListCommentAuthor(trx, list.id, request.params.commentId))
        if (authorId !== userId && list.user_id !== userId) throw forbidden()
        await deleteListComment(trx, list, request.params.commentId)
      })
      return reply.code(204).send(null)
    },
  )
}
