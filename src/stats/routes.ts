import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../db/database.js'
import { errorResponses } from '../http/schemas.js'
import { requireUserIdByUsername } from '../users/repository.js'
import { UsernameParams } from '../users/schemas.js'
import { findStats } from './repository.js'
import { Stats } from './schemas.js'

/** `reads`: the read replica, or the primary without one. */
export const statsRoutes: FastifyPluginAsyncTypebox<{ reads: Db }> = async (app, { reads }) => {
  app.get(
    '/api/users/:username/stats',
    {
      schema: {
        tags: ['stats'],
        summary: "A person's numbers: counts, games finished per year, ratings, top platforms and genres",
        params: UsernameParams,
        response: { 200: Stats, ...errorResponses(404) },
      },
    },
    async (request) => {
      return findStats(reads, await requireUserIdByUsername(reads, request.params.username))
    },
  )
}
