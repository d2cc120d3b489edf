import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthHooks } from '../auth/authenticate.js'
import { sessionOf } from '../auth/authenticate.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import type { GameStatus } from '../db/tables.js'
import { dropUnusedProvisionalGames, type GameAdder } from '../games/provisional.js'
import { findViewerState, requireReferencedGameId, resolveGameId } from '../games/repository.js'
import { ViewerState } from '../games/schemas.js'
import { errorResponses, tokenSecurity } from '../http/schemas.js'
import { findFavorites } from '../users/repository.js'
import { addFavorite, findRating, removeFavorite, setGameStatus, setRating } from './repository.js'
import {
  FavoriteBody,
  Favorites,
  GameReferenceQuery,
  RatingBody,
  RatingResult,
  StatusBody,
  StatusResult,
} from './schemas.js'

export interface ActionsRoutesOptions {
  db: Db
  config: Config
  auth: AuthHooks
}

const tags = ['actions']
const security = tokenSecurity

/** The original Overworld's action names and the lists they change. */
const STATUS_ACTIONS: Record<string, GameStatus> = { log: 'played', like: 'liked', backlog: 'backlog', wishlist: 'wishlist' }

export const actionsRoutes: FastifyPluginAsyncTypebox<ActionsRoutesOptions> = async (app, { db, config, auth }) => {
  app.addHook('onRequest', auth.requireUser)
  const adderOf = (userId: number): GameAdder => ({ userId, limits: config.newGames })

  app.get(
    '/api/actions/',
    {
      schema: {
        tags,
        security,
        summary: 'What you have done with a game: lists, favorite, rating',
        querystring: GameReferenceQuery,
        response: { 200: ViewerState, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const gameId = await requireReferencedGameId(db, request.query)
      return findViewerState(db, sessionOf(request).user.id, gameId)
    },
  )

  for (const [action, status] of Object.entries(STATUS_ACTIONS)) {
    app.post(
      `/api/actions/${action}/`,
      {
        schema: {
          tags,
          security,
          summary: `Put a game in or out of your ${status} list (toggles without "value")`,
          body: StatusBody,
          response: { 200: StatusResult, ...errorResponses(400, 401, 404) },
        },
      },
      async (request) => {
        const user = sessionOf(request).user
        const result = await db.transaction().execute(async (trx) => {
          const gameId = await resolveGameId(trx, request.body, adderOf(user.id))
          const change = await setGameStatus(trx, user.id, gameId, status, request.body.value)
          await dropUnusedProvisionalGames(trx, [gameId])
          return { gameId, ...change }
        })
        return {
          game: result.gameId,
          user: user.id,
          action: action,
          value: result.value,
          ...(status === 'played' ? { removedFromBacklog: result.removedFromBacklog } : {}),
        }
      },
    )
  }

  app.post(
    '/api/actions/ratings/',
    {
      schema: {
        tags,
        security,
        summary: 'Rate a game 0.5 to 5 stars; null removes the rating',
        body: RatingBody,
        response: { 200: RatingResult, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const user = sessionOf(request).user
      const { rating } = request.body
      const gameId = await db.transaction().execute(async (trx) => {
        const id = await resolveGameId(trx, request.body, adderOf(user.id))
        await setRating(trx, user.id, id, rating === null ? null : rating * 2)
        await dropUnusedProvisionalGames(trx, [id])
        return id
      })
      return { game: gameId, user: user.id, rating }
    },
  )

  app.get(
    '/api/actions/ratings/',
    {
      schema: {
        tags,
        security,
        summary: 'Your rating of a game',
        querystring: GameReferenceQuery,
        response: { 200: RatingResult, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const user = sessionOf(request).user
      const gameId = await requireReferencedGameId(db, request.query)
      return { game: gameId, user: user.id, rating: await findRating(db, user.id, gameId) }
    },
  )

  const favoritesRoute = (summary: string) => ({
    schema: { tags, security, summary, body: FavoriteBody, response: { 200: Favorites, ...errorResponses(400, 401, 404) } },
  })

  app.post('/api/actions/favorites/add/', favoritesRoute('Add a game to your favorites (at most 5)'), async (request) => {
    const user = sessionOf(request).user
    return db.transaction().execute(async (trx) => {
      await addFavorite(trx, user.id, await resolveGameId(trx, request.body, adderOf(user.id)))
      return findFavorites(trx, user.id)
    })
  })

  app.post('/api/actions/favorites/remove/', favoritesRoute('Take a game out of your favorites'), async (request) => {
    const user = sessionOf(request).user
    return db.transaction().execute(async (trx) => {
      const gameId = await resolveGameId(trx, request.body, adderOf(user.id))
      await removeFavorite(trx, user.id, gameId)
      await dropUnusedProvisionalGames(trx, [gameId])
      return findFavorites(trx, user.id)
    })
  })
}
