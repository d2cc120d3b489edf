import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import type { Redis } from 'ioredis'
import { STRONG_PASSWORD } from '../helpers/client.js'
import {
  connectRedis,
  createPostgresDatabase,
  deleteKeys,
  killAllServers,
  randomKeyPrefix,
  signUp,
  startServer,
  waitFor,
  withoutPostgres,
  withoutRedis,
  type PostgresDatabase,
  type ServerProcess,
} from '../helpers/server-process.js'

const THROTTLED = /^Request was throttled\. Expected available in ([1-9]\d*) seconds\.$/

describe('two instances on one PostgreSQL and one Redis', { skip: withoutPostgres || withoutRedis, timeout: 120_000 }, () => {
  let database: PostgresDatabase | undefined
  let redis: Redis | undefined
  let prefix: string
  let a: ServerProcess
  let b: ServerProcess

  before(async () => {
    redis = await connectRedis()
  })
  beforeEach(async () => {
    database = await createPostgresDatabase()
    prefix = randomKeyPrefix()
    const settings = {
      DATABASE_URL: database.url,
      REDIS_URL: process.env.TEST_REDIS_URL as string,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_AUTH_PER_MINUTE: '4',
      // Each attempt below comes from its own client address, so that only the per-username count adds up.
      TRUST_PROXY: '1',
    }
    // One after the other: the first one migrates the new database.
    a = await startServer(settings)
    b = await startServer(settings)
  })
  afterEach(async () => {
    await killAllServers()
    await database?.drop()
    if (redis) await deleteKeys(redis, prefix)
  })
  after(() => redis?.quit())

  let address = 0
  const fromNewAddress = () => ({ 'x-forwarded-for': `10.0.${Math.floor(++address / 250)}.${address % 250}` })

  test('a token issued by one instance works on the other', async () => {
    const madeline = await signUp(a, 'madeline', fromNewAddress())
    const me = await b.request('GET', '/api/users/user/', { token: madeline.token })
    assert.equal(me.status, 200)
    assert.equal(me.body.id, madeline.id)
    assert.equal(me.body.username, 'madeline')
  })

  test('a logout on one instance is honoured by the other at once', async () => {
    const madeline = await signUp(a, 'madeline', fromNewAddress())
    assert.equal((await a.request('GET', '/api/users/user/', { token: madeline.token })).status, 200)
    const logout = await b.request('POST', '/api/users/logout/', { token: madeline.token })
    assert.equal(logout.status, 204)
    for (const server of [a, b]) {
      const me = await server.request('GET', '/api/users/user/', { token: madeline.token })
      assert.equal(me.status, 401)
      assert.deepEqual(me.body, { detail: 'Invalid token.' })
    }
  })

  for (const last of ['a', 'b'] as const) {
    test(`sign-in attempts for one username are counted across both (the 5th reaches ${last})`, async () => {
      const theo = await signUp(a, 'theo', fromNewAddress())
      // Alternating so that the 5th attempt lands on `last`.
      const order = last === 'a' ? [a, b, a, b, a, b] : [b, a, b, a, b, a]
      const attempt = (server: ServerProcess, password: string) =>
        server.request('POST', '/api/users/login/', { body: { username: 'theo', password }, headers: fromNewAddress() })
      for (const server of order.slice(0, 4)) {
        const refused = await attempt(server, 'not-the-password-1984')
        assert.equal(refused.status, 400)
        assert.deepEqual(refused.body, { non_field_errors: ['Incorrect username/password.'] })
      }
      // The counter lives in Redis, under this test's prefix and the account's id, and says 4.
      assert.equal(await redis?.get(`${prefix}auth:account:user:${theo.id}`), '4')
      // The 5th and 6th attempts, one on each instance, are throttled, even with the right password.
      for (const server of order.slice(4)) {
        const throttled = await attempt(server, STRONG_PASSWORD)
        assert.equal(throttled.status, 429)
        const seconds = THROTTLED.exec(throttled.body.detail)?.[1]
        assert.ok(seconds && Number(seconds) <= 60, JSON.stringify(throttled.body))
        assert.deepEqual(throttled.body, { detail: `Request was throttled. Expected available in ${seconds} seconds.` })
        assert.equal(throttled.headers.get('retry-after'), seconds)
      }
      // Another username is not affected.
      await signUp(b, 'madeline', fromNewAddress())
      const other = await a.request('POST', '/api/users/login/', {
        body: { username: 'madeline', password: STRONG_PASSWORD },
        headers: fromNewAddress(),
      })
      assert.equal(other.status, 200)
    })
  }
})

describe('WORKERS=2 on one SQLite file', { timeout: 120_000 }, () => {
  let directory: string
  before(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-workers-'))
  })
  afterEach(killAllServers)
  after(() => fs.rmSync(directory, { recursive: true, force: true }))

  test('two worker processes serve requests, and SIGTERM to the primary stops them all with exit code 0', async () => {
    const server = await startServer({
      DATABASE_URL: `sqlite:${path.join(directory, 'ow.db')}`,
      WORKERS: '2',
      LOG_LEVEL: 'info',
      RATE_LIMIT_AUTH_PER_MINUTE: '0',
    })
    const primary = server.child.pid as number
    // The first worker up answers the health check; wait for the second before counting who answers.
    await waitFor('both workers to listen', async () =>
      server.logLines().filter((line) => String(line.msg).startsWith('Server listening')).length === 2,
      30_000,
    )
    const names = Array.from({ length: 20 }, (_, i) => `player${i}`)
    const users = await Promise.all(names.map((name) => signUp(server, name)))
    assert.equal(new Set(users.map((user) => user.id)).size, 20)
    for (const [i, name] of names.entries()) {
      const profile = await server.request('GET', `/api/users/${name}`)
      assert.equal(profile.status, 200)
      assert.equal(profile.body.id, users[i]?.id)
    }

    // Every request is logged with the pid of the process that answered it: two workers, neither the primary.
    const answeredBy = (lines: Record<string, any>[]) =>
      new Set(lines.filter((line) => line.msg === 'request completed').map((line) => line.pid as number))
    const workers = answeredBy(server.logLines())
    assert.equal(workers.size, 2, `pids that answered: ${[...workers].join(', ')}`)
    assert.equal(workers.has(primary), false)

    assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null })
    // Each worker shut down gracefully (the primary waited for both) and none is left running.
    const shutdowns = server.logLines().filter((line) => line.msg === 'shutting down: finishing in-flight requests')
    assert.deepEqual(new Set(shutdowns.map((line) => line.pid)), workers)
    assert.doesNotMatch(server.output(), /shutdown failed|exited \(/)
    await waitFor('the workers to be gone', async () => [...workers].every((pid) => !isAlive(pid)), 5000)
  })
})

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
