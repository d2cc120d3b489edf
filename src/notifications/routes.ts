import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthHooks } from '../auth/authenticate.js'
import { sessionOf } from '../auth/authenticate.js'
import type { Db } from '../db/database.js'
import { decodeCursor, Page, pageOf } from '../http/cursor.js'
import { errorResponses, tokenSecurity } from '../http/schemas.js'
import { countUnread, findNotifications, markRead } from './repository.js'
import { Notification, NotificationsQuery, ReadBody, UnreadCount } from './schemas.js'

export interface NotificationsRoutesOptions {
  db: Db
  auth: AuthHooks
}

const tags = ['notifications']
const security = tokenSecurity

/**
 * Read from the primary, not the replica: a person who has just marked their notifications read must not see
 * them come back unread from a replica a little behind.
 */
export const notificationsRoutes: FastifyPluginAsyncTypebox<NotificationsRoutesOptions> = async (app, { db, auth }) => {
  app.get(
    '/api/notifications/',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Your notifications, newest first, those about one thing grouped into one item',
        description:
          'Follows, and likes and comments on your reviews and lists, by other people. Unread notifications of one ' +
          'kind about one thing (a review, a list; you, for follows) make one item, and so do read ones.',
        querystring: NotificationsQuery,
        response: { 200: Page(Notification), ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { cursor, limit } = request.query
      const beforeId = decodeCursor<[number]>(cursor, ['number'])?.[0]
      const notifications = await findNotifications(db, sessionOf(request).user.id, beforeId, limit + 1)
      return pageOf(notifications, limit, (last) => [last.id])
    },
  )

  app.get(
    '/api/notifications/unread-count',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'How many unread items your notifications make: cheap enough to poll',
        response: { 200: UnreadCount, ...errorResponses(401) },
      },
    },
    async (request) => ({ unread: await countUnread(db, sessionOf(request).user.id) }),
  )

  app.post(
    '/api/notifications/read',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Mark your notifications read: all of them, or those up to an id',
        description: 'Later notifications stay unread. Answers how many unread items are left.',
        body: ReadBody,
        response: { 200: UnreadCount, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const userId = sessionOf(request).user.id
      return db.transaction().execute(async (trx) => {
        await markRead(trx, userId, request.body.up_to)
        return { unread: await countUnread(trx, userId) }
      })
    },
  )
}
