import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { STRONG_PASSWORD } from '../helpers/client.js'
import { killAllServers, signUp, startServer } from '../helpers/server-process.js'

/** The real server process on a SQLite file. */
const startOnSqlite = (databaseFile: string, logLevel = 'warn') =>
  startServer({ DATABASE_URL: `sqlite:${databaseFile}`, LOG_LEVEL: logLevel })

describe('the server process', { timeout: 120_000 }, () => {
  let directory: string
  let databaseFile: string

  before(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-process-'))
  })
  // No test leaves a server behind, whatever happened in it.
  afterEach(killAllServers)
  after(() => fs.rmSync(directory, { recursive: true, force: true }))

  let testNumber = 0
  const freshDatabase = () => (databaseFile = path.join(directory, `ow-${++testNumber}.db`))

  test('acknowledged writes survive kill -9', async () => {
    freshDatabase()
    const first = await startOnSqlite(databaseFile)
    const madeline = await signUp(first, 'madeline')
    const theo = await signUp(first, 'theo')
    const follow = await first.request('POST', '/api/users/follow/', { token: madeline.token, body: { username: 'theo' } })
    assert.equal(follow.status, 200)
    assert.deepEqual(follow.body, [])
    assert.deepEqual(await first.stop('SIGKILL'), { code: null, signal: 'SIGKILL' })

    const second = await startOnSqlite(databaseFile)
    const login = await second.request('POST', '/api/users/login/', { body: { username: 'madeline', password: STRONG_PASSWORD } })
    assert.equal(login.status, 200)
    assert.equal(login.body.user.id, madeline.id)
    const theoProfile = await second.request('GET', '/api/users/theo')
    assert.equal(theoProfile.status, 200)
    assert.deepEqual(theoProfile.body.followers, [madeline.id])
    const madelineProfile = await second.request('GET', '/api/users/madeline')
    assert.deepEqual(madelineProfile.body.following, [theo.id])
    // The token issued before the crash was written too.
    const me = await second.request('GET', '/api/users/user/', { token: madeline.token })
    assert.equal(me.status, 200)
    assert.equal(me.body.id, madeline.id)
  })

  test('SIGTERM shuts down cleanly (exit code 0) and keeps the data', async () => {
    freshDatabase()
    const first = await startOnSqlite(databaseFile)
    const madeline = await signUp(first, 'madeline')
    assert.deepEqual(await first.stop('SIGTERM'), { code: 0, signal: null })

    const second = await startOnSqlite(databaseFile)
    const login = await second.request('POST', '/api/users/login/', { body: { username: 'madeline', password: STRONG_PASSWORD } })
    assert.equal(login.status, 200)
    assert.equal(login.body.user.id, madeline.id)
  })

  test('the logs never contain a token or a password', async () => {
    freshDatabase()
    const server = await startOnSqlite(databaseFile, 'info')
    const madeline = await signUp(server, 'madeline')
    const login = await server.request('POST', '/api/users/login/', { body: { username: 'madeline', password: STRONG_PASSWORD } })
    assert.equal(login.status, 200)
    const wrongPassword = 'not-her-password-1984'
    const refused = await server.request('POST', '/api/users/login/', { body: { username: 'madeline', password: wrongPassword } })
    assert.equal(refused.status, 400)
    assert.equal((await server.request('GET', '/api/users/user/', { token: madeline.token })).status, 200)
    assert.equal((await server.request('POST', '/api/users/logout/', { token: login.body.token })).status, 204)
    // A revoked token is refused, and that refusal is logged too.
    assert.equal((await server.request('GET', '/api/users/user/', { token: login.body.token })).status, 401)
    assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null })

    const output = server.output()
    // The requests were logged, so the absence below means something.
    assert.match(output, /"url":"\/api\/users\/user\/"/)
    assert.match(output, /"url":"\/api\/users\/login\/"/)
    for (const secret of [madeline.token, login.body.token, STRONG_PASSWORD, wrongPassword]) {
      assert.equal(output.includes(secret), false, `the log contains ${secret}`)
    }
  })
})
