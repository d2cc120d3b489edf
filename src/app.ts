import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import proxyAddr from '@fastify/proxy-addr'
import cors from '@fastify/cors'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyReply, type FastifyRequest, type FastifySchema, type FastifyServerOptions } from 'fastify'
import { createAuthHooks } from './auth/authenticate.js'
import { createSignInGuard } from './auth/sign-in-guard.js'
import type { Config } from './config.js'
import type { Db } from './db/database.js'
import { healthRoutes } from './health/routes.js'
import { pageHeaders } from './http/headers.js'
import { createMemoryLimiter, createRedisLimiter, createThrottles, readerOf, type RateLimiter } from './http/rate-limit.js'
import { trackInFlightRequests } from './http/in-flight.js'
import { createFastReads } from './http/fast-reads.js'
import { answerWrongMethods, BODY_LIMIT, configureHttp, markAnswer, trackRoutes } from './http/setup.js'
import { usersRoutes } from './users/routes.js'
import { peopleRoutes } from './people/routes.js'
import { gamesRoutes } from './games/routes.js'
import { actionsRoutes } from './actions/routes.js'
import { journalRoutes } from './journal/routes.js'
import { listsRoutes } from './lists/routes.js'
import { statsRoutes } from './stats/routes.js'
import { libraryRoutes } from './library/routes.js'
import { activityRoutes } from './activity/routes.js'
import { startFeedDelivery } from './activity/inbox.js'
import { playthroughsRoutes } from './playthroughs/routes.js'
import { registerWebApp } from './web/site.js'
import { yearReviewRoutes } from './yearreview/routes.js'
import { createImportWork } from './imports/jobs.js'
import { importsRoutes } from './imports/routes.js'
import { notificationsRoutes } from './notifications/routes.js'

/** How long closing waits for requests whose clients have gone (each is bounded by its query timeouts anyway). */
const CLOSE_GRACE_MS = 10_000

export interface AppOptions {
  config: Config
  /** An open, migrated database; the app closes it when it closes. */
  db: Db
  /**
   * A read replica of `db` (DATABASE_READ_URL) that the read routes answer from; the app closes it when it
   * closes. Without one, they read `db`.
   */
  replica?: Db
  logger?: FastifyServerOptions['logger']
  /** The built web app to serve at /, when it has been built (default web/dist); null serves the API alone. */
  webDist?: string | null
  /** How long a client may take to send a whole request, headers and body (default 30 s). */
  requestTimeoutMs?: number
}

/** Swagger UI at /docs runs an inline script: only its pages get a policy that allows one. */
const DOCS_PAGE_HEADERS = pageHeaders(
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; object-src 'none'; frame-ancestors 'none'",
)

/** A request id from outside is kept only when it is short and plain: letters, digits and . _ : - */
const PLAIN_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/

function plainRequestId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && PLAIN_REQUEST_ID.test(header) ? header : undefined
}

const requestIdOf = (request: IncomingMessage) => plainRequestId(request.headers['x-request-id']) ?? randomUUID()

/**
 * Which hops' X-Forwarded-For entries are believed (TRUST_PROXY), or false for none. For a number of proxies in
 * front, the client address is the entry the nearest untrusted hop wrote (Fastify's own numeric setting trusts
 * no hop at all).
 */
function trustedProxies(trustProxy: Config['trustProxy']) {
  if (trustProxy === false) return false
  if (typeof trustProxy === 'number') return (_address: string, hop: number) => hop < trustProxy
  return proxyAddr.compile(trustProxy)
}

type NodeHandler = (request: IncomingMessage, response: ServerResponse) => void

declare module 'fastify' {
  interface FastifyInstance {
    /** Every request as the server takes it: the fast reads first, then Fastify's routing. Tests call it too. */
    handleRequest: NodeHandler
  }
}

const isRead = (method: string) => method === 'GET' || method === 'HEAD'

/** Builds the whole application without listening: the server and the tests both start here. */
export async function buildApp(options: AppOptions) {
  const { config, db, replica, logger = false, requestTimeoutMs = 30_000 } = options
  // What must read its own writes (every write and its answer, the token of every request, sign-in, exports)
  // stays on `db`: a replica is a little behind it.
  const reads = replica ?? db
  const trust = trustedProxies(config.trustProxy)
  // The server hands each request to app.handleRequest, which is made once the app exists (below).
  let handleRequest: NodeHandler | undefined
  const app = Fastify({
    logger,
    bodyLimit: BODY_LIMIT,
    // A username may be 150 characters, percent-encoded to far more.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    // Errors the router raises before any route runs (a malformed %-escape) get the contract's shape too.
    frameworkErrors: (error, request, reply) => {
      markAnswer(request as FastifyRequest, reply as FastifyReply)
      void (reply as FastifyReply).code(error.statusCode ?? 400).send({ detail: error.message })
    },
    // Slow or stalled clients must not hold a connection for ever. Node looks for overdue requests only every
    // connectionsCheckingInterval (30 s by default), and its headers timeout (60 s) does not follow a request
    // timeout set after the server is made: both are given here, so a trickled request is cut on time.
    requestTimeout: requestTimeoutMs,
    serverFactory: (routing) => {
      const server = createServer({ requestTimeout: requestTimeoutMs, connectionsCheckingInterval: 1_000 }, (request, response) =>
        (handleRequest ?? routing)(request, response),
      )
      server.keepAliveTimeout = 10_000
      server.setTimeout(60_000)
      return server
    },
    trustProxy: trust,
    // Every log line of a request carries its id; a load balancer's X-Request-Id is kept when it is a plain,
    // short id (a client's is logged and echoed, so it must not carry anything else).
    requestIdHeader: false,
    genReqId: requestIdOf,
  }).withTypeProvider<TypeBoxTypeProvider>()

  const limiter: RateLimiter = config.redisUrl
    ? await createRedisLimiter(config.redisUrl, config.redisKeyPrefix, app.log)
    : createMemoryLimiter()
  const readLimiter = createMemoryLimiter()
  const throttles = createThrottles(limiter, config.rateLimits, readLimiter)
  const signInGuard = createSignInGuard(db, limiter, config.rateLimits.authPerMinute)

  app.decorateRequest('session', null)
  const inFlight = trackInFlightRequests(app)
  const importWork = createImportWork(db, { newGames: config.newGames, log: app.log, sweep: true })
  const feedDelivery = startFeedDelivery(db, app.log)
  app.addHook('onClose', async () => {
    await inFlight.drained(CLOSE_GRACE_MS)
    await importWork.close()
    await feedDelivery.close()
    await limiter.close()
    await readLimiter.close()
    await db.destroy()
    await replica?.destroy()
  })
  await configureHttp(app)
  // Each limit is added to the routes it counts, so that no other request pays for it.
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat()
    if (methods.some((method) => !isRead(method))) route.preHandler = [countWrite, ...[route.preHandler ?? []].flat()]
    if (route.url.startsWith('/api/') && methods.some(isRead)) route.preValidation = [countRead, ...[route.preValidation ?? []].flat()]
  })
  // Changes by a signed-in user count against their write limit (the route's auth hook has run by now).
  async function countWrite(request: FastifyRequest) {
    if (request.session && !isRead(request.method)) await throttles.write(request.session.user.id)
  }
  // Reads of the API's routes count against the reader's limit, refused ones (400, 404) too; /healthz, the docs
  // and the web app's files do not. By the route matched, not the URL, which may spell it /./api or /%61pi.
  // preValidation: the route's auth hook (onRequest) has resolved the token by now. Synchronous: reads are
  // counted in memory, and this runs on every read.
  function countRead(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) {
    try {
      if (isRead(request.method)) throttles.read(readerOf(request.session?.user.id, request.ip))
    } catch (error) {
      return done(error as Error)
    }
    done()
  }
  // No CORS_ORIGINS: no cross-origin reader at all, and nothing to do on any request.
  if (config.corsOrigins.length > 0) await app.register(cors, { origin: config.corsOrigins })
  await app.register(swagger, {
    transform: documentDefaultedQueryAsOptional,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Overworld API',
        version: '1.0.0',
        description: 'Overworld is Letterboxd for video games. Errors are `{"detail": "..."}` or `{"field": ["message"]}`.',
      },
      components: {
        securitySchemes: {
          token: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Token <token>` or `Bearer <token>`' },
        },
      },
    },
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiHooks: {
      onRequest: (_request, reply, done) => {
        reply.headers(DOCS_PAGE_HEADERS)
        done()
      },
    },
  })

  const routes = trackRoutes(app)
  const auth = createAuthHooks(db)
  const fastReads = createFastReads(app, {
    findSession: auth.findSession,
    countRead: throttles.read,
    clientAddress: (request) => (trust ? proxyAddr(request, trust) : (request.socket.remoteAddress ?? '')),
    requestId: requestIdOf,
    log: app.log,
    inFlight,
  })
  // With CORS_ORIGINS, answers carry the CORS plugin's headers, which the fast path does not write.
  handleRequest = config.corsOrigins.length > 0 ? app.routing : fastReads.handler(app.routing)
  app.decorate('handleRequest', handleRequest)
  await app.register(healthRoutes, { db, replica })
  await app.register(usersRoutes, { db, reads, config, auth, throttles, signInGuard, fastReads })
  await app.register(peopleRoutes, { reads, auth })
  await app.register(gamesRoutes, { db, reads, config, auth, fastReads })
  await app.register(actionsRoutes, { db, config, auth })
  await app.register(journalRoutes, { db, reads, config, auth })
  await app.register(listsRoutes, { db, reads, config, auth })
  await app.register(statsRoutes, { reads })
  await app.register(yearReviewRoutes, { reads })
  await app.register(libraryRoutes, { reads, config, fastReads })
  await app.register(activityRoutes, { reads, config, auth, fastReads })
  await app.register(playthroughsRoutes, { db, reads, config, auth })
  await app.register(importsRoutes, { db, config, auth, work: importWork })
  await app.register(notificationsRoutes, { db, auth })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  answerWrongMethods(app, routes)
  if (options.webDist !== null) await registerWebApp(app, options.webDist)
  return app
}

/**
 * A query parameter with a default (limit, sort…) must stay in the schema's `required` list so the handler can
 * count on it being filled in, but a client may leave it out: the document says so, and generated clients do not
 * force it.
 */
function documentDefaultedQueryAsOptional({ schema, url }: { schema: FastifySchema; url: string }) {
  const query = schema?.querystring as { properties?: Record<string, { default?: unknown }>; required?: string[] } | undefined
  if (!query?.properties || !query.required) return { schema, url }
  const properties = query.properties
  const required = query.required.filter((key) => properties[key]?.default === undefined)
  return { schema: { ...schema, querystring: { ...query, required } }, url }
}

export type App = Awaited<ReturnType<typeof buildApp>>
