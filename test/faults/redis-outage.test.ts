import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import type { Redis } from 'ioredis'
import { STRONG_PASSWORD } from '../helpers/client.js'
import {
  closeAllProxies,
  connectRedis,
  deleteKeys,
  freePort,
  hostAndPort,
  killAllServers,
  randomKeyPrefix,
  signUp,
  startServer,
  startTcpProxy,
  waitFor,
  withoutRedis,
  type ServerProcess,
} from '../helpers/server-process.js'

const FALLBACK_WARNING = 'Redis unreachable: rate limits fall back to this process memory'
const BACK_NOTICE = 'Redis is back: rate limits are shared again'
const WRONG_PASSWORD = 'not-the-password-1984'

let directory: string
let databaseNumber = 0
before(() => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-redis-'))
})
afterEach(async () => {
  await killAllServers()
  await closeAllProxies()
})
after(() => fs.rmSync(directory, { recursive: true, force: true }))

/** A server on a new SQLite file, with 3 sign-in attempts a minute, each request from its own address. */
function startLimitedServer(redisUrl: string, prefix = randomKeyPrefix()): Promise<ServerProcess> {
  return startServer({
    DATABASE_URL: `sqlite:${path.join(directory, `ow-${++databaseNumber}.db`)}`,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    RATE_LIMIT_AUTH_PER_MINUTE: '3',
    // Every request below comes from a new client address, so that only the per-username count adds up.
    TRUST_PROXY: '1',
  })
}

let address = 0
const fromNewAddress = () => ({ 'x-forwarded-for': `10.1.${Math.floor(++address / 250)}.${address % 250}` })

function login(server: ServerProcess, username: string, password: string) {
  return server.request('POST', '/api/users/login/', { body: { username, password }, headers: fromNewAddress() })
}

/** Registers, signs in and reads normally; then 3 failed sign-ins are refused and the 4th is throttled. */
async function servesAndLimits(server: ServerProcess, username: string): Promise<{ id: number }> {
  const user = await signUp(server, username, fromNewAddress())
  const signedIn = await login(server, username, STRONG_PASSWORD)
  assert.equal(signedIn.status, 200)
  assert.equal(signedIn.body.user.id, user.id)
  const me = await server.request('GET', '/api/users/user/', { token: signedIn.body.token })
  assert.equal(me.status, 200)
  assert.equal(me.body.id, user.id)
  const profile = await server.request('GET', `/api/users/${username}`)
  assert.equal(profile.status, 200)
  assert.equal(profile.body.id, user.id)

  // The successful sign-in was the 1st attempt for this username.
  for (let attempt = 2; attempt <= 3; attempt++) {
    const refused = await login(server, username, WRONG_PASSWORD)
    assert.equal(refused.status, 400)
    assert.deepEqual(refused.body, { non_field_errors: ['Incorrect username/password.'] })
  }
  const throttled = await login(server, username, WRONG_PASSWORD)
  assert.equal(throttled.status, 429)
  const seconds = throttled.headers.get('retry-after')
  assert.match(seconds ?? '', /^[1-9]\d*$/)
  assert.ok(Number(seconds) <= 60)
  assert.deepEqual(throttled.body, { detail: `Request was throttled. Expected available in ${seconds} seconds.` })
  return user
}

const messages = (server: ServerProcess, msg: string) => server.logLines().filter((line) => line.msg === msg)

describe('Redis down from the start', { timeout: 60_000 }, () => {
  test('the server serves, warns once that limits fall back to memory, and still applies them', async () => {
    const server = await startLimitedServer(`redis://127.0.0.1:${await freePort()}`)
    await servesAndLimits(server, 'madeline')
    const warnings = messages(server, FALLBACK_WARNING)
    assert.equal(warnings.length, 1, server.output())
    assert.equal(warnings[0]?.level, 40)
    assert.equal(messages(server, BACK_NOTICE).length, 0)
  })
})

describe('Redis going away and coming back', { skip: withoutRedis, timeout: 60_000 }, () => {
  let redis: Redis | undefined
  let prefix: string
  before(async () => {
    redis = await connectRedis()
  })
  beforeEach(() => {
    prefix = randomKeyPrefix()
  })
  afterEach(async () => {
    if (redis) await deleteKeys(redis, prefix)
  })
  after(() => redis?.quit())

  test('limits fall back to memory while it is away and go to Redis again when it is back', async () => {
    const proxy = await startTcpProxy(hostAndPort(process.env.TEST_REDIS_URL as string, 6379))
    const server = await startLimitedServer(`redis://127.0.0.1:${proxy.port}`, prefix)

    // Up: attempts are counted in Redis.
    // Attempts are counted per account (by id), or per name for a name that opens none.
    const theo = await signUp(server, 'theo', fromNewAddress())
    assert.equal((await login(server, 'theo', WRONG_PASSWORD)).status, 400)
    assert.equal(await redis?.get(`${prefix}auth:account:user:${theo.id}`), '1')

    await proxy.cut()
    const madeline = await servesAndLimits(server, 'madeline')
    assert.equal(messages(server, FALLBACK_WARNING).length, 1, server.output())
    // Those attempts were counted in the process's memory only.
    assert.equal(await redis?.exists(`${prefix}auth:account:user:${madeline.id}`), 0)

    await proxy.restore()
    await waitFor('the log to say Redis is back', async () => messages(server, BACK_NOTICE).length === 1, 15_000)
    assert.equal((await login(server, 'theo', WRONG_PASSWORD)).status, 400)
    assert.equal(await redis?.get(`${prefix}auth:account:user:${theo.id}`), '2')
    assert.equal((await login(server, 'kaz', WRONG_PASSWORD)).status, 400)
    assert.equal(await redis?.get(`${prefix}auth:account:name:kaz`), '1')
    assert.equal(messages(server, FALLBACK_WARNING).length, 1)
  })

  test(
    'a Redis that stops answering without closing its connection (network partition) does not hang requests',
    async () => {
      const proxy = await startTcpProxy(hostAndPort(process.env.TEST_REDIS_URL as string, 6379))
      const server = await startLimitedServer(`redis://127.0.0.1:${proxy.port}`, prefix)
      proxy.freeze()
      const refused = await server.request('POST', '/api/users/login/', {
        body: { username: 'nobody', password: WRONG_PASSWORD },
        headers: fromNewAddress(),
        timeoutMs: 5000,
      })
      assert.equal(refused.status, 400)
      assert.equal(messages(server, FALLBACK_WARNING).length, 1)
    },
  )
})
