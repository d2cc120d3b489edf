import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { createVersionedAnswers } from '../http/answer-cache.js'
import { decodeCursor } from '../http/cursor.js'
import { notFound } from '../http/errors.js'
import { errorResponses, NotModified } from '../http/schemas.js'
import { UsernameParams } from '../users/schemas.js'
import { createUserVersionRead } from '../users/versions.js'
import { createLibraryReads } from './repository.js'
import { LibraryPage, LibraryQuery, RatingsPage, RatingsQuery } from './schemas.js'

const tags = ['library']

/**
 * Public, paginated reads of a person's games: for libraries too big to come whole with the profile. `reads`: the
 * read replica, or the primary without one.
 */
export const libraryRoutes: FastifyPluginAsyncTypebox<{ reads: Db; config: Config }> = async (app, { reads, config }) => {
  const library = createLibraryReads(reads)
  const findUserVersion = createUserVersionRead(reads)
  // A person's lists change their version (migration 0008): their pages are kept serialized under it.
  const libraryPages = createVersionedAnswers<null, never>({
    kind: 'l',
    schema: LibraryPage,
    maxBytes: config.answerCacheBytes,
    viewerFields: () => ({}),
  })
  const cursorOf = (cursor: string | undefined) => decodeCursor<[string, number]>(cursor, ['timestamp', 'number'])

  app.get(
    '/api/users/:username/games',
    {
      schema: {
        tags,
        summary: "One of a person's lists (played, liked, backlog, wishlist), newest first, a page at a time",
        params: UsernameParams,
        querystring: LibraryQuery,
        response: { 200: LibraryPage, 304: NotModified, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { status, cursor, limit } = request.query
      const after = cursorOf(cursor)
      const head = await findUserVersion(request.params.username)
      if (!head) throw notFound()
      const part = `${status}:${limit}:${cursor ?? ''}`
      return libraryPages.send(request, reply, { ...head, viewer: undefined, part }, async () => {
        const found = await library.findLibraryPage(request.params.username, status, after, limit)
        return found && { id: found.userId, publicAnswer: found.page, data: null }
      })
    },
  )

  app.get(
    '/api/users/profile/:username/ratings',
    {
      schema: {
        tags,
        summary: "A person's ratings, most recent first, a page at a time",
        params: UsernameParams,
        querystring: RatingsQuery,
        response: { 200: RatingsPage, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { cursor, limit } = request.query
      const page = await library.findRatingsPage(request.params.username, cursorOf(cursor), limit)
      if (!page) throw notFound()
      return page
    },
  )
}
