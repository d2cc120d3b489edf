import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { it } from 'node:test'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, STRONG_PASSWORD } from '../helpers/client.js'

describeEachDatabase('POST /api/users/register/', (current) => {
  const register = (body: unknown) => call(current().app, 'POST', '/api/users/register/', { body })

  it('creates the account and signs it in: 201 with the user and a working token', async () => {
    const response = await register({ username: 'madeline', email: 'madeline@example.com', password: STRONG_PASSWORD })

    assert.equal(response.status, 201)
    assert.deepEqual(response.body.user, { id: response.body.user.id, username: 'madeline', email: 'madeline@example.com' })
    assert.match(response.body.token, /^[0-9a-f]{64}$/)
    const me = await call(current().app, 'GET', '/api/users/user/', { token: response.body.token })
    assert.equal(me.status, 200)
    assert.equal(me.body.username, 'madeline')
  })

  it('stores the password as an argon2id hash with at least OWASP parameters, never as given', async () => {
    await registerUser(current().app, 'madeline')

    const row = await current().db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow()
    assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    assert.ok(!row.password_hash.includes(STRONG_PASSWORD))
  })

  it('stores only a SHA-256 digest of the token and an 8-character prefix', async () => {
    const { token } = await registerUser(current().app, 'madeline')

    const rows = await current().db.selectFrom('auth_tokens').selectAll().execute()
    assert.equal(rows.length, 1)
    assert.equal(rows[0]?.digest, createHash('sha256').update(token).digest('hex'))
    assert.equal(rows[0]?.token_key, token.slice(0, 8))
    assert.ok(!JSON.stringify(rows).includes(token))
  })

  it('refuses a username taken in any letter case', async () => {
    await registerUser(current().app, 'madeline')

    const response = await register({ username: 'Madeline', email: 'other@example.com', password: STRONG_PASSWORD })

    assert.equal(response.status, 400)
    assert.deepEqual(response.body, { username: ['A user with that username already exists.'] })
  })

  it('refuses an email taken in any letter case', async () => {
    await registerUser(current().app, 'madeline', { email: 'madeline@example.com' })

    const response = await register({ username: 'theo', email: 'MADELINE@Example.COM', password: STRONG_PASSWORD })

    assert.equal(response.status, 400)
    assert.deepEqual(response.body, { email: ['A user with that email already exists.'] })
  })

  it('reports every missing field at once', async () => {
    const response = await register({})

    assert.equal(response.status, 400)
    assert.deepEqual(response.body, {
      username: ['This field is required.'],
      email: ['This field is required.'],
      password: ['This field is required.'],
    })
  })

  it('refuses usernames with characters other than letters, digits and @ . + - _', async () => {
    for (const username of ['has space', 'semi;colon', 'slash/name', 'emoji🎮']) {
      const response = await register({ username, email: 'a@example.com', password: STRONG_PASSWORD })
      assert.equal(response.status, 400, username)
      assert.deepEqual(response.body, {
        username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'],
      })
    }
    const accepted = await register({ username: '@Zoë.b+1-_', email: 'zoe@example.com', password: STRONG_PASSWORD })
    assert.equal(accepted.status, 201)
    assert.equal(accepted.body.user.username, '@Zoë.b+1-_')
  })

  it('refuses a blank username and one over 150 characters', async () => {
    const blank = await register({ username: '', email: 'a@example.com', password: STRONG_PASSWORD })
    assert.deepEqual(blank.body, { username: ['This field may not be blank.'] })

    const long = await register({ username: 'a'.repeat(151), email: 'a@example.com', password: STRONG_PASSWORD })
    assert.deepEqual(long.body, { username: ['Ensure this field has no more than 150 characters.'] })

    const longest = await register({ username: 'a'.repeat(150), email: 'a@example.com', password: STRONG_PASSWORD })
    assert.equal(longest.status, 201)
  })

  it('refuses usernames that are paths of the API', async () => {
    const response = await register({ username: 'Login', email: 'a@example.com', password: STRONG_PASSWORD })

    assert.equal(response.status, 400)
    assert.deepEqual(response.body, { username: ['This username is reserved.'] })
  })

  it('refuses an invalid email address', async () => {
    for (const email of ['not-an-email', 'a@', '@example.com', 'a b@example.com']) {
      const response = await register({ username: 'madeline', email, password: STRONG_PASSWORD })
      assert.equal(response.status, 400, email)
      assert.deepEqual(response.body, { email: ['Enter a valid email address.'] })
    }
  })

  const passwordCases: [string, string, string[]][] = [
    ['too short', 'x7#kQ2', ['This password is too short. It must contain at least 8 characters.']],
    ['too long', 'aB3$'.repeat(257), ['This password is too long. It must contain at most 1024 characters.']],
    ['entirely numeric', '804729113650', ['This password is entirely numeric.']],
    ['common', 'iloveyou', ['This password is too common.']],
    ['common in another case', 'PassWord1', ['This password is too common.']],
    ['similar to the username', 'madeline7', ['The password is too similar to the username.']],
    ['similar to the email', 'kestrelmail', ['The password is too similar to the email.']],
    ['short, common and numeric', '123456', [
      'This password is too short. It must contain at least 8 characters.',
      'This password is too common.',
      'This password is entirely numeric.',
    ]],
  ]
  for (const [problem, password, messages] of passwordCases) {
    it(`refuses a password that is ${problem}, saying so under "password"`, async () => {
      const response = await register({ username: 'madeline', email: 'kestrel@mail.com', password })

      assert.equal(response.status, 400)
      assert.deepEqual(response.body, { password: messages })
      const users = await current().db.selectFrom('users').select('id').execute()
      assert.equal(users.length, 0)
    })
  }

  it('lets exactly one of many simultaneous registrations of one username through', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        register({ username: i % 2 ? 'Racer' : 'racer', email: `racer${i}@example.com`, password: STRONG_PASSWORD }),
      ),
    )

    assert.equal(attempts.filter((r) => r.status === 201).length, 1)
    for (const refused of attempts.filter((r) => r.status !== 201)) {
      assert.equal(refused.status, 400)
      assert.deepEqual(refused.body, { username: ['A user with that username already exists.'] })
    }
  })

  it('lets exactly one of many simultaneous registrations of one email through', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        register({ username: `racer${i}`, email: 'same@example.com', password: STRONG_PASSWORD }),
      ),
    )

    assert.equal(attempts.filter((r) => r.status === 201).length, 1)
    for (const refused of attempts.filter((r) => r.status !== 201)) {
      assert.deepEqual(refused.body, { email: ['A user with that email already exists.'] })
    }
  })
})
