import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../db/database.js'
import { decodeCursor } from '../http/cursor.js'
import { notFound } from '../http/errors.js'
import { errorResponses } from '../http/schemas.js'
import { UsernameParams } from '../users/schemas.js'
import { createLibraryReads } from './repository.js'
import { LibraryPage, LibraryQuery, RatingsPage, RatingsQuery } from './schemas.js'

const tags = ['library']

/**
 * Public, paginated reads of a person's games: for libraries too big to come whole with the profile. `reads`: the
 * read replica, or the primary without one.
 */
export const libraryRoutes: FastifyPluginAsyncTypebox<{ reads: Db }> = async (app, { reads }) => {
  const library = createLibraryReads(reads)
  const cursorOf = (cursor: string | undefined) => decodeCursor<[string, number]>(cursor, ['timestamp', 'number'])

  app.get(
    '/api/users/:username/games',
    {
      schema: {
        tags,
        summary: "One of a person's lists (played, liked, backlog, wishlist), newest first, a page at a time",
        params: UsernameParams,
        querystring: LibraryQuery,
        response: { 200: LibraryPage, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { status, cursor, limit } = request.query
      const page = await library.findLibraryPage(request.params.username, status, cursorOf(cursor), limit)
      if (!page) throw notFound()
      return page
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
