import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthHooks } from '../auth/authenticate.js'
import { sessionOf } from '../auth/authenticate.js'
import type { Db } from '../db/database.js'
import { sendJsonBytes } from '../http/answer-cache.js'
import { decodeCursor } from '../http/cursor.js'
import { notFound } from '../http/errors.js'
import { errorResponses } from '../http/schemas.js'
import { UsernameParams } from '../users/schemas.js'
import { createFeedReads } from './feed.js'
import { ActivityPage, ActivityQuery } from './schemas.js'
import { createUserActivityReads } from './user-activity.js'

const tags = ['activity']

/** The id of the last activity shown, from a cursor of the feed or of someone's activity. */
const beforeOf = (cursor: string | undefined) => decodeCursor<[number]>(cursor, ['number'])?.[0]

/** `reads`: the read replica, or the primary without one. */
export const activityRoutes: FastifyPluginAsyncTypebox<{ reads: Db; auth: AuthHooks }> = async (app, { reads, auth }) => {
  const feed = createFeedReads(reads)
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
        response: { 200: ActivityPage, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { cursor, limit } = request.query
      return sendJsonBytes(reply, await feed.findFeedPageJson(sessionOf(request).user.id, beforeOf(cursor), limit))
    },
  )

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
