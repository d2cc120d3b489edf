import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthHooks } from '../auth/authenticate.js'
import { sessionOf } from '../auth/authenticate.js'
import type { Db } from '../db/database.js'
import { andThen } from '../db/prepared.js'
import type { Config } from '../config.js'
import { createVersionedAnswers, sendJsonBytes } from '../http/answer-cache.js'
import { decodeCursor, DEFAULT_PAGE_LIMIT } from '../http/cursor.js'
import type { FastReads } from '../http/fast-reads.js'
import { notFound } from '../http/errors.js'
import { errorResponses, NotModified } from '../http/schemas.js'
import { UsernameParams } from '../users/schemas.js'
import { createFeedReads } from './feed.js'
import { ActivityPage, ActivityQuery } from './schemas.js'
import { createUserActivityReads } from './user-activity.js'

const tags = ['activity']

/** The id of the last activity shown, from a cursor of the feed or of someone's activity. */
const beforeOf = (cursor: string | undefined) => decodeCursor<[number]>(cursor, ['number'])?.[0]

/** Which of a reader's feed pages a kept answer is: the page as asked for. */
const feedPart = (cursor: string | undefined, limit: number) => `${cursor ?? ''}:${limit}`

/** `reads`: the read replica, or the primary without one. */
export const activityRoutes: FastifyPluginAsyncTypebox<{ reads: Db; config: Config; auth: AuthHooks; fastReads: FastReads }> = async (
  app,
  { reads, config, auth, fastReads },
) => {
  const feed = createFeedReads(reads)
  /** Feed pages, kept serialized by reader, page and version: each is one reader's own (private, never shared). */
  const feedPages = createVersionedAnswers<null, number>({ kind: 'feed', schema: ActivityPage, maxBytes: config.answerCacheBytes, viewerFields: () => ({}) })
  const userActivity = createUserActivityReads(reads)
  app.get(
    '/api/feed/',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security: [{ token: [] }],
        summary: 'What the people you follow did, newest first',
        querystring: ActivityQuery,
        response: { 200: ActivityPage, 304: NotModified, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { cursor, limit } = request.query
      const readerId = sessionOf(request).user.id
      const version = await feed.findFeedVersion(readerId)
      // No version: a reader the replica does not have yet (just signed up).
      if (version === undefined) return sendJsonBytes(reply, await feed.findFeedPageJson(readerId, beforeOf(cursor), limit))
      return feedPages.send(request, reply, { id: readerId, version, viewer: readerId, part: feedPart(cursor, limit) }, async () => ({
        id: readerId,
        json: await feed.findFeedPageJson(readerId, beforeOf(cursor), limit),
        data: null,
      }))
    },
  )
  fastReads.get('/api/feed/', ({ session, headers }) => {
    if (!session) return undefined
    const readerId = session.user.id
    return andThen(feed.findFeedVersion(readerId), (version) =>
      version === undefined ? undefined : feedPages.kept(headers['if-none-match'], { id: readerId, version, viewer: readerId, part: feedPart(undefined, DEFAULT_PAGE_LIMIT) }),
    )
  })

  app.get(
    '/api/activity/user/:username',
    {
      schema: {
        tags,
        summary: 'What a person did, newest first: played, liked, rated, reviewed, listed, followed…',
        description: 'The items of the feed, for one person: what their followers see of them.',
        params: UsernameParams,
        querystring: ActivityQuery,
        response: { 200: ActivityPage, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { cursor, limit } = request.query
      const page = await userActivity.findUserActivityPageJson(request.params.username, beforeOf(cursor), limit)
      if (page === undefined) throw notFound()
      return sendJsonBytes(reply, page)
    },
  )
}
