import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { sessionOf, type AuthHooks } from '../auth/authenticate.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { andThen } from '../db/prepared.js'
import { createVersionedAnswers, keptJson, sendJsonBytes } from '../http/answer-cache.js'
import type { FastReads } from '../http/fast-reads.js'
import { ApiError, invalid, notFound } from '../http/errors.js'
import { errorResponses, NotModified, tokenSecurity } from '../http/schemas.js'
import { createCatalogAnswers } from './catalog-answers.js'
import { createDiscover } from './discover.js'
import { createIgdbClient, createIgdbSearchCache, IgdbNotCalledError } from './igdb.js'
import { createPopularGames } from './popular.js'
import { createGameReads, findCatalogGame, proposeGame } from './repository.js'
import {
  CatalogGame,
  DiscoverFilters,
  DiscoverPage,
  DiscoverQuery,
  GameDetails,
  GameProposalBody,
  GameProposalConflict,
  DEFAULT_SEARCH_LIMIT,
  GameParams,
  PopularGame,
  PopularQuery,
  SearchHit,
  SearchPage,
  SearchPageQuery,
  SearchParams,
  SearchQuery,
  SEARCH_NAME_MAX_LENGTH,
  type ViewerState,
} from './schemas.js'
import { createGameSearch, createSearchAnswers, type SearchForm, type SearchResult } from './search.js'

export interface GamesRoutesOptions {
  db: Db
  /** The read replica, or `db` without one. */
  reads: Db
  config: Config
  auth: AuthHooks
  fastReads: FastReads
}

const tags = ['games']

export const gamesRoutes: FastifyPluginAsyncTypebox<GamesRoutesOptions> = async (app, { db, reads, config, auth, fastReads }) => {
  const searchIgdb = config.igdb ? createIgdbSearchCache(db, createIgdbClient(config.igdb)) : null
  const popularGames = createPopularGames(reads, { ttlMs: config.popularCacheSeconds * 1000 })
  const searchAnswers = createSearchAnswers(reads, createGameSearch(reads), {
    maxBytes: config.answerCacheBytes,
    maxAgeMs: config.popularCacheSeconds * 1000,
  })
  /** For a search that has just written games IGDB gave to the primary, which the replica may not have yet. */
  const searchPrimary = createGameSearch(db)

  /**
   * One search, answered in one of two forms: IGDB is asked first when configured (and what it adds is read back
   * from the primary), otherwise the kept answers serve.
   */
  const answerSearch = async (
    request: FastifyRequest,
    reply: FastifyReply,
    { form, name, limit }: { form: SearchForm; name: string; limit: number },
  ) => {
    const serialize = (result: SearchResult) =>
      reply.serializeInput((form === 'hits' ? result.hits : { results: result.hits, total: result.total }) as never, '200') as string
    if (searchIgdb) {
      const { cached, error } = await searchIgdb(name, limit)
      // A call not made (IGDB paused after its 429, or busy) was logged when it failed, or is not a failure.
      if (error && !(error instanceof IgdbNotCalledError)) {
        request.log.warn({ status: error.status }, 'IGDB search failed; answering from the catalog')
      }
      if (cached > 0) return sendJsonBytes(reply, Buffer.from(serialize(await searchPrimary(name, limit, { counted: form === 'page' }))))
    }
    return sendJsonBytes(reply, await searchAnswers.answer(form, name, limit, serialize))
  }

  // A kept search, as an anonymous reader asks for it (a token counts reads against its account, and is the
  // route's to check). Not with IGDB, which the route asks first.
  if (!searchIgdb) {
    fastReads.get('/api/games/search/:name', ({ params, session }) => {
      const name = params.name as string
      if (session !== null || name.length > SEARCH_NAME_MAX_LENGTH) return undefined
      return andThen(searchAnswers.kept('hits', name, DEFAULT_SEARCH_LIMIT), (body) => body && keptJson(body))
    })
  }

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
    (request, reply) => answerSearch(request, reply, { form: 'hits', name: request.params.name, limit: request.query.limit }),
  )

  app.get(
    '/api/games/search/',
    {
      schema: {
        tags,
        summary: 'Find games by name, as the search above, with how many games match in all',
        querystring: SearchPageQuery,
        response: { 200: SearchPage, ...errorResponses(400) },
      },
    },
    (request, reply) => answerSearch(request, reply, { form: 'page', name: request.query.q, limit: request.query.limit }),
  )

  const discover = createDiscover(reads)
  const discoverAnswers = createCatalogAnswers(reads, { maxBytes: config.answerCacheBytes, maxAgeMs: config.popularCacheSeconds * 1000 })

  app.get(
    '/api/games/discover/',
    {
      schema: {
        tags,
        summary: 'Browse the catalog by genre, platform, developer, year or decade, in an order, a page at a time',
        querystring: DiscoverQuery,
        response: { 200: DiscoverPage, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const query = request.query
      if (query.year !== undefined && query.decade !== undefined) {
        throw invalid({ decade: ['Give a year or a decade, not both.'] })
      }
      // The key names every field, defaults filled in, so one page spelled two ways is one answer.
      const key = `discover:${JSON.stringify([query.genre, query.platform, query.developer, query.year, query.decade, query.sort, query.page, query.limit])}`
      const body = await discoverAnswers.answer(key, async () => Buffer.from(reply.serializeInput((await discover.page(query)) as never, '200') as string))
      return sendJsonBytes(reply, body)
    },
  )

  app.get(
    '/api/games/discover/filters/',
    {
      schema: {
        tags,
        summary: "The genres, platforms and decades to browse by, with how many of the catalog's games each has",
        response: { 200: DiscoverFilters },
      },
    },
    async (_request, reply) => {
      const body = await discoverAnswers.answer('discover-filters', async () =>
        Buffer.from(reply.serializeInput((await discover.filters()) as never, '200') as string),
      )
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
  const gamePages = createVersionedAnswers<null, ViewerState>({
    kind: 'g',
    schema: GameDetails,
    maxBytes: config.answerCacheBytes,
    viewerFields: (_, viewer) => ({ viewer }),
  })

  /** The game's id and version, and with a viewer, what they did with it. */
  function gamePageHead(idOrSlug: string, viewerId: number | undefined) {
    const head = viewerId === undefined ? games.findGameVersion(idOrSlug) : games.findGameVersionForViewer(idOrSlug, viewerId)
    return andThen(head, (found) => found && { viewer: undefined, ...found })
  }
  fastReads.get('/api/games/:idOrSlug', ({ params, session, headers }) =>
    andThen(gamePageHead(params.idOrSlug as string, session?.user.id), (head) => head && gamePages.kept(headers['if-none-match'], head)),
  )
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
      const head = await gamePageHead(idOrSlug, request.session?.user.id)
      if (!head) throw notFound()
      return gamePages.send(request, reply, head, async () => {
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
