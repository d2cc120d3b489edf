import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthHooks } from '../auth/authenticate.js'
import { sessionOf } from '../auth/authenticate.js'
import type { Db } from '../db/database.js'
import { ApiError } from '../http/errors.js'
import { errorResponses, tokenSecurity } from '../http/schemas.js'
import { createPeopleSearch, createSuggestions } from './repository.js'
import { PeopleSearchHits, PeopleSearchParams, PeopleSearchQuery, Suggestions, SuggestionsQuery } from './schemas.js'

const tags = ['users']

const blankQuery = () => new ApiError(400, { query: ['Type at least one character of a username.'] })

/**
 * Finding people: by name, and the people a signed-in person may know. Both live under /api/users/, beside the
 * profiles: `search` and `suggestions` are reserved usernames (src/users/usernames.ts), so no profile hides here.
 * `reads`: the read replica, or the primary without one.
 */
export const peopleRoutes: FastifyPluginAsyncTypebox<{ reads: Db; auth: AuthHooks }> = async (app, { reads, auth }) => {
  const searchPeople = createPeopleSearch(reads)
  const findSuggestions = createSuggestions(reads)

  app.get(
    '/api/users/search/:query',
    {
      onRequest: auth.optionalUser,
      schema: {
        tags,
        summary: 'Find people by username; with a token, each says whether you follow them',
        params: PeopleSearchParams,
        querystring: PeopleSearchQuery,
        response: { 200: PeopleSearchHits, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { query } = request.params
      if (query.trim() === '') throw blankQuery()
      return searchPeople(query, request.query.limit, request.session?.user.id)
    },
  )
  // Without a query the path would name the profile of someone called `search`, a name nobody may take.
  app.get('/api/users/search', { schema: { hide: true } }, async () => {
    throw blankQuery()
  })

  app.get(
    '/api/users/suggestions',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security: tokenSecurity,
        summary: 'People you may know: followed by people you follow, or reviewers of games you played',
        querystring: SuggestionsQuery,
        response: { 200: Suggestions, ...errorResponses(400, 401) },
      },
    },
    async (request) => findSuggestions(sessionOf(request).user.id, request.query.limit),
  )
}
