import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthHooks } from '../auth/authenticate.js'
import { sessionOf } from '../auth/authenticate.js'
import type { Db } from '../db/database.js'
import { sendJsonBytes } from '../http/answer-cache.js'
import { decodeCursor } from '../http/cursor.js'
import { errorResponses } from '../http/schemas.js'
import { createFeedReads } from './feed.js'
import { FeedPage, FeedQuery } from './schemas.js'

/** `reads`: the read replica, or the primary without one. */
export const activityRoutes: FastifyPluginAsyncTypebox<{ reads: Db; auth: AuthHooks }> = async (app, { reads, auth }) => {
  const feed = createFeedReads(reads)
  app.get(
    '/api/feed/',
    {
      onRequest: auth.requireUser,
      schema: {
        tags: ['activity'],
        security: [{ token: [] }],
        summary: 'What the people you follow did, newest first',
        querystring: FeedQuery,
        response: { 200: FeedPage, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const { cursor, limit } = request.query
      const before = decodeCursor<[number]>(cursor, ['number'])?.[0]
      return sendJsonBytes(reply, await feed.findFeedPageJson(sessionOf(request).user.id, before, limit))
    },
  )
}
