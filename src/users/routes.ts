import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthHooks } from '../auth/authenticate.js'
import { sessionOf } from '../auth/authenticate.js'
import { clientOf, setDeviceCookie, type SignInGuard } from '../auth/sign-in-guard.js'
import { trustDevice } from '../auth/devices.js'
import { issueToken, purgeExpiredTokens, revokeAllTokens, revokeToken, type Session } from '../auth/tokens.js'
import type { Config } from '../config.js'
import type { Db } from '../db/database.js'
import { andThen } from '../db/prepared.js'
import type { Throttles } from '../http/rate-limit.js'
import { createVersionedAnswers, keptJson, type KeptAnswer } from '../http/answer-cache.js'
import type { FastReads } from '../http/fast-reads.js'
import { decodeCursor, DEFAULT_PAGE_LIMIT } from '../http/cursor.js'
import { ApiError, badRequest, forbidden, notFound } from '../http/errors.js'
import { errorResponses, NoContent, NotModified, tokenSecurity } from '../http/schemas.js'
import { changePassword, checkCredentials, deleteAccount, registerAccount, updateProfile } from './accounts.js'
import { accountCsv, accountJson } from './export.js'
import {
  createFollowsReads,
  createProfileReads,
  findUserIdByUsername,
  followUser,
  unfollowUser,
  type ProfileData,
} from './repository.js'
import {
  AuthResult,
  ChangePasswordBody,
  CurrentUser,
  DeleteAccountBody,
  ExportQuery,
  EmptyList,
  FollowBody,
  FollowsPage,
  FollowsQuery,
  LoginBody,
  Profile,
  ProfileUpdateBody,
  RegisterBody,
  UsernameParams,
} from './schemas.js'
import { usernameKey } from './usernames.js'

export interface UsersRoutesOptions {
  db: Db
  /** The read replica, or `db` without one. */
  reads: Db
  config: Config
  auth: AuthHooks
  throttles: Throttles
  signInGuard: SignInGuard
  fastReads: FastReads
}

const tags = ['users']
const security = tokenSecurity

/** The viewer's own part of a profile: who they are, whether they follow it, and if it is theirs, the email. */
function viewerProfileFields(data: ProfileData, viewer: Session['user']) {
  return {
    ...(viewer.id === data.id ? { email: data.email, use_gravatar: data.use_gravatar } : {}),
    me: viewer,
    followingUser: data.followers.includes(viewer.id),
  }
}

/** What a viewer may see of a profile: the email (and avatar setting) only if it is theirs; with a token, who they are. */
function presentProfile(data: ProfileData, session: Session): Profile {
  const { email: _, use_gravatar: __, ...publicProfile } = data
  return { ...publicProfile, ...viewerProfileFields(data, session.user) }
}

/** The signed-in user as CurrentUser serializes it (its fields, in its order). */
function currentUserJson({ id, username, email, gravatar }: Session['user']): Buffer {
  return Buffer.from(JSON.stringify({ id, username, email, gravatar }))
}

/** How many accounts' answers to GET /api/users/user/ are kept; emptied when full. */
const KEPT_CURRENT_USERS = 10_000

/**
 * The answer to GET /api/users/user/ for the user a token has just been read as, kept per account while their
 * fields are the same: serializing it again for every read cost as much as the rest of our code for it.
 */
function createCurrentUserAnswers(): (user: Session['user']) => KeptAnswer {
  const answers = new Map<number, { user: Session['user']; answer: KeptAnswer }>()
  return (user) => {
    const known = answers.get(user.id)
    if (known && known.user.username === user.username && known.user.email === user.email && known.user.gravatar === user.gravatar) {
      return known.answer
    }
    const answer = keptJson(currentUserJson(user))
    if (answers.size >= KEPT_CURRENT_USERS) answers.clear()
    answers.set(user.id, { user, answer })
    return answer
  }
}

export const usersRoutes: FastifyPluginAsyncTypebox<UsersRoutesOptions> = async (app, { db, reads, config, auth, throttles, signInGuard, fastReads }) => {
  /** Accounts with an export under way in this process: one at a time each (the hourly limit spans processes). */
  const exporting = new Set<number>()
  const profiles = createProfileReads(reads)
  /** A profile edit answers the profile as edited: from the primary, which the replica may not have caught up with. */
  const editedProfiles = createProfileReads(db)

  app.post(
    '/api/users/register/',
    {
      preHandler: async (request) => throttles.signUp(request.ip),
      schema: {
        tags,
        summary: 'Create an account and sign in',
        body: RegisterBody,
        response: { 201: AuthResult, ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      const user = await registerAccount(db, request.body)
      const token = await issueToken(db, user.id, config.tokenTtlHours)
      const deviceToken = await trustDevice(db, user.id)
      setDeviceCookie(request, reply, deviceToken)
      return reply.code(201).send({ user, ...token, device_token: deviceToken })
    },
  )

  app.post(
    '/api/users/login/',
    {
      schema: {
        tags,
        summary: 'Sign in with username (or email) and password; each sign-in issues a new token',
        body: LoginBody,
        response: { 200: AuthResult, ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      const { account, deviceToken } = await checkCredentials(db, signInGuard, clientOf(request), request.body)
      await purgeExpiredTokens(db, account.id)
      setDeviceCookie(request, reply, deviceToken)
      return { user: account, ...(await issueToken(db, account.id, config.tokenTtlHours)), device_token: deviceToken }
    },
  )

  app.post(
    '/api/users/logout/',
    {
      onRequest: auth.requireUser,
      schema: { tags, security, summary: 'Revoke the token of this request', response: { 204: NoContent, ...errorResponses(401) } },
    },
    async (request, reply) => {
      await revokeToken(db, sessionOf(request).tokenDigest)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/api/users/logoutall/',
    {
      onRequest: auth.requireUser,
      schema: { tags, security, summary: 'Revoke every token of this user', response: { 204: NoContent, ...errorResponses(401) } },
    },
    async (request, reply) => {
      await revokeAllTokens(db, sessionOf(request).user.id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/users/user/',
    {
      onRequest: auth.requireUser,
      schema: { tags, security, summary: 'The signed-in user', response: { 200: CurrentUser, ...errorResponses(401) } },
    },
    async (request) => sessionOf(request).user,
  )
  const currentUserAnswer = createCurrentUserAnswers()
  fastReads.get('/api/users/user/', ({ session }) => (session ? currentUserAnswer(session.user) : undefined))

  app.delete(
    '/api/users/user/',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Delete your account and everything it owns (confirm with your password)',
        body: DeleteAccountBody,
        response: { 204: NoContent, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      await deleteAccount(db, signInGuard, clientOf(request), sessionOf(request).user.id, request.body.password)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/api/users/user/password/',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Change your password; your other sessions are signed out, this one stays',
        body: ChangePasswordBody,
        response: { 204: NoContent, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      await changePassword(db, signInGuard, clientOf(request), sessionOf(request), request.body)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/users/me/export',
    {
      // Fastify would answer HEAD by running the export and draining it unseen, outside the one-at-a-time rule.
      exposeHeadRoute: false,
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Download everything you own: profile, lists of games, ratings, journal, reviews, lists',
        querystring: ExportQuery,
        response: {
          200: {
            description: 'A JSON document or a CSV table, as an attachment',
            content: {
              'application/json': { schema: { type: 'object', additionalProperties: true } },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          ...errorResponses(400, 401, 429),
        },
      },
    },
    async (request, reply) => {
      const user = sessionOf(request).user
      if (exporting.has(user.id)) throw new ApiError(429, { detail: 'An export of your account is already running: wait for it to finish.' })
      exporting.add(user.id)
      // Closed once the last byte is out, or when the client goes away (which also stops the reading).
      reply.raw.once('close', () => exporting.delete(user.id))
      await throttles.export(user.id)
      const name = `overworld-${user.username.replace(/[^\w.-]/g, '_')}.${request.query.format}`
      reply.header('content-disposition', `attachment; filename="${name}"`)
      const [type, pieces] =
        request.query.format === 'csv'
          ? ['text/csv; charset=utf-8', accountCsv(db, user.id)]
          : ['application/json; charset=utf-8', accountJson(db, user.id, new Date().toISOString())]
      // Byte mode: the stream reads ahead one piece or so, as fast as the client takes them. (The response schema
      // documents the body; Fastify sends a stream as it comes.)
      return reply.type(type).send(Readable.from(pieces, { objectMode: false }) as never)
    },
  )

  const profileRoute = {
    onRequest: auth.optionalUser,
    schema: {
      tags,
      summary: "A user's profile (the email only to its owner)",
      params: UsernameParams,
      response: { 200: Profile, 304: NotModified, ...errorResponses(401, 404) },
    },
  }
  /** Profiles as anonymous readers see them; the owner's email and the followers make a viewer's part. */
  const profilesKept = createVersionedAnswers<ProfileData, Session['user']>({
    kind: 'u',
    schema: Profile,
    maxBytes: config.answerCacheBytes,
    viewerFields: viewerProfileFields,
  })
  for (const url of ['/api/users/:username', '/api/users/profile/:username']) {
    fastReads.get(url, ({ params, session, headers }) =>
      andThen(profiles.findProfileVersion(params.username as string), (head) =>
        head && profilesKept.kept(headers['if-none-match'], { ...head, viewer: session?.user }),
      ),
    )
    app.get(url, profileRoute, async (request, reply) => {
      const head = await profiles.findProfileVersion(request.params.username)
      if (!head) throw notFound()
      return profilesKept.send(request, reply, { ...head, viewer: request.session?.user }, async () => {
        const profile = await profiles.findProfileByUsername(request.params.username)
        if (!profile) return undefined
        const { email: _, use_gravatar: __, ...publicProfile } = profile
        return { id: profile.id, publicAnswer: publicProfile, data: profile }
      })
    })
  }

  const updateRoute = {
    onRequest: auth.requireUser,
    schema: {
      tags,
      security,
      summary: 'Edit your own profile',
      params: UsernameParams,
      body: ProfileUpdateBody,
      response: { 200: Profile, ...errorResponses(400, 401, 403) },
    },
  }
  app.route({
    method: ['POST', 'PATCH'],
    url: '/api/users/profile/:username',
    ...updateRoute,
    handler: async (request) => {
      const session = sessionOf(request)
      if (usernameKey(request.params.username) !== usernameKey(session.user.username)) throw forbidden()
      await updateProfile(db, session.user, request.body)
      const profile = await editedProfiles.findProfileByUsername(request.body.username ?? session.user.username)
      if (!profile) throw notFound()
      const { id, username, email, gravatar } = profile
      return presentProfile(profile, { ...session, user: { id, username, email, gravatar } })
    },
  })

  const followRoute = (summary: string) => ({
    onRequest: auth.requireUser,
    schema: { tags, security, summary, body: FollowBody, response: { 200: EmptyList, ...errorResponses(400, 401, 404) } },
  })

  app.post('/api/users/follow/', followRoute('Follow a user'), async (request) => {
    const me = sessionOf(request).user
    const targetId = await findUserIdByUsername(db, request.body.username)
    if (targetId === undefined) throw notFound('User does not exist')
    if (targetId === me.id) throw badRequest('You cannot follow yourself.')
    await db.transaction().execute((trx) => followUser(trx, me.id, targetId))
    return []
  })

  app.post('/api/users/unfollow/', followRoute('Stop following a user'), async (request) => {
    const me = sessionOf(request).user
    const targetId = await findUserIdByUsername(db, request.body.username)
    if (targetId === undefined) throw notFound('User does not exist')
    if (targetId === me.id) throw badRequest('You cannot unfollow yourself.')
    await db.transaction().execute((trx) => unfollowUser(trx, me.id, targetId))
    return []
  })

  const followsReads = createFollowsReads(reads)
  /** Anonymous readers' pages of followers and following, kept by followsReads.findFollowsVersion. */
  const followsPagesKept = createVersionedAnswers<null, never>({
    kind: 'f',
    schema: FollowsPage,
    maxBytes: config.answerCacheBytes,
    viewerFields: () => ({}),
  })
  /** Which of an owner's pages a kept answer is: the list, and the page as asked for. */
  const followsPart = (direction: string, cursor: string | undefined, limit: number) => `${direction}:${cursor ?? ''}:${limit}`
  for (const direction of ['followers', 'following'] as const) {
    const url = `/api/users/:username/${direction}`
    fastReads.get(url, ({ params, session, headers }) => {
      if (session) return undefined
      return andThen(followsReads.findFollowsVersion(params.username as string), (head) =>
        head && followsPagesKept.kept(headers['if-none-match'], { ...head, viewer: undefined, part: followsPart(direction, undefined, DEFAULT_PAGE_LIMIT) }),
      )
    })
    app.get(
      url,
      {
        onRequest: auth.optionalUser,
        schema: {
          tags,
          summary:
            direction === 'followers'
              ? 'The people following a user, most recent first, a page at a time'
              : 'The people a user follows, most recent first, a page at a time',
          params: UsernameParams,
          querystring: FollowsQuery,
          response: { 200: FollowsPage, 304: NotModified, ...errorResponses(400, 401, 404) },
        },
      },
      async (request, reply) => {
        const { username } = request.params
        const { cursor, limit } = request.query
        const after = decodeCursor<[string, number]>(cursor, ['timestamp', 'number'])
        const viewerId = request.session?.user.id
        const readPage = () => followsReads.findFollowsPage(username, { direction, after, limit, viewerId })
        // A signed-in viewer's page says whom they follow: read for them alone, never kept.
        if (viewerId !== undefined) {
          const found = await readPage()
          if (!found) throw notFound()
          return found.page
        }
        const head = await followsReads.findFollowsVersion(username)
        if (!head) throw notFound()
        return followsPagesKept.send(request, reply, { ...head, viewer: undefined, part: followsPart(direction, cursor, limit) }, async () => {
          const found = await readPage()
          return found && { id: found.ownerId, publicAnswer: found.page, data: null }
        })
      },
    )
  }
}
