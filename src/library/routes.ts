import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { createVersionedAnswers } from '../http/answer-cache.js'
import { andThen } from '../db/prepared.js'
import { decodeCursor, DEFAULT_PAGE_LIMIT } from '../http/cursor.js'
import { notFound } from '../http/errors.js'
import type { FastReads } from '../http/fast-reads.js'
import { errorResponses, NotModified } from '../http/schemas.js'
import { UsernameParams } from '../users/schemas.js'
import { createUserVersionRead } from '../users/versions.js'
import { createLibraryReads } from './repository.js'
import { LibraryPage, LibraryQuery, RatingsPage, RatingsQuery } from './schemas.js'

const tags = ['library']

/** `?status=…` and nothing else: the first page of a list. */
const FIRST_PAGE_QUERY = /^status=(played|liked|backlog|wishlist)$/

/** Which of a person's pages a kept answer is: the list, and the page as asked for. */
const libraryPart = (status: string, limit: number, cursor: string | undefined) => `${status}:${limit}:${cursor ?? ''}`

/**
 * Public, paginated reads of a person's games: for libraries too big to come whole with the profile. `reads`: the
 * read replica, or the primary without one.
 */
export const libraryRoutes: FastifyPluginAsyncTypebox<{ reads: Db; config: Config; fastReads: FastReads }> = async (
  app,
  { reads, config, fastReads },
) => {
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

  // The first page of a list, as an anonymous reader asks for it (a token counts reads against its account, and
  // is Fastify's to check): the route's answer when it is kept.
  fastReads.get(
    '/api/users/:username/games',
    ({ params, query, session, headers }) => {
      const status = session === null ? FIRST_PAGE_QUERY.exec(query)?.[1] : undefined
      if (status === undefined) return undefined
      return andThen(findUserVersion(params.username as string), (head) =>
        head && libraryPages.kept(headers['if-none-match'], { ...head, viewer: undefined, part: libraryPart(status, DEFAULT_PAGE_LIMIT, undefined) }),
      )
    },
    { withQuery: true },
  )
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
      const part = libraryPart(status, limit, cursor)
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
