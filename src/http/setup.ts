import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify'
import secureJson from 'secure-json-parse'
import { addFieldError, ApiError, type FieldErrors } from './errors.js'
import { ANSWER_HEADERS } from './headers.js'
import { ThrottledError } from './rate-limit.js'
import { fieldErrorsFrom, markFormBody, validatorCompiler } from './validation.js'

/** Bodies larger than this are refused with 413 before they are parsed. */
export const BODY_LIMIT = 64 * 1024

/**
 * Request parsing and error answers shared by every route: JSON and form bodies only, validation errors in the
 * contract's field shape, `{"detail": ...}` for everything else, and never a stack trace to the client.
 */
export async function configureHttp(app: FastifyInstance): Promise<void> {
  app.setValidatorCompiler(validatorCompiler)

  // Only JSON and form bodies are understood; anything else (text/plain included) is 415.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string
    if (text.trim() === '') return done(null, undefined)
    try {
      done(null, secureJson.parse(text, { protoAction: 'error', constructorAction: 'error' }))
    } catch (error) {
      done(new ApiError(400, { detail: `JSON parse error - ${(error as Error).message}` }), undefined)
    }
  })
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, markFormBody(Object.fromEntries(new URLSearchParams(body as string))))
  })

  // Every answer, errors included, carries its request id and the security headers: they are set on arrival,
  // before anything can fail. PostgreSQL cannot store the NUL character: refuse it anywhere in a request, as
  // Django does. Synchronous, as it runs on every request.
  app.addHook('onRequest', (request, reply, done) => {
    markAnswer(request, reply)
    done(request.url.includes('%00') ? new ApiError(400, { detail: NUL_MESSAGE }) : undefined)
  })
  // Only routes that take a body check it: a GET's or HEAD's body is never parsed.
  app.addHook('onRoute', (route) => {
    if ([route.method].flat().some((method) => !BODYLESS_METHODS.has(method))) {
      route.preValidation = [checkBody, ...[route.preValidation ?? []].flat()]
    }
  })

  app.setNotFoundHandler((_request, reply) => {
    reply.code(404).send({ detail: 'Not found.' })
  })

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.statusCode === 401) reply.header('www-authenticate', 'Token')
      if (error instanceof ThrottledError) reply.header('retry-after', String(error.retryAfter))
      return sendError(reply, error.statusCode, error.body)
    }
    if (error.validation) {
      const errors = fieldErrorsFrom(error.validation)
      return sendError(reply, 400, Object.keys(errors).length > 0 ? errors : { detail: error.message })
    }
    if (isMissingReference(error)) {
      // What the request points at was deleted by another request a moment ago (a like racing the review's
      // deletion): it is not found, as it would have been a moment later.
      return sendError(reply, 404, { detail: 'Not found.' })
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable')
      return sendError(reply, 503, { detail: 'Service temporarily unavailable, try again shortly.' })
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) return sendError(reply, status, { detail: error.message })
    request.log.error({ err: error }, 'request failed')
    return sendError(reply, 500, { detail: 'A server error occurred.' })
  })
}

/**
 * Error bodies go out exactly as built, not through the route's response schema: a client's field may be named
 * anything ("detail", " "), and a schema must not reshape or drop it.
 */
function sendError(reply: FastifyReply, status: number, body: object) {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body))
}

/** Sets the headers every answer carries; also for answers the router gives before any hook runs. */
export function markAnswer(request: FastifyRequest, reply: FastifyReply): void {
  reply.headers(ANSWER_HEADERS).header('x-request-id', request.id)
}

const NUL_MESSAGE = 'Null characters are not allowed.'

/** The methods whose requests Fastify never parses a body for. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'TRACE'])

/**
 * A POST without a body is an empty form: its required fields are reported missing, not the body itself. A NUL
 * anywhere in the body is refused.
 */
function checkBody(request: FastifyRequest, _reply: FastifyReply, done: (error?: ApiError) => void): void {
  if (request.body === undefined && request.routeOptions.schema?.body) request.body = {}
  const errors = nullCharacterErrors(request.body)
  done(Object.keys(errors).length > 0 ? new ApiError(400, errors) : undefined)
}

/** Every string of a body holding a NUL, by field path. Iterative: a body may be nested thousands deep. */
function nullCharacterErrors(body: unknown): FieldErrors {
  const errors: FieldErrors = Object.create(null)
  const pending: [unknown, string][] = [[body, '']]
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [value, path] = item
    if (typeof value === 'string') {
      if (value.includes('\u0000')) addFieldError(errors, path || 'non_field_errors', NUL_MESSAGE)
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key.includes('\u0000')) addFieldError(errors, 'non_field_errors', NUL_MESSAGE)
        pending.push([inner, path ? `${path}.${key}` : key])
      }
    }
  }
  return errors
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  'SQLITE_BUSY',
])

function isMissingReference(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true
  return error instanceof Error && /Connection terminated|timeout exceeded when trying to connect|Query read timeout|has encountered a connection error and is not queryable/i.test(error.message)
}

const ROUTED_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

/**
 * Records every route's path, so that `answerWrongMethods` can answer a known path asked with another method
 * with 405 (as Django REST framework does) instead of 404. Call before registering routes.
 */
export function trackRoutes(app: FastifyInstance): Map<string, Set<string>> {
  const methodsByPath = new Map<string, Set<string>>()
  app.addHook('onRoute', (route) => {
    if (route.url.includes('*')) return
    const methods = methodsByPath.get(route.url) ?? new Set()
    for (const method of [route.method].flat()) methods.add(method)
    methodsByPath.set(route.url, methods)
  })
  return methodsByPath
}

export function answerWrongMethods(app: FastifyInstance, methodsByPath: Map<string, Set<string>>): void {
  for (const [url, methods] of [...methodsByPath]) {
    const missing = ROUTED_METHODS.filter((method) => !methods.has(method))
    if (missing.length === 0) continue
    const allow = [...methods].join(', ')
    app.route({
      method: missing,
      url,
      schema: { hide: true },
      handler: async (request, reply) =>
        reply.code(405).header('allow', allow).send({ detail: `Method "${request.method}" not allowed.` }),
    })
  }
}
