import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AuthHooks } from '../auth/authenticate.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { notFound } from '../http/errors.js'
import { errorResponses } from '../http/schemas.js'
import { createIgdbClient, createIgdbSearchCache, IgdbNotCalledError } from './igdb.js'
import { createPopularGames } from './popular.js'
import { findGameDetails, findViewerState } from './repository.js'
import { GameDetails, GameParams, PopularGame, PopularQuery, SearchHit, SearchParams, SearchQuery } from './schemas.js'
import { searchGames } from './search.js'

export interface GamesRoutesOptions {
  db: Db
  config: Config
  auth: AuthHooks
}

const tags = ['games']

export const gamesRoutes: FastifyPluginAsyncTypebox<GamesRoutesOptions> = async (app, { db, config, auth }) => {
  const searchIgdb = config.igdb ? createIgdbSearchCache(db, createIgdbClient(config.igdb)) : null
  const popularGames = createPopularGames(db, { ttlMs: config.popularCacheSeconds * 1000 })

  app.get(
    '/api/games/search/:name',
    {
      schema: {
        tags,
        summary: 'Find games by name (typo-tolerant, prefix-aware), best match first',
        params: SearchParams,
        querystring: SearchQuery,
        response: { 200: Type.Array(SearchHit), ...errorResponses(400) },
      },
    },
    async (request) => {
      const { name } = request.params
      if (searchIgdb) {
        const { error } = await searchIgdb(name, request.query.limit)
        // A call not made (IGDB paused after its 429, or busy) was logged when it failed, or is not a failure.
        if (error && !(error instanceof IgdbNotCalledError)) {
          request.log.warn({ status: error.status }, 'IGDB search failed; answering from the catalog')
        }
      }
      return searchGames(db, name, request.query.limit)
    },
  )

  app.get(
    '/api/games/popular/',
    {
      schema: {
        tags,
        summary: 'The games people did the most with in the last week, month, or ever',
        querystring: PopularQuery,
        response: { 200: Type.Array(PopularGame), ...errorResponses(400) },
      },
    },
    async (request) => popularGames(request.query.period, request.query.limit),
  )

  app.get(
    '/api/games/:idOrSlug',
    {
      onRequest: auth.optionalUser,
      schema: {
        tags,
        summary: "A game's details and community figures; with a token, also what the viewer did with it",
        params: GameParams,
        response: { 200: GameDetails, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const game = await findGameDetails(db, request.params.idOrSlug)
      if (!game) throw notFound()
      if (!request.session) return game
      return { ...game, viewer: await findViewerState(db, request.session.user.id, game.id) }
    },
  )
}
