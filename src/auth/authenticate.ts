import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/database.js'
import type { MaybePromise } from '../db/prepared.js'
import { ApiError } from '../http/errors.js'
import { createSessionLookup, type Session } from './tokens.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session, set by the authentication hooks; null for anonymous requests. */
    session: Session | null
  }
}

const unauthorized = (detail: string) => new ApiError(401, { detail })

/** `Authorization: Token <token>` (what django-rest-knox clients send) or `Bearer <token>`. */
const AUTHORIZATION = /^\s*(?:token|bearer)\s+(\S+)\s*$/i

function tokenFromHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const token = AUTHORIZATION.exec(header)?.[1]
  if (token === undefined) throw unauthorized('Invalid token.')
  return token
}

export interface AuthHooks {
  /** Refuses the request with 401 unless it carries a valid token. */
  requireUser(request: FastifyRequest, reply: FastifyReply): Promise<void>
  /** Lets anonymous requests through; a token, when sent, must be valid. */
  optionalUser(request: FastifyRequest, reply: FastifyReply): Promise<void>
  /**
   * The session an Authorization header names: null without the header, undefined when it is not valid. At
   * once on SQLite (see fast-reads.ts).
   */
  findSession(authorization: string | undefined): MaybePromise<Session | null | undefined>
}

export function createAuthHooks(db: Db): AuthHooks {
  const findSessionByToken = createSessionLookup(db)
  async function resolveSession(request: FastifyRequest, required: boolean): Promise<void> {
    const token = tokenFromHeader(request.headers.authorization)
    if (token === undefined) {
      if (required) throw unauthorized('Authentication credentials were not provided.')
      return
    }
    const session = await findSessionByToken(token)
    if (!session) throw unauthorized('Invalid token.')
    request.session = session
  }
  return {
    requireUser: (request) => resolveSession(request, true),
    optionalUser: (request) => resolveSession(request, false),
    findSession(authorization) {
      if (authorization === undefined) return null
      let token: string | undefined
      try {
        token = tokenFromHeader(authorization)
      } catch {
        return undefined // a malformed header: no session
      }
      return token === undefined ? null : findSessionByToken(token)
    },
  }
}

/** The session of a route guarded by `requireUser`. */
export function sessionOf(request: FastifyRequest): Session {
  if (!request.session) throw unauthorized('Authentication credentials were not provided.')
  return request.session
}
