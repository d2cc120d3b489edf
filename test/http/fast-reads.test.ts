import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { inject } from 'light-my-request'
import { buildApp, type App } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { importGames } from '../../src/games/import.js'
import { createTestDatabase, NO_RATE_LIMITS, testedDatabases, type TestDatabase } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

// The hottest reads are answered before Fastify from kept bytes (src/http/fast-reads.ts). Each test here knows
// which path answered (Fastify's onRequest hook counts the requests that reach it) and checks that the fast
// answer is the answer Fastify's own route gives: same status, body and headers.

interface CountingApp {
  app: App
  db: Db
  /** How many requests Fastify's hooks have seen. */
  reachedFastify(): number
  logLines: Record<string, unknown>[]
  close(): Promise<void>
}

async function buildCountingApp(kind: (typeof testedDatabases)[number], overrides: Partial<Config> = {}): Promise<CountingApp> {
  const database: TestDatabase = await createTestDatabase(kind)
  const db = openDatabase(database.url)
  await migrateToLatest(db)
  const config = { ...loadConfig({}), databaseUrl: database.url, rateLimits: NO_RATE_LIMITS, ...overrides }
  const logLines: Record<string, unknown>[] = []
  const logger = { level: 'info', stream: { write: (line: string) => logLines.push(JSON.parse(line)) } }
  const app = await buildApp({ config, db, webDist: null, logger })
  let reached = 0
  app.addHook('onRequest', (_request, _reply, done) => {
    reached++
    done()
  })
  await app.ready()
  return {
    app,
    db,
    reachedFastify: () => reached,
    logLines,
    close: async () => {
      await app.close()
      await database.drop()
    },
  }
}

/** The headers two answers to the same request must share: all but the date and the request's own id. */
function comparableHeaders(headers: Record<string, unknown>) {
  const { date: _, 'x-request-id': __, ...rest } = headers
  return rest
}

for (const kind of testedDatabases) {
  describe(`fast reads [${kind}]`, () => {
    let counting: CountingApp
    let alice: RegisteredUser
    let bob: RegisteredUser
    let gameId: number
    beforeEach(async () => {
      counting = await buildCountingApp(kind)
      alice = await registerUser(counting.app, 'alice')
      bob = await registerUser(counting.app, 'bob')
      await importGames(counting.db, [{ id: 71, name: 'Portal', summary: 'A puzzle game.', cover: { image_id: 'p1' } }])
      gameId = (await call(counting.app, 'GET', '/api/games/portal')).body.id
      assert.equal((await call(counting.app, 'POST', '/api/actions/log/', { token: alice.token, body: { game: gameId, value: true } })).status, 200)
    })
    afterEach(() => counting.close())

    /** The request through the server's handler (fast path first), and whether Fastify saw it. */
    async function serverAnswer(url: string, headers: Record<string, string> = {}) {
      const before = counting.reachedFastify()
      const response = await inject(counting.app.handleRequest, { method: 'GET', url, headers })
      return { response, fast: counting.reachedFastify() === before }
    }

    /** Reads `url` once to have it kept, then checks that the next read is fast and is Fastify's answer. */
    async function assertFastAndSame(url: string, headers: Record<string, string> = {}) {
      await serverAnswer(url, headers)
      const { response, fast } = await serverAnswer(url, headers)
      assert.ok(fast, `${url} was answered by Fastify`)
      const fastify = await counting.app.inject({ method: 'GET', url, headers })
      assert.equal(response.statusCode, fastify.statusCode)
      assert.equal(response.body, fastify.body)
      assert.deepEqual(comparableHeaders(response.headers), comparableHeaders(fastify.headers))
      assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/)
      return response
    }

    const as = (user: RegisteredUser) => ({ authorization: `Token ${user.token}` })

    it('answers a kept profile, anonymous or signed in, as its route does', async () => {
      const anonymous = await assertFastAndSame('/api/users/alice')
      assert.equal(anonymous.json().email, undefined)
      assert.equal((await assertFastAndSame('/api/users/profile/alice')).json().username, 'alice')
      const own = await assertFastAndSame('/api/users/alice', as(alice))
      assert.equal(own.json().email, 'alice@example.com')
      const other = await assertFastAndSame('/api/users/alice', as(bob))
      assert.equal(other.json().email, undefined, "another viewer never gets alice's email")
      assert.equal(other.json().me.username, 'bob')
    })

    it('answers the signed-in user and a kept game page, anonymous or signed in, as their routes do', async () => {
      const me = (await assertFastAndSame('/api/users/user/', as(alice))).json()
      assert.deepEqual(Object.keys(me), ['id', 'username', 'email', 'gravatar'])
      assert.equal(me.id, alice.id)
      await assertFastAndSame(`/api/games/${gameId}`)
      await assertFastAndSame('/api/games/portal')
      assert.equal((await assertFastAndSame(`/api/games/${gameId}`, as(alice))).json().viewer.played, true)
      assert.equal((await assertFastAndSame(`/api/games/${gameId}`, as(bob))).json().viewer.played, false)
    })

    it("answers an anonymous reader's kept page of followers or following as its route does; a viewer's goes to the route", async () => {
      assert.equal((await call(counting.app, 'POST', '/api/users/follow/', { token: bob.token, body: { username: 'alice' } })).status, 200)
      assert.deepEqual((await assertFastAndSame('/api/users/alice/followers')).json().results[0].user.username, 'bob')
      assert.equal((await assertFastAndSame('/api/users/bob/following')).json().results[0].user.username, 'alice')
      await serverAnswer('/api/users/alice/followers', as(bob))
      const signedIn = await serverAnswer('/api/users/alice/followers', as(bob))
      assert.equal(signedIn.fast, false)
      assert.equal(signedIn.response.json().results[0].followed_by_me, false)
    })

    it("answers an anonymous reader's kept first page of a list as its route does; any other query goes to the route", async () => {
      const played = await assertFastAndSame('/api/users/alice/games?status=played')
      assert.equal(played.json().results[0].game.name, 'Portal')
      assert.deepEqual((await assertFastAndSame('/api/users/alice/games/?status=liked')).json().results, [])
      for (const [url, status] of [
        ['/api/users/alice/games?status=played&limit=1', 200], // a page size: the route's
        ['/api/users/alice/games?status=played&status=liked', 400],
        ['/api/users/alice/games?status=playd', 400],
        ['/api/users/alice/games?status=%70layed', 200], // an escape: decoded by Fastify
        ['/api/users/alice/games', 400],
        ['/api/users/nobody/games?status=played', 404],
      ] as const) {
        await serverAnswer(url)
        const { response, fast } = await serverAnswer(url)
        assert.equal(fast, false, `${url} should reach Fastify`)
        assert.equal(response.statusCode, status, `${url}: ${response.body}`)
      }
      // A token counts the read against its account: the route's to answer.
      await serverAnswer('/api/users/alice/games?status=played', as(bob))
      assert.equal((await serverAnswer('/api/users/alice/games?status=played', as(bob))).fast, false)
      // A query on a read that takes none is the route's too.
      assert.equal((await serverAnswer('/api/games/portal?status=played')).fast, false)
    })

    it("answers an anonymous reader's kept search as its route does; a longer name than the route takes goes to it", async () => {
      assert.equal((await assertFastAndSame('/api/games/search/portal')).json()[0].name, 'Portal')
      assert.deepEqual((await assertFastAndSame('/api/games/search/zzzz')).json(), [])
      // Searched as "portal", whose answer is kept, but longer than a name may be.
      const tooLong = `/api/games/search/portal${'-'.repeat(200)}`
      await serverAnswer(tooLong)
      const refused = await serverAnswer(tooLong)
      assert.deepEqual([refused.fast, refused.response.statusCode], [false, 400])
      await serverAnswer('/api/games/search/portal', as(bob))
      assert.equal((await serverAnswer('/api/games/search/portal', as(bob))).fast, false)
    })

    it("answers a reader's kept feed page as its route does", async () => {
      assert.equal((await call(counting.app, 'POST', '/api/users/follow/', { token: bob.token, body: { username: 'alice' } })).status, 200)
      const page = await assertFastAndSame('/api/feed/', as(bob))
      assert.equal(page.json().results[0].user.username, 'alice')
      assert.equal(page.headers['cache-control'], 'private, no-cache')
      assert.equal((await serverAnswer('/api/feed/')).response.statusCode, 401)
    })

    it('answers 304 for a matching If-None-Match, and 200 for a stale one', async () => {
      const first = await assertFastAndSame('/api/users/alice')
      const etag = String(first.headers.etag)
      const revalidated = await assertFastAndSame('/api/users/alice', { 'if-none-match': etag })
      assert.equal(revalidated.statusCode, 304)
      assert.equal(revalidated.body, '')
      const stale = await assertFastAndSame('/api/users/alice', { 'if-none-match': '"u1.0.old"' })
      assert.equal(stale.statusCode, 200)
    })

    it('leaves to Fastify what it cannot answer from kept bytes', async () => {
      await serverAnswer('/api/users/alice')
      for (const [url, headers, status] of [
        ['/api/users/alice?x=1', {}, 200], // a query: the route's to read or refuse
        ['/api/users/%61lice', {}, 200], // an escape: decoded by Fastify's router
        ['/api/users/nobody', {}, 404],
        ['/api/users/alice', { authorization: 'Token 0000' }, 401],
        ['/api/users/user/', {}, 401],
      ] as const) {
        const { response, fast } = await serverAnswer(url, headers)
        assert.equal(fast, false, `${url} should reach Fastify`)
        assert.equal(response.statusCode, status, `${url}: ${response.body}`)
      }
      // A profile not kept yet is read and kept by its route; the next read is fast.
      assert.equal((await serverAnswer('/api/users/bob')).fast, false)
      assert.equal((await serverAnswer('/api/users/bob')).fast, true)
    })

    it('shows a change on the very next read', async () => {
      await assertFastAndSame('/api/users/alice')
      assert.equal((await call(counting.app, 'PATCH', '/api/users/profile/alice', { token: alice.token, body: { bio: 'Speedrunner' } })).status, 200)
      const { response } = await serverAnswer('/api/users/alice')
      assert.equal(response.json().bio, 'Speedrunner')
    })

    it('logs a fast answer as Fastify logs a request, without its token', async () => {
      await serverAnswer('/api/users/user/', as(alice))
      counting.logLines.length = 0
      const { response, fast } = await serverAnswer('/api/users/user/', as(alice))
      assert.ok(fast)
      const completed = counting.logLines.find((line) => line.msg === 'request completed')
      assert.ok(completed, JSON.stringify(counting.logLines))
      assert.equal(completed.reqId, response.headers['x-request-id'])
      assert.equal((completed.res as { statusCode: number }).statusCode, 200)
      assert.ok(counting.logLines.some((line) => line.msg === 'incoming request' && (line.req as { url: string }).url === '/api/users/user/'))
      assert.ok(!JSON.stringify(counting.logLines).includes(alice.token))
    })

    it('answers over a real socket the same way', async () => {
      await counting.app.listen({ port: 0, host: '127.0.0.1' })
      const { port } = counting.app.server.address() as AddressInfo
      const url = `http://127.0.0.1:${port}/api/users/alice`
      await fetch(url)
      const before = counting.reachedFastify()
      const response = await fetch(url)
      assert.equal(counting.reachedFastify(), before)
      assert.equal(response.status, 200)
      assert.equal(((await response.json()) as { username: string }).username, 'alice')
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff')
      assert.equal(response.headers.get('cache-control'), 'public, no-cache')
    })
  })
}
