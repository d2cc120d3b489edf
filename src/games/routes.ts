import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { sessionOf, type AuthHooks } from '../auth/authenticate.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { createVersionedAnswers, sendJsonBytes } from '../http/answer-cache.js'
import { ApiError, notFound } from '../http/errors.js'
import { errorResponses, NotModified, tokenSecurity } from '../http/schemas.js'
import { createIgdbClient, createIgdbSearchCache, IgdbNotCalledError } from './igdb.js'
import { createPopularGames } from './popular.js'
import { createGameReads, findCatalogGame, proposeGame } from './repository.js'
import {
  CatalogGame,
  GameDetails,
  GameProposalBody,
  GameProposalConflict,
  GameParams,
  PopularGame,
  PopularQuery,
  SearchHit,
  SearchParams,
  SearchQuery,
  type ViewerState,
} from './schemas.js'
import { createGameSearch, createSearchAnswers } from './search.js'

export interface GamesRoutesOptions {
  db: Db
  /** The read replica, or `db` without one. */
  reads: Db
  config: Config
  auth: AuthHooks
}

const tags = ['games']

export const gamesRoutes: FastifyPluginAsyncTypebox<GamesRoutesOptions> = async (app, { db, reads, config, auth }) => {
  const searchIgdb = config.igdb ? createIgdbSearchCache(db, createIgdbClient(config.igdb)) : null
  const popularGames = createPopularGames(reads, { ttlMs: config.popularCacheSeconds * 1000 })
  const searchAnswers = createSearchAnswers(reads, createGameSearch(reads), {
    maxBytes: config.answerCacheBytes,
    maxAgeMs: config.popularCacheSeconds * 1000,
  })
  /** For a search that has just written games IGDB gave to the primary, which the replica may not have yet. */
  const searchPrimary = createGameSearch(db)

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
    async (request, reply) => {
      const { name } = request.params
      if (searchIgdb) {
        const { cached, error } = await searchIgdb(name, request.query.limit)
        // A call not made (IGDB paused after its 429, or busy) was logged when it failed, or is not a failure.
        if (error && !(error instanceof IgdbNotCalledError)) {
          request.log.warn({ status: error.status }, 'IGDB search failed; answering from the catalog')
        }
        if (cached > 0) return searchPrimary(name, request.query.limit)
      }
      const body = await searchAnswers(name, request.query.limit, (hits) => reply.serializeInput(hits as never, '200') as string)
      return sendJsonBytes(reply, body)
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
    async (request, reply) => {
      const { period, limit } = request.query
      const body = await popularGames.answer(period, limit, (games) => reply.serializeInput(games as never, '200') as string)
      return sendJsonBytes(reply, body)
    },
  )

  const games = createGameReads(reads)
  /** Game pages as anonymous readers see them; a signed-in viewer's own state is added to the bytes. */
  const sendGamePage = createVersionedAnswers<null, ViewerState>({
    kind: 'g',
    schema: GameDetails,
    maxBytes: config.answerCacheBytes,
    viewerFields: (_, viewer) => ({ viewer }),
  })

  app.get(
    '/api/games/:idOrSlug',
    {
      onRequest: auth.optionalUser,
      schema: {
        tags,
        summary: "A game's details and community figures; with a token, also what the viewer did with it",
        params: GameParams,
        response: { 200: GameDetails, 304: NotModified, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const { idOrSlug } = request.params
      const viewerId = request.session?.user.id
      const head = viewerId === undefined ? await games.findGameVersion(idOrSlug) : await games.findGameVersionForViewer(idOrSlug, viewerId)
      if (!head) throw notFound()
      return sendGamePage(request, reply, { viewer: undefined, ...head }, async () => {
        const game = await games.findGameDetails(idOrSlug)
        return game && { id: game.id, publicAnswer: game, data: null }
      })
    },
  )

  app.post(
    '/api/games/',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security: tokenSecurity,
        summary: 'Propose a game the catalog lacks: it is added provisionally (it goes when nobody uses it)',
        description:
          'A game of the same name (as search compares names) and year answers 409 with that game, adding nothing. ' +
          'New games count against your allowance of them, as games added by igdb id do (429 past it).',
        body: GameProposalBody,
        response: { 201: CatalogGame, 409: GameProposalConflict, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const userId = sessionOf(request).user.id
      const { platforms = [], ...proposal } = request.body
      const { game, added } = await db.transaction().execute(async (trx) => {
        const { id, added } = await proposeGame(trx, { ...proposal, platforms }, { userId, limits: config.newGames })
        return { game: await findCatalogGame(trx, id), added }
      })
      if (!added) {
        const conflict = { detail: 'The catalog has a game of this name and year.', game }
        throw new ApiError(409, conflict)
      }
      return reply.code(201).send(game)
    },
  )
}
