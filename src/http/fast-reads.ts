import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import FindMyWay from 'find-my-way'
import type { Session } from '../auth/tokens.js'
import { andThen, type MaybePromise } from '../db/prepared.js'
import type { KeptAnswer } from './answer-cache.js'
import { ANSWER_HEADERS } from './headers.js'
import { readerOf } from './rate-limit.js'

/**
 * The hottest reads (the signed-in user, profiles, game pages, feed pages, followers and following pages)
 * answered before Fastify when their answer is kept as bytes: a version read, the kept bytes and their headers,
 * written straight to node:http. Routing, Fastify's
 * request and reply objects and its hooks cost more than such an answer itself (bench/results). Anything else
 * (a query string, a %-escape, a cache miss, an invalid token, a refusal, an error) goes to Fastify, whose route
 * gives the same answer: tests send every request through this path first, as the server does.
 *
 * On SQLite the reads are made at once, so such an answer is written within the request's own callback, with
 * no promise in between (andThen); on PostgreSQL it waits for them.
 */

/**
 * What a fast read is given: the route's parameters, its query string as sent (empty without one; only for a
 * read registered `withQuery`), the signed-in session (null: anonymous) and the headers.
 */
export interface FastRead {
  params: Readonly<Record<string, string | undefined>>
  query: string
  session: Session | null
  headers: IncomingHttpHeaders
}

/** A kept answer, or undefined for Fastify to answer. */
export type FastReadHandler = (read: FastRead) => MaybePromise<KeptAnswer | undefined>

type NodeHandler = (request: IncomingMessage, response: ServerResponse) => void

export interface FastReadsOptions {
  /** The session an Authorization header names: null without the header, undefined when it is not valid. */
  findSession(authorization: string | undefined): MaybePromise<Session | null | undefined>
  /** Counts a read against the reader's limit; throws when they are over it. */
  countRead(reader: string): void
  /** The client's address, as Fastify's request.ip gives it (the proxies trusted). */
  clientAddress(request: IncomingMessage): string
  requestId(request: IncomingMessage): string
  log: FastifyBaseLogger
  /** Told of every request the fast path holds, so that closing waits for it too. */
  inFlight: { started(): void; finished(): void }
}

export interface FastReads {
  /**
   * Answers GET `url` (a Fastify route's own URL, with its parameters) from `handler` when it can. Requests with
   * a query string reach it only `withQuery`, and only a query of plain characters (no %-escape or `+`), which
   * the handler matches as sent: anything else it leaves to Fastify's parsing and validation.
   */
  get(url: string, handler: FastReadHandler, options?: { withQuery?: boolean }): void
  /** The server's request handler: the fast path, else `fastify` (the app's routing). */
  handler(fastify: NodeHandler): NodeHandler
}

const ANSWER_HEADER_LIST: string[] = Object.entries(ANSWER_HEADERS).flat()
/** Where a header list (headerListOf) holds the request id's value. */
const REQUEST_ID_AT = ANSWER_HEADER_LIST.length + 1

/** The log levels at which Fastify logs every request. */
const REQUEST_LOG_LEVELS = new Set(['trace', 'debug', 'info'])

/** A path the fast path may route as Fastify would without decoding anything: no query, escape or delimiter. */
const PLAIN_PATH = /^\/[\w./@+~-]*$/
/** A query string that means the same before and after decoding. */
const PLAIN_QUERY = /^[\w.=&-]*$/

/**
 * How many paths' routes are remembered, and up to what length: looking a path up in a Map costs a fraction of
 * routing it again (the same profiles and pages are asked for over and over). Any path may be asked for, so the
 * memory is emptied when full rather than allowed to grow (at most about 5 MB).
 */
const REMEMBERED_ROUTES = 10_000
const REMEMBERED_URL_LENGTH = 200

interface FastRoute {
  handler: FastReadHandler
  /** Shared by every request for the path: read, never changed. */
  params: Readonly<Record<string, string | undefined>>
  query: string
}

interface Registered {
  handler: FastReadHandler
  withQuery: boolean
}

export function createFastReads(app: FastifyInstance, options: FastReadsOptions): FastReads {
  const handlers = new Map<string, Registered>()
  // The router knows every GET route, with Fastify's own router options, so that a URL reaches a fast read only
  // where Fastify would route it to the same route (a static route wins over a parameter, /x/ is /x).
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 1000 })
  const getUrls: string[] = []
  app.addHook('onRoute', (route) => {
    if ([route.method].flat().includes('GET')) getUrls.push(route.url)
  })
  app.addHook('onReady', (done) => {
    for (const url of new Set(getUrls)) router.on('GET', url, () => {}, { handler: handlers.get(url) })
    done()
  })

  const routes = new Map<string, FastRoute | null>()
  function fastReadFor(request: IncomingMessage): FastRoute | null {
    const { url } = request
    if (request.method !== 'GET' || url === undefined) return null
    const remembered = routes.get(url)
    if (remembered !== undefined) return remembered
    const route = routeOf(url)
    if (url.length <= REMEMBERED_URL_LENGTH) {
      if (routes.size >= REMEMBERED_ROUTES) routes.clear()
      routes.set(url, route)
    }
    return route
  }
  function routeOf(url: string): FastRoute | null {
    const queryAt = url.indexOf('?')
    const path = queryAt < 0 ? url : url.slice(0, queryAt)
    const query = queryAt < 0 ? '' : url.slice(queryAt + 1)
    if (!PLAIN_PATH.test(path) || !PLAIN_QUERY.test(query)) return null
    const found = router.find('GET', path)
    const registered = (found?.store as { handler?: Registered } | undefined)?.handler
    if (!registered || (queryAt >= 0 && !registered.withQuery)) return null
    return { handler: registered.handler, params: Object.freeze({ ...found?.params }), query }
  }

  /** Whether the request was answered here; false for Fastify to answer it. */
  function answerKept(route: FastRoute, request: IncomingMessage, response: ServerResponse, arrived: bigint | undefined) {
    return andThen(options.findSession(request.headers.authorization), (session) => {
      if (session === undefined) return false
      return andThen(route.handler({ params: route.params, query: route.query, session, headers: request.headers }), (kept) => {
        if (!kept) return false
        try {
          options.countRead(readerOf(session?.user.id, options.clientAddress(request)))
        } catch {
          return false // over the limit: Fastify's route refuses it
        }
        send(request, response, kept, arrived)
        return true
      })
    })
  }

  /**
   * Each kept answer's headers as node:http takes them fastest: a flat list of names and values, never an object
   * spread from other objects (in a bare node:http server on the bench machine, 11 headers from a spread object
   * cost about 10 µs a request more than the same list: bench/results/2026-12-04-evening.md). Built once per
   * answer; a request writes its id into the list's slot, which writeHead reads at once and does not keep.
   */
  const headerLists = new WeakMap<KeptAnswer, string[]>()
  function headerListOf(kept: KeptAnswer, id: string): string[] {
    let list = headerLists.get(kept)
    if (!list) {
      list = ANSWER_HEADER_LIST.concat('x-request-id', id, kept.headers)
      headerLists.set(kept, list)
    }
    list[REQUEST_ID_AT] = id
    return list
  }

  function send(request: IncomingMessage, response: ServerResponse, kept: KeptAnswer, arrived: bigint | undefined) {
    const id = options.requestId(request)
    response.writeHead(kept.status, headerListOf(kept, id))
    response.end(kept.body)
    if (arrived !== undefined) logAnswered(request, id, kept.status, arrived)
  }

  /** The two lines Fastify logs of a request, in its shape, so that a fast answer is logged like any other. */
  function logAnswered(request: IncomingMessage, id: string, statusCode: number, started: bigint) {
    const log = options.log.child({ reqId: id })
    const req = { method: request.method, url: request.url, headers: request.headers, host: request.headers.host, ip: options.clientAddress(request), socket: request.socket }
    log.info({ req }, 'incoming request')
    const responseTime = Number(process.hrtime.bigint() - started) / 1e6
    log.info({ res: { statusCode, request: { method: request.method, url: request.url } }, responseTime }, 'request completed')
  }

  return {
    get(url, handler, { withQuery = false } = {}) {
      handlers.set(url, { handler, withQuery })
    },
    handler(fastify) {
      return (request, response) => {
        const route = fastReadFor(request)
        if (!route) return fastify(request, response)
        const arrived = REQUEST_LOG_LEVELS.has(options.log.level) ? process.hrtime.bigint() : undefined
        let answered: MaybePromise<boolean>
        try {
          answered = answerKept(route, request, response, arrived)
        } catch {
          // An error (the database away, say) is Fastify's to answer and log, as the route would.
          answered = response.headersSent
        }
        if (!(answered instanceof Promise)) {
          if (!answered) fastify(request, response)
          return
        }
        options.inFlight.started()
        answered
          .catch(() => response.headersSent)
          .then((done) => {
            options.inFlight.finished()
            if (!done) fastify(request, response)
          })
      }
    },
  }
}
