import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { Type } from 'typebox'
import type { Db } from '../db/database.js'

const Health = Type.Object({ status: Type.String() })

export const healthRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Up and able to reach the database',
        response: { 200: Health, 503: Health },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(db)
        return { status: 'ok' }
      } catch (error) {
        request.log.warn({ err: error }, 'health check could not reach the database')
        return reply.code(503).send({ status: 'unavailable' })
      }
    },
  )
}
