import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { Type } from 'typebox'
import type { Db } from '../db/database.js'

const Health = Type.Object({ status: Type.String() })

/**
 * `replica`: the read replica, when there is one. An instance that cannot reach it fails every read route, so it
 * is as unavailable as one that cannot reach the primary: both answer 503, to be taken out of rotation.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<{ db: Db; replica: Db | undefined }> = async (app, { db, replica }) => {
  const databases: [string, Db][] = replica ? [['primary', db], ['replica', replica]] : [['primary', db]]
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Up and able to reach the database (and its read replica, when there is one)',
        response: { 200: Health, 503: Health },
      },
    },
    async (request, reply) => {
      const reached = await Promise.all(
        databases.map(async ([name, database]) => {
          try {
            await sql`select 1`.execute(database)
            return true
          } catch (error) {
            request.log.warn({ err: error, database: name }, 'health check could not reach the database')
            return false
          }
        }),
      )
      if (reached.every(Boolean)) return { status: 'ok' }
      return reply.code(503).send({ status: 'unavailable' })
    },
  )
}
