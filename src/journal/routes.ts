import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthHooks } from '../auth/authenticate.js'
import { sessionOf } from '../auth/authenticate.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { dropUnusedProvisionalGames } from '../games/provisional.js'
import { GameParams } from '../games/schemas.js'
import { findGameIdByIdOrSlug, resolveGameId } from '../games/repository.js'
import { decodeCursor, Page, pageOf } from '../http/cursor.js'
import { forbidden, notFound } from '../http/errors.js'
import { errorResponses, NoContent, tokenSecurity } from '../http/schemas.js'
import { requireOwnPlaythrough } from '../playthroughs/repository.js'
import { UsernameParams } from '../users/schemas.js'
import { requireUserIdByUsername } from '../users/repository.js'
import { entryChangesOf, entryValuesOf, requireCommentText } from './input.js'
import {
  applyEntryToLibrary,
  deleteComment,
  deleteEntry,
  findCommentAuthor,
  findComments,
  findEntry,
  findEntryRecord,
  findGameReviews,
  findReview,
  findReviewOrResponses,
  findUserEntries,
  insertComment,
  insertEntry,
  likeReview,
  unlikeReview,
  updateEntry,
  type ReviewsAfter,
} from './repository.js'
import {
  Comment,
  CommentBody,
  CommentParams,
  Entry,
  EntryCreateBody,
  EntryParams,
  EntryUpdateBody,
  LikeResult,
  PageQuery,
  ReviewsQuery,
} from './schemas.js'

export interface JournalRoutesOptions {
  db: Db
  /** The read replica, or `db` without one. */
  reads: Db
  config: Config
  auth: AuthHooks
}

const journalTags = ['journal']
const reviewTags = ['reviews']
const security = tokenSecurity
/** A 20,000-character review can take 80 KB in UTF-8, beyond the usual 64 KiB body limit. */
const ENTRY_BODY_LIMIT = 256 * 1024

function found<T>(value: T | undefined): T {
  if (value === undefined) throw notFound()
  return value
}

export const journalRoutes: FastifyPluginAsyncTypebox<JournalRoutesOptions> = async (app, { db, reads, config, auth }) => {
  app.post(
    '/api/actions/journal/',
    {
      onRequest: auth.requireUser,
      bodyLimit: ENTRY_BODY_LIMIT,
      schema: {
        tags: journalTags,
        security,
        summary: 'Log a game in your journal; with review text the entry is a review',
        description:
          'A rating also becomes your rating of the game, `liked` likes the game, and an entry of type finished, ' +
          'played, replayed or abandoned marks the game played (and takes it off your backlog). `playthrough` names ' +
          'the playthrough the entry is about: one of your own, of the same game.',
        body: EntryCreateBody,
        response: { 201: Entry, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      const values = entryValuesOf(request.body)
      const entry = await db.transaction().execute(async (trx) => {
        const gameId = await resolveGameId(trx, request.body, { userId: user.id, limits: config.newGames })
        if (values.playthrough_id !== null) await requireOwnPlaythrough(trx, user.id, gameId, values.playthrough_id)
        await applyEntryToLibrary(trx, user.id, gameId, values)
        const entryId = await insertEntry(trx, user.id, gameId, values)
        return found(await findEntry(trx, entryId))
      })
      return reply.code(201).send(entry)
    },
  )

  app.patch(
    '/api/actions/journal/:id',
    {
      onRequest: auth.requireUser,
      bodyLimit: ENTRY_BODY_LIMIT,
      schema: {
        tags: journalTags,
        security,
        summary: 'Edit one of your journal entries (any field but the game)',
        params: EntryParams,
        body: EntryUpdateBody,
        response: { 200: Entry, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const user = sessionOf(request).user
      const changes = entryChangesOf(request.body)
      return db.transaction().execute(async (trx) => {
        const entry = found(await findEntryRecord(trx, request.params.id))
        if (entry.user_id !== user.id) throw forbidden()
        if (changes.playthrough_id != null) await requireOwnPlaythrough(trx, user.id, entry.game_id, changes.playthrough_id)
        await applyEntryToLibrary(trx, user.id, entry.game_id, changes)
        await updateEntry(trx, entry, changes)
        return found(await findEntry(trx, entry.id))
      })
    },
  )

  app.delete(
    '/api/actions/journal/:id',
    {
      onRequest: auth.requireUser,
      schema: {
        tags: journalTags,
        security,
        summary: 'Delete one of your journal entries, with its likes and comments',
        params: EntryParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      await db.transaction().execute(async (trx) => {
        const entry = found(await findEntryRecord(trx, request.params.id))
        if (entry.user_id !== user.id) throw forbidden()
        await deleteEntry(trx, entry.id)
        await dropUnusedProvisionalGames(trx, [entry.game_id])
      })
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/users/profile/:username/activity',
    {
      schema: {
        tags: journalTags,
        summary: "A person's journal, latest day first",
        params: UsernameParams,
        querystring: PageQuery,
        response: { 200: Page(Entry), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query
      const after = decodeCursor<[string, number]>(cursor, ['string', 'number'])
      const userId = await requireUserIdByUsername(reads, request.params.username)
      const entries = await findUserEntries(reads, userId, { limit: limit + 1, after })
      return pageOf(entries, limit, (last) => [last.date, last.id])
    },
  )

  app.get(
    '/api/users/:username/reviews',
    {
      onRequest: auth.optionalUser,
      schema: {
        tags: reviewTags,
        summary: "A person's reviews (journal entries with text), latest day first",
        description: 'With a token, each review says whether you like it (`liked_by_me`).',
        params: UsernameParams,
        querystring: PageQuery,
        response: { 200: Page(Entry), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query
      const after = decodeCursor<[string, number]>(cursor, ['string', 'number'])
      const userId = await requireUserIdByUsername(reads, request.params.username)
      const viewerId = request.session?.user.id
      const entries = await findUserEntries(reads, userId, { limit: limit + 1, after, reviewsOnly: true, viewerId })
      return pageOf(entries, limit, (last) => [last.date, last.id])
    },
  )

  app.get(
    '/api/games/:idOrSlug/reviews',
    {
      onRequest: auth.optionalUser,
      schema: {
        tags: reviewTags,
        summary: "A game's reviews, newest or most liked first",
        description: 'Spoiler reviews come with `spoilers: true` and their text: clients hide it behind a warning.',
        params: GameParams,
        querystring: ReviewsQuery,
        response: { 200: Page(Entry), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { sort, limit, cursor } = request.query
      const after = decodeCursor<ReviewsAfter>(cursor, sort === 'popular' ? ['number', 'number'] : ['number'])
      const gameId = found(await findGameIdByIdOrSlug(reads, request.params.idOrSlug))
      const viewerId = request.session?.user.id
      const reviews = await findGameReviews(reads, gameId, { sort, limit: limit + 1, after, viewerId })
      return pageOf(reviews, limit, (last) => (sort === 'popular' ? [last.like_count, last.id] : [last.id]))
    },
  )

  const likeRoute = (summary: string) => ({
    onRequest: auth.requireUser,
    schema: {
      tags: reviewTags,
      security,
      summary,
      params: EntryParams,
      response: { 200: LikeResult, ...errorResponses(400, 401, 404) },
    },
  })

  app.post('/api/reviews/:id/like', likeRoute('Like a review (once, however often asked)'), async (request) => {
    const user = sessionOf(request).user
    return db.transaction().execute(async (trx) => {
      const review = found(await findReview(trx, request.params.id))
      return { review: review.id, liked: true, like_count: await likeReview(trx, review, user.id) }
    })
  })

  app.delete('/api/reviews/:id/like', likeRoute('Take back your like of a review'), async (request) => {
    const user = sessionOf(request).user
    return db.transaction().execute(async (trx) => {
      const review = found(await findReviewOrResponses(trx, request.params.id))
      return { review: review.id, liked: false, like_count: await unlikeReview(trx, review, user.id) }
    })
  })

  app.get(
    '/api/reviews/:id/comments',
    {
      schema: {
        tags: reviewTags,
        summary: "A review's comments, oldest first",
        params: EntryParams,
        querystring: PageQuery,
        response: { 200: Page(Comment), ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query
      const after = decodeCursor<[number]>(cursor, ['number'])
      const review = found(await findReviewOrResponses(reads, request.params.id))
      const comments = await findComments(reads, review.id, limit + 1, after?.[0])
      return pageOf(comments, limit, (last) => [last.id])
    },
  )

  app.post(
    '/api/reviews/:id/comments',
    {
      onRequest: auth.requireUser,
      schema: {
        tags: reviewTags,
        security,
        summary: 'Comment on a review',
        params: EntryParams,
        body: CommentBody,
        response: { 201: Comment, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      const { body } = request.body
      requireCommentText(body)
      const comment = await db.transaction().execute(async (trx) => {
        const review = found(await findReview(trx, request.params.id))
        return insertComment(trx, review, user.id, body)
      })
      return reply.code(201).send(comment)
    },
  )

  app.delete(
    '/api/reviews/:id/comments/:commentId',
    {
      onRequest: auth.requireUser,
      schema: {
        tags: reviewTags,
        security,
        summary: "Delete a comment: your own, or anyone's on your review",
        params: CommentParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      const { id, commentId } = request.params
      await db.transaction().execute(async (trx) => {
        const review = found(await findReviewOrResponses(trx, id))
        const authorId = found(await findCommentAuthor(trx, review.id, commentId))
        if (authorId !== user.id && review.user_id !== user.id) throw forbidden()
        await deleteComment(trx, review, commentId)
      })
      return reply.code(204).send(null)
    },
  )
}
