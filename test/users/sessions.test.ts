import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, STRONG_PASSWORD } from '../helpers/client.js'

const INCORRECT = { non_field_errors: ['Incorrect username/password.'] }

describeEachDatabase('signing in and out', (current) => {
  const login = (username: string, password: string) =>
    call(current().app, 'POST', '/api/users/login/', { body: { username, password } })
  const whoAmI = (token: string) => call(current().app, 'GET', '/api/users/user/', { token })

  it('signs in with the username, in any case, or with the email', async () => {
    const madeline = await registerUser(current().app, 'Madeline', { email: 'madeline@example.com' })

    for (const name of ['Madeline', 'madeline', 'MADELINE@example.com']) {
      const response = await login(name, STRONG_PASSWORD)
      assert.equal(response.status, 200, name)
      assert.deepEqual(response.body.user, { id: madeline.id, username: 'Madeline', email: 'madeline@example.com' })
      assert.match(response.body.token, /^[0-9a-f]{64}$/)
    }
  })

  it('issues a new token on each sign-in, and every one of them works', async () => {
    const { token: first } = await registerUser(current().app, 'madeline')
    const { body: second } = await login('madeline', STRONG_PASSWORD)

    assert.notEqual(first, second.token)
    assert.equal((await whoAmI(first)).status, 200)
    assert.equal((await whoAmI(second.token)).status, 200)
  })

  it('gives the same answer for a wrong password and an unknown user', async () => {
    await registerUser(current().app, 'madeline')

    const wrongPassword = await login('madeline', 'not-the-password')
    const unknownUser = await login('nobody', STRONG_PASSWORD)

    assert.equal(wrongPassword.status, 400)
    assert.deepEqual(wrongPassword.body, INCORRECT)
    assert.equal(unknownUser.status, 400)
    assert.deepEqual(unknownUser.body, INCORRECT)
  })

  it('spends a password hash on an unknown user too, so timing does not tell which usernames exist', async () => {
    await registerUser(current().app, 'madeline')
    const timed = async (username: string) => {
      const start = performance.now()
      const response = await login(username, 'not-the-password')
      assert.equal(response.status, 400)
      return performance.now() - start
    }
    const median = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number
    // Alternate the two, so that whatever else the machine is doing weighs on both alike.
    const known: number[] = []
    const unknown: number[] = []
    for (let i = 0; i < 9; i++) {
      unknown.push(await timed('nobody'))
      known.push(await timed('madeline'))
    }

    // Without the dummy hash an unknown user answers in well under a millisecond against several for a hash.
    const ratio = median(unknown) / median(known)
    assert.ok(ratio > 0.33 && ratio < 3, `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms`)
  })

  it('answers GET /api/users/user/ with the signed-in user and their gravatar', async () => {
    const madeline = await registerUser(current().app, 'madeline')

    const response = await whoAmI(madeline.token)

    assert.equal(response.status, 200)
    assert.deepEqual(Object.keys(response.body).sort(), ['email', 'gravatar', 'id', 'username'])
    assert.equal(response.body.id, madeline.id)
    assert.match(response.body.gravatar, /^https:\/\/secure\.gravatar\.com\/avatar\/[0-9a-f]{32}\?size=120&default=retro&forcedefault=y$/)
  })

  it('accepts "Token" and "Bearer" schemes in any case', async () => {
    const { token } = await registerUser(current().app, 'madeline')

    for (const header of [`Token ${token}`, `Bearer ${token}`, `token ${token}`, `BEARER ${token}`]) {
      const response = await call(current().app, 'GET', '/api/users/user/', { headers: { authorization: header } })
      assert.equal(response.status, 200, header)
    }
  })

  it('asks for credentials when none are sent, and refuses bad ones as an invalid token', async () => {
    const { token } = await registerUser(current().app, 'madeline')

    const missing = await call(current().app, 'GET', '/api/users/user/')
    assert.equal(missing.status, 401)
    assert.deepEqual(missing.body, { detail: 'Authentication credentials were not provided.' })

    const badHeaders = ['Token', `Token ${'0'.repeat(64)}`, `Token ${token.slice(0, 63)}`, `Basic ${token}`, `Token ${token} extra`]
    for (const authorization of badHeaders) {
      const response = await call(current().app, 'GET', '/api/users/user/', { headers: { authorization } })
      assert.equal(response.status, 401, authorization)
      assert.deepEqual(response.body, { detail: 'Invalid token.' })
    }
  })

  it('logs out: 204 with no body, that token stops working at once, the others keep working', async () => {
    const { token: phone } = await registerUser(current().app, 'madeline')
    const { body: laptop } = await login('madeline', STRONG_PASSWORD)

    const response = await call(current().app, 'POST', '/api/users/logout/', { token: phone })

    assert.equal(response.status, 204)
    assert.equal(response.text, '')
    assert.deepEqual((await whoAmI(phone)).body, { detail: 'Invalid token.' })
    assert.equal((await whoAmI(laptop.token)).status, 200)
  })

  it('logs out everywhere: every token of the user stops working, other users stay signed in', async () => {
    const { token: phone } = await registerUser(current().app, 'madeline')
    const { body: laptop } = await login('madeline', STRONG_PASSWORD)
    const theo = await registerUser(current().app, 'theo')

    const response = await call(current().app, 'POST', '/api/users/logoutall/', { token: laptop.token })

    assert.equal(response.status, 204)
    assert.equal((await whoAmI(phone)).status, 401)
    assert.equal((await whoAmI(laptop.token)).status, 401)
    assert.equal((await whoAmI(theo.token)).status, 200)
  })

  it('needs a valid token to log out', async () => {
    const response = await call(current().app, 'POST', '/api/users/logout/')

    assert.equal(response.status, 401)
    assert.deepEqual(response.body, { detail: 'Authentication credentials were not provided.' })
  })
})

describeEachDatabase('token lifetime (TOKEN_TTL_HOURS=10)', (current) => {
  it('gives each token an expiry TOKEN_TTL_HOURS ahead', async () => {
    const response = await call(current().app, 'POST', '/api/users/register/', {
      body: { username: 'madeline', email: 'madeline@example.com', password: STRONG_PASSWORD },
    })

    const hoursAhead = (Date.parse(response.body.expiry) - Date.now()) / 3_600_000
    assert.ok(hoursAhead > 9.99 && hoursAhead <= 10, `expiry ${response.body.expiry}`)
  })

  it('refuses an expired token and purges it', async () => {
    const { token } = await registerUser(current().app, 'madeline')
    await current().db.updateTable('auth_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).execute()

    const response = await call(current().app, 'GET', '/api/users/user/', { token })

    assert.equal(response.status, 401)
    assert.deepEqual(response.body, { detail: 'Invalid token.' })
    assert.equal((await current().db.selectFrom('auth_tokens').select('digest').execute()).length, 0)
  })

  it("purges a user's expired tokens when they sign in again", async () => {
    await registerUser(current().app, 'madeline')
    await current().db.updateTable('auth_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).execute()

    await call(current().app, 'POST', '/api/users/login/', { body: { username: 'madeline', password: STRONG_PASSWORD } })

    const rows = await current().db.selectFrom('auth_tokens').select('expires_at').execute()
    assert.equal(rows.length, 1)
    assert.ok(Date.parse(rows[0]?.expires_at as string) > Date.now())
  })
}, { tokenTtlHours: 10 })

describeEachDatabase('tokens that never expire (TOKEN_TTL_HOURS=0)', (current) => {
  it('issues tokens with no expiry', async () => {
    const { token } = await registerUser(current().app, 'madeline')
    const login = await call(current().app, 'POST', '/api/users/login/', {
      body: { username: 'madeline', password: STRONG_PASSWORD },
    })

    assert.equal(login.body.expiry, null)
    const rows = await current().db.selectFrom('auth_tokens').select('expires_at').execute()
    assert.deepEqual(rows.map((row) => row.expires_at), [null, null])
    assert.equal((await call(current().app, 'GET', '/api/users/user/', { token })).status, 200)
  })
}, { tokenTtlHours: 0 })
