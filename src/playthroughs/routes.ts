import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthHooks } from '../auth/authenticate.js'
import { sessionOf } from '../auth/authenticate.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import type { PlaythroughStatus } from '../db/tables.js'
import { dropUnusedProvisionalGames } from '../games/provisional.js'
import { resolveGameId } from '../games/repository.js'
import { decodeCursor, Page, pageOf } from '../http/cursor.js'
import { forbidden, notFound } from '../http/errors.js'
import { errorResponses, NoContent, tokenSecurity } from '../http/schemas.js'
import { requireUserIdByUsername } from '../users/repository.js'
import { UsernameParams } from '../users/schemas.js'
import { playthroughChangesOf, playthroughValuesOf, sessionValuesOf } from './input.js'
import {
  deletePlaythrough,
  deleteSession,
  findPlaythrough,
  findPlaythroughForChange,
  findSessions,
  findUserPlaythroughs,
  insertPlaythrough,
  insertSession,
  updatePlaythrough,
  type PlaythroughRecord,
} from './repository.js'
import {
  PlayingQuery,
  Playthrough,
  PlaythroughCreateBody,
  PlaythroughDetail,
  PlaythroughParams,
  PlaythroughUpdateBody,
  SessionBody,
  SessionParams,
  SessionResult,
  UserPlaythroughsQuery,
} from './schemas.js'

export interface PlaythroughsRoutesOptions {
  db: Db
  /** The read replica, or `db` without one. */
  reads: Db
  config: Config
  auth: AuthHooks
}

const tags = ['playthroughs']
const security = tokenSecurity

function found<T>(value: T | undefined): T {
  if (value === undefined) throw notFound()
  return value
}

/** The playthrough a change names, locked for the change: 404 when there is none, 403 when it is someone else's. */
async function ownPlaythrough(db: Db, playthroughId: number, userId: number): Promise<PlaythroughRecord> {
  const playthrough = found(await findPlaythroughForChange(db, playthroughId))
  if (playthrough.user_id !== userId) throw forbidden()
  return playthrough
}

async function detailOf(db: Db, playthroughId: number): Promise<PlaythroughDetail> {
  const playthrough = found(await findPlaythrough(db, playthroughId))
  return { ...playthrough, sessions: await findSessions(db, playthroughId) }
}

export const playthroughsRoutes: FastifyPluginAsyncTypebox<PlaythroughsRoutesOptions> = async (app, { db, reads, config, auth }) => {
  app.post(
    '/api/playthroughs/',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Start or log a playthrough of a game',
        description:
          'A playthrough being played puts the game on your playing shelf. One that is finished or abandoned marks the ' +
          'game played (taking it off your backlog) and writes the journal entry that says so, of the day it ended ' +
          '(today when not given), about this playthrough.',
        body: PlaythroughCreateBody,
        response: { 201: PlaythroughDetail, ...errorResponses(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      const values = playthroughValuesOf(request.body)
      const playthrough = await db.transaction().execute(async (trx) => {
        const gameId = await resolveGameId(trx, request.body, { userId: user.id, limits: config.newGames })
        return detailOf(trx, await insertPlaythrough(trx, user.id, gameId, values))
      })
      return reply.code(201).send(playthrough)
    },
  )

  app.get(
    '/api/playthroughs/:id',
    {
      schema: {
        tags,
        summary: 'A playthrough, with its sessions (newest first)',
        params: PlaythroughParams,
        response: { 200: PlaythroughDetail, ...errorResponses(400, 404) },
      },
    },
    async (request) => detailOf(reads, request.params.id),
  )

  app.patch(
    '/api/playthroughs/:id',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Edit one of your playthroughs (any field but the game)',
        description:
          'Moving it to finished or abandoned does what creating it so does (the game played, a journal entry); ' +
          'moving it away from finished clears its completion.',
        params: PlaythroughParams,
        body: PlaythroughUpdateBody,
        response: { 200: PlaythroughDetail, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const user = sessionOf(request).user
      return db.transaction().execute(async (trx) => {
        const playthrough = await ownPlaythrough(trx, request.params.id, user.id)
        await updatePlaythrough(trx, playthrough, playthroughChangesOf(request.body, playthrough))
        return detailOf(trx, playthrough.id)
      })
    },
  )

  app.delete(
    '/api/playthroughs/:id',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Delete one of your playthroughs, with its sessions',
        description: 'Journal entries about it stay, about no playthrough.',
        params: PlaythroughParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      await db.transaction().execute(async (trx) => {
        const playthrough = await ownPlaythrough(trx, request.params.id, user.id)
        await deletePlaythrough(trx, playthrough.id)
        await dropUnusedProvisionalGames(trx, [playthrough.game_id])
      })
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/api/playthroughs/:id/sessions',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Add a play session to one of your playthroughs: its time adds to the total',
        params: PlaythroughParams,
        body: SessionBody,
        response: { 201: SessionResult, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      const values = sessionValuesOf(request.body)
      const result = await db.transaction().execute(async (trx) => {
        const playthrough = await ownPlaythrough(trx, request.params.id, user.id)
        const session = await insertSession(trx, playthrough.id, values)
        return { session, playthrough: found(await findPlaythrough(trx, playthrough.id)) }
      })
      return reply.code(201).send(result)
    },
  )

  app.delete(
    '/api/playthroughs/:id/sessions/:session_id',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Delete a play session of one of your playthroughs: its time leaves the total',
        params: SessionParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      await db.transaction().execute(async (trx) => {
        const playthrough = await ownPlaythrough(trx, request.params.id, user.id)
        if (!(await deleteSession(trx, playthrough, request.params.session_id))) throw notFound()
      })
      return reply.code(204).send(null)
    },
  )

  /** A page of a person's playthroughs, newest first (cursor: the last one's id). */
  async function userPlaythroughsPage(
    username: string,
    query: { game?: number; status?: PlaythroughStatus; limit: number; cursor?: string },
  ) {
    const after = decodeCursor<[number]>(query.cursor, ['number'])
    const userId = await requireUserIdByUsername(reads, username)
    const { game: gameId, status, limit } = query
    const playthroughs = await findUserPlaythroughs(reads, userId, { gameId, status, limit: limit + 1, afterId: after?.[0] })
    return pageOf(playthroughs, limit, (last) => [last.id])
  }

  app.get(
    '/api/users/:username/playthroughs',
    {
      schema: {
        tags,
        summary: "A person's playthroughs, newest first, of one game or in one status if asked",
        params: UsernameParams,
        querystring: UserPlaythroughsQuery,
        response: { 200: Page(Playthrough), ...errorResponses(400, 404) },
      },
    },
    async (request) => userPlaythroughsPage(request.params.username, request.query),
  )

  app.get(
    '/api/users/:username/playing',
    {
      schema: {
        tags,
        summary: 'What a person is playing now: their playthroughs being played, newest first',
        params: UsernameParams,
        querystring: PlayingQuery,
        response: { 200: Page(Playthrough), ...errorResponses(400, 404) },
      },
    },
    async (request) => userPlaythroughsPage(request.params.username, { ...request.query, status: 'playing' }),
  )
}
