import assert from 'node:assert/strict'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { sql } from 'kysely'
import { buildApp, type App } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { insertGame } from '../../src/games/repository.js'
import { createTestDatabase, NO_RATE_LIMITS, type TestDatabase } from '../helpers/app.js'
import { call, registerUser, STRONG_PASSWORD, type RegisteredUser } from '../helpers/client.js'

describe('DATABASE_READ_URL', () => {
  it('is unset by default: the read routes read DATABASE_URL', () => {
    assert.equal(loadConfig({}).databaseReadUrl, null)
    assert.equal(loadConfig({ DATABASE_READ_URL: '' }).databaseReadUrl, null)
  })

  it('names a PostgreSQL replica of a PostgreSQL DATABASE_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://db-primary/overworld', DATABASE_READ_URL: 'postgresql://db-replica/overworld' })
    assert.equal(config.databaseReadUrl, 'postgresql://db-replica/overworld')
  })

  it('is refused at start with SQLite, on either side, without repeating the URL (it may hold a password)', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://db-primary/overworld', DATABASE_READ_URL: 'sqlite:./replica.db' }),
      /^Error: DATABASE_READ_URL must be a PostgreSQL URL \(postgres:\/\/ or postgresql:\/\/\): only PostgreSQL has read replicas$/,
    )
    for (const DATABASE_URL of [undefined, 'sqlite:./data/overworld.db', 'sqlite::memory:']) {
      assert.throws(
        () => loadConfig({ DATABASE_URL, DATABASE_READ_URL: 'postgres://reader:s3cret@db-replica/overworld' }),
        /^Error: DATABASE_READ_URL needs DATABASE_URL to be PostgreSQL too: it names a read replica of that database$/,
        String(DATABASE_URL),
      )
    }
  })
})

const withoutPostgres = process.env.TEST_DATABASE_URL ? false : 'TEST_DATABASE_URL is not set: no PostgreSQL to test against'

/**
 * Two schemas migrated alike: the primary, and one standing in for its replica. Rows written to only one of them
 * show which one a route read. `replicaWriter` is the app on the replica alone: what it writes stands for what
 * replication has brought over (and not yet to the primary's readers, as it were).
 */
describe('a read replica [postgres]', { skip: withoutPostgres }, () => {
  let databases: TestDatabase[]
  let config: Config
  let primary: Db
  let replica: Db
  let app: App
  let replicaWriter: App
  let replicaWriterDb: Db

  beforeEach(async () => {
    databases = [await createTestDatabase('postgres'), await createTestDatabase('postgres')]
    const [primaryUrl, replicaUrl] = databases.map((database) => database.url) as [string, string]
    primary = openDatabase(primaryUrl)
    replica = openDatabase(replicaUrl)
    replicaWriterDb = openDatabase(replicaUrl)
    await migrateToLatest(primary)
    await migrateToLatest(replicaWriterDb)
    config = {
      ...loadConfig({ DATABASE_URL: primaryUrl, DATABASE_READ_URL: replicaUrl }),
      rateLimits: NO_RATE_LIMITS,
      popularCacheSeconds: 0,
    }
    app = await buildApp({ config, db: primary, replica, webDist: null })
    replicaWriter = await buildApp({ config: { ...config, databaseReadUrl: null }, db: replicaWriterDb, webDist: null })
  })

  afterEach(async () => {
    await app.close()
    await replicaWriter.close()
    for (const database of databases) await database.drop()
  })

  const count = async (db: Db, table: 'users' | 'games' | 'follows' | 'lists' | 'journal_entries') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  /** The same person on both sides, as replication would have it: same id, same username. */
  async function registerOnBoth(username: string): Promise<{ onPrimary: RegisteredUser; onReplica: RegisteredUser }> {
    const onPrimary = await registerUser(app, username)
    const onReplica = await registerUser(replicaWriter, username)
    assert.equal(onReplica.id, onPrimary.id)
    return { onPrimary, onReplica }
  }

  it('answers every read route from the replica: what only the replica has is found', async () => {
    const viewer = await registerOnBoth('viewer')
    // Everything below is on the replica only.
    const gameId = await insertGame(replicaWriterDb, { name: 'Celeste' })
    const ghost = await registerUser(replicaWriter, 'ghost')
    const fan = await registerUser(replicaWriter, 'fan')
    const write = async (user: RegisteredUser, url: string, body: unknown, status: number) => {
      const response = await call(replicaWriter, 'POST', url, { token: user.token, body })
      assert.equal(response.status, status, `${url}: ${response.text}`)
      return response.body
    }
    await write(fan, '/api/users/follow/', { username: 'ghost' }, 200)
    await write(viewer.onReplica, '/api/users/follow/', { username: 'ghost' }, 200)
    await write(ghost, '/api/actions/ratings/', { game: gameId, rating: 4.5 }, 200)
    await write(viewer.onReplica, '/api/actions/ratings/', { game: gameId, rating: 3 }, 200)
    const review = await write(ghost, '/api/actions/journal/', { game: gameId, date: '2024-03-17', entry_type: 'finished', review: 'Climbed it.' }, 201)
    await write(fan, `/api/reviews/${review.id}/comments`, { body: 'Same here.' }, 201)
    const list = await write(ghost, '/api/lists/', { title: 'Mountains', games: [{ game: gameId }] }, 201)

    assert.equal(await count(primary, 'users'), 1, 'the primary has only the viewer')
    assert.equal(await count(primary, 'games'), 0)

    const names = (results: { user: { username: string } }[]) => results.map((item) => item.user.username)
    const reads: [string, (body: any) => void][] = [
      ['/api/users/ghost', (body) => assert.equal(body.id, ghost.id)],
      ['/api/users/profile/ghost', (body) => assert.deepEqual(body.followers.length, 2)],
      ['/api/users/ghost/followers', (body) => assert.deepEqual(names(body.results).sort(), ['fan', 'viewer'])],
      ['/api/users/fan/following', (body) => assert.deepEqual(names(body.results), ['ghost'])],
      ['/api/users/ghost/games?status=played', (body) => assert.equal(body.results[0].game.id, gameId)],
      ['/api/users/profile/ghost/ratings', (body) => assert.equal(body.results[0].game.id, gameId)],
      ['/api/users/ghost/stats', (body) => assert.equal(body.counts.reviews, 1)],
      ['/api/users/ghost/lists', (body) => assert.deepEqual([body.results[0].id, body.results[0].preview[0].id], [list.id, gameId])],
      [`/api/lists/${list.id}`, (body) => assert.equal(body.title, 'Mountains')],
      ['/api/users/profile/ghost/activity', (body) => assert.equal(body.results[0].id, review.id)],
      ['/api/users/ghost/reviews', (body) => assert.equal(body.results[0].id, review.id)],
      [`/api/games/${gameId}`, (body) => assert.equal(body.name, 'Celeste')],
      [`/api/games/${gameId}/reviews`, (body) => assert.equal(body.results[0].id, review.id)],
      [`/api/reviews/${review.id}/comments`, (body) => assert.equal(body.results[0].body, 'Same here.')],
      ['/api/games/search/celeste', (body) => assert.equal(body[0].id, gameId)],
      ['/api/games/popular/?period=all', (body) => assert.equal(body[0].id, gameId)],
    ]
    for (const [url, check] of reads) {
      for (const token of [undefined, viewer.onPrimary.token]) {
        const response = await call(app, 'GET', url, { token })
        assert.equal(response.status, 200, `${url}: ${response.text}`)
        check(response.body)
      }
    }
    // Signed in on the primary, what they follow and see read from the replica.
    const feed = await call(app, 'GET', '/api/feed/', { token: viewer.onPrimary.token })
    assert.equal(feed.status, 200, feed.text)
    assert.ok(feed.body.results.length > 0)
    assert.ok(feed.body.results.every((item: { user: { username: string } }) => item.user.username === 'ghost'))
    const game = await call(app, 'GET', `/api/games/${gameId}`, { token: viewer.onPrimary.token })
    assert.equal(game.body.viewer.rating, 3)
  })

  it('writes to the primary, and answers each write from it', async () => {
    const viewer = await registerOnBoth('viewer')
    const host = await registerUser(app, 'host')
    const gameId = await insertGame(primary, { name: 'Hades' })

    const patched = await call(app, 'PATCH', '/api/users/profile/viewer', { token: viewer.onPrimary.token, body: { bio: 'Escaping.' } })
    assert.equal(patched.status, 200, patched.text)
    assert.equal(patched.body.bio, 'Escaping.')
    // The replica has not caught up: the profile read still shows what it has.
    assert.equal((await call(app, 'GET', '/api/users/viewer')).body.bio, null)
    assert.equal((await primary.selectFrom('users').select('bio').where('id', '=', viewer.onPrimary.id).executeTakeFirst())?.bio, 'Escaping.')

    const follow = await call(app, 'POST', '/api/users/follow/', { token: viewer.onPrimary.token, body: { username: 'host' } })
    assert.equal(follow.status, 200, follow.text)
    assert.equal(await count(primary, 'follows'), 1)
    assert.equal((await call(app, 'GET', '/api/users/host')).status, 404, 'host is on the primary only')

    const rated = await call(app, 'POST', '/api/actions/ratings/', { token: host.token, body: { game: gameId, rating: 5 } })
    assert.deepEqual(rated.body, { game: gameId, user: host.id, rating: 5 })
    // The viewer's own state of a game, asked right after changing it, is read from the primary.
    const rating = await call(app, 'GET', `/api/actions/ratings/?game=${gameId}`, { token: host.token })
    assert.deepEqual(rating.body, { game: gameId, user: host.id, rating: 5 })

    const entry = await call(app, 'POST', '/api/actions/journal/', {
      token: host.token,
      body: { game: gameId, date: '2024-03-17', entry_type: 'finished', review: 'Again.' },
    })
    assert.equal(entry.status, 201, entry.text)
    assert.equal(entry.body.game.name, 'Hades')
    const created = await call(app, 'POST', '/api/lists/', { token: host.token, body: { title: 'Underworld', games: [{ game: gameId }] } })
    assert.equal(created.status, 201, created.text)
    assert.deepEqual(
      created.body.games.map((item: { game: { name: string } }) => item.game.name),
      ['Hades'],
    )
    const edited = await call(app, 'PATCH', `/api/lists/${created.body.id}`, { token: host.token, body: { title: 'Down' } })
    assert.equal(edited.body.title, 'Down')

    for (const table of ['users', 'games', 'follows', 'lists', 'journal_entries'] as const) {
      assert.equal(await count(replica, table), table === 'users' ? 1 : 0, `${table} on the replica`)
    }
  })

  it('finds the token of every request on the primary: someone who just signed up or in is signed in at once', async () => {
    const newcomer = await registerUser(app, 'newcomer')
    const me = await call(app, 'GET', '/api/users/user/', { token: newcomer.token })
    assert.equal(me.status, 200, me.text)
    assert.equal(me.body.username, 'newcomer')
    // A read route on the replica, which does not know them yet, still knows who asks.
    const feed = await call(app, 'GET', '/api/feed/', { token: newcomer.token })
    assert.deepEqual([feed.status, feed.body], [200, { results: [], next: null }])

    const login = await call(app, 'POST', '/api/users/login/', { body: { username: 'newcomer', password: STRONG_PASSWORD } })
    assert.equal(login.status, 200, login.text)
    assert.equal((await call(app, 'GET', '/api/users/user/', { token: login.body.token })).status, 200)

    // A token the replica has and the primary does not is no token at all.
    const onReplicaOnly = await registerUser(replicaWriter, 'elsewhere')
    assert.equal((await call(app, 'GET', '/api/users/user/', { token: onReplicaOnly.token })).status, 401)
    assert.equal((await call(app, 'GET', '/api/users/elsewhere', { token: onReplicaOnly.token })).status, 401)
  })

  it('answers a search that just brought games from IGDB from the primary, where they were written', async () => {
    // Twitch's token endpoint and IGDB's games endpoint, as far as a search needs them.
    const igdb = http.createServer((request, response) => {
      response.setHeader('content-type', 'application/json')
      if (request.url?.startsWith('/oauth2/token')) {
        response.end(JSON.stringify({ access_token: 'token', expires_in: 3600, token_type: 'bearer' }))
      } else {
        response.end(JSON.stringify([{ id: 23733, name: 'Tunic' }]))
      }
    })
    igdb.listen(0, '127.0.0.1')
    await once(igdb, 'listening')
    const base = `http://127.0.0.1:${(igdb.address() as AddressInfo).port}`
    const [primaryUrl, replicaUrl] = databases.map((database) => database.url) as [string, string]
    const withIgdb = await buildApp({
      config: { ...config, igdb: { clientId: 'id', clientSecret: 'secret', tokenUrl: `${base}/oauth2/token`, apiUrl: `${base}/v4` } },
      db: openDatabase(primaryUrl),
      replica: openDatabase(replicaUrl),
      webDist: null,
    })
    try {
      const search = await call(withIgdb, 'GET', '/api/games/search/tunic')
      assert.equal(search.status, 200, search.text)
      assert.deepEqual(search.body.map((game: { name: string }) => game.name), ['Tunic'])
      assert.equal(await count(replica, 'games'), 0)
    } finally {
      await withIgdb.close()
      igdb.close()
    }
  })

  it('checks both databases in /healthz: either unreachable is a 503', async () => {
    assert.deepEqual((await call(app, 'GET', '/healthz')).body, { status: 'ok' })
    // Nothing listens on port 1: a replica that is down.
    const deadReplica = openDatabase('postgres://postgres@127.0.0.1:1/replica')
    const [primaryUrl] = databases.map((database) => database.url) as [string]
    const withDeadReplica = await buildApp({ config, db: openDatabase(primaryUrl), replica: deadReplica, webDist: null })
    try {
      const health = await call(withDeadReplica, 'GET', '/healthz')
      assert.deepEqual([health.status, health.body], [503, { status: 'unavailable' }])
    } finally {
      await withDeadReplica.close()
    }
  })

  it('closes the replica when the app closes', async () => {
    await sql`select 1`.execute(replica)
    await app.close()
    await assert.rejects(sql`select 1`.execute(replica))
    // afterEach closes it again: a closed app closes nothing twice.
  })
})
