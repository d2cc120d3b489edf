import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import {
  closeAllProxies,
  createPostgresDatabase,
  hostAndPort,
  killAllServers,
  signUp,
  sleep,
  startServer,
  startTcpProxy,
  waitFor,
  withoutPostgres,
  type HttpResponse,
  type PostgresDatabase,
  type ServerProcess,
  type TcpProxy,
} from '../helpers/server-process.js'

/** Longest a request may take while PostgreSQL is away (the pool's connect timeout is 3 s). */
const ANSWER_WITHIN_MS = 5000
/** While the network is silent, src answers once its query timeout (10 s) has passed. */
const PARTITION_ANSWER_WITHIN_MS = 12_000
const UNAVAILABLE = { detail: 'Service temporarily unavailable, try again shortly.' }

describe('PostgreSQL going away and coming back', { skip: withoutPostgres, timeout: 120_000 }, () => {
  let database: PostgresDatabase | undefined
  let proxy: TcpProxy
  let server: ServerProcess

  beforeEach(async () => {
    database = await createPostgresDatabase()
    proxy = await startTcpProxy(hostAndPort(database.url, 5432))
    const url = new URL(database.url)
    url.hostname = '127.0.0.1'
    url.port = String(proxy.port)
    // Reads are not limited: the traffic below may make more than a minute's allowance on a quiet machine.
    server = await startServer({ DATABASE_URL: url.toString(), PG_POOL_SIZE: '4', RATE_LIMIT_READS_PER_MINUTE: '0' })
  })
  afterEach(async () => {
    await killAllServers()
    await closeAllProxies()
    await database?.drop()
  })

  /** A request that must answer within ANSWER_WITHIN_MS. */
  async function timed(method: string, url: string): Promise<HttpResponse> {
    const started = Date.now()
    const response = await server.request(method, url)
    const took = Date.now() - started
    assert.ok(took < ANSWER_WITHIN_MS, `${method} ${url} took ${took} ms`)
    return response
  }

  test('requests get 503 while it is away, the process lives on, and it recovers by itself', async () => {
    const madeline = await signUp(server, 'madeline')
    assert.equal((await timed('GET', '/api/users/madeline')).status, 200)

    // Traffic flows while the connection is cut: every answer is a 200 or a 503, none slow, none a 500.
    let flowing = true
    const seen: HttpResponse[] = []
    const traffic = Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let i = 0; flowing && i < 500; i++) seen.push(await timed('GET', i % 2 ? '/api/users/madeline' : '/healthz'))
      }),
    ).then(
      () => undefined,
      (error: unknown) => error,
    )
    await sleep(300)
    await proxy.cut()
    await sleep(1000)
    flowing = false
    const failure = await traffic
    if (failure) throw failure
    for (const response of seen) {
      assert.ok(response.status === 200 || response.status === 503, `${response.status} ${JSON.stringify(response.body)}`)
      if (response.status === 503) assert.ok(response.body.status === 'unavailable' || response.body.detail === UNAVAILABLE.detail)
    }
    assert.ok(seen.some((response) => response.status === 200), 'traffic was flowing before the cut')

    // While it stays away: health and API reads answer 503, quickly.
    for (let i = 0; i < 3; i++) {
      const health = await timed('GET', '/healthz')
      assert.equal(health.status, 503)
      assert.deepEqual(health.body, { status: 'unavailable' })
      const profile = await timed('GET', '/api/users/madeline')
      assert.equal(profile.status, 503)
      assert.deepEqual(profile.body, UNAVAILABLE)
      const me = await server.request('GET', '/api/users/user/', { token: madeline.token })
      assert.equal(me.status, 503)
      assert.deepEqual(me.body, UNAVAILABLE)
    }
    assert.equal(server.child.exitCode, null, 'the server process is still running')
    assert.equal(server.child.signalCode, null)

    // Back on the same address: health turns 200 by itself, and reads and writes work again.
    await proxy.restore()
    await waitFor('health to be 200 again', async () => (await server.request('GET', '/healthz')).status === 200, 15_000)
    const profile = await timed('GET', '/api/users/madeline')
    assert.equal(profile.status, 200)
    assert.equal(profile.body.id, madeline.id)
    const theo = await signUp(server, 'theo')
    const follow = await server.request('POST', '/api/users/follow/', { token: theo.token, body: { username: 'madeline' } })
    assert.equal(follow.status, 200)
    assert.deepEqual((await server.request('GET', '/api/users/madeline')).body.followers, [theo.id])
    assert.doesNotMatch(server.output(), /"level":50/, 'nothing was logged as an error')
  })

  test('a PostgreSQL that stops answering without closing its connections (network partition) gets 503s', async () => {
    const madeline = await signUp(server, 'madeline')
    proxy.freeze()
    // src bounds each query (query_timeout) and each connection attempt: every request ends in a 503 within that.
    for (const url of ['/healthz', '/api/users/madeline']) {
      const started = Date.now()
      const response = await server.request('GET', url, { timeoutMs: PARTITION_ANSWER_WITHIN_MS + 5000 })
      const took = Date.now() - started
      assert.ok(took < PARTITION_ANSWER_WITHIN_MS, `GET ${url} took ${took} ms`)
      assert.equal(response.status, 503)
      assert.deepEqual(response.body, url === '/healthz' ? { status: 'unavailable' } : UNAVAILABLE)
    }
    assert.equal(server.child.exitCode, null, 'the server process is still running')

    // The partition heals: the held bytes go through and the server answers again by itself.
    await proxy.restore()
    await waitFor('health to be 200 again', async () => (await server.request('GET', '/healthz')).status === 200, 15_000)
    const profile = await timed('GET', '/api/users/madeline')
    assert.equal(profile.status, 200)
    assert.equal(profile.body.id, madeline.id)
  })
})
