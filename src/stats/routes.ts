import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Db } from '../db/database.js'
import { notFound } from '../http/errors.js'
import { errorResponses } from '../http/schemas.js'
import { findUserIdByUsername } from '../users/repository.js'
import { UsernameParams } from '../users/schemas.js'
import { findStats } from './repository.js'
import { Stats } from './schemas.js'

export const statsRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
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
      const userId = await findUserIdByUsername(db, request.params.username)
      if (userId === undefined) throw notFound()
      return findStats(db, userId)
    },
  )
}
