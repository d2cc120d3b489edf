import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/database.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, STRONG_PASSWORD } from '../helpers/client.js'

const REGISTER = '/api/users/register/'
const validRegistration = { username: 'madeline', email: 'madeline@example.com', password: STRONG_PASSWORD }

describeEachDatabase('bad input', (current) => {
  const app = () => current().app

  /** Sends a raw body to register with the given content type. */
  const postRaw = (payload: string, contentType = 'application/json') =>
    call(app(), 'POST', REGISTER, { body: payload, headers: { 'content-type': contentType } })

  const userCount = async () => {
    const row = await current().db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /** A refused request must leave no account behind. */
  const assertNoUserCreated = async () => assert.equal(await userCount(), 0)

  test('malformed JSON is a 400 "JSON parse error" and creates nothing', async () => {
    const response = await postRaw('{"username": "madeline", "email": "madeline@example.com", "password": ')
    assert.equal(response.status, 400)
    assert.deepEqual(Object.keys(response.body), ['detail'])
    assert.match(response.body.detail, /^JSON parse error - ./)
    await assertNoUserCreated()
    // The name was not taken by the failed attempt.
    await registerUser(app(), 'madeline')
  })

  test('a JSON body that is not an object is a 400 under non_field_errors and creates nothing', async () => {
    const cases: [payload: string, message: string][] = [
      ['[{"username": "madeline"}]', 'Invalid data. Expected a dictionary, but got list.'],
      ['"madeline"', 'Invalid data. Expected a dictionary, but got string.'],
      ['42', 'Invalid data. Expected a dictionary, but got number.'],
      ['null', 'This field may not be null.'],
    ]
    for (const [payload, message] of cases) {
      const response = await postRaw(payload)
      assert.equal(response.status, 400, payload)
      assert.deepEqual(response.body, { non_field_errors: [message] }, payload)
    }
    await assertNoUserCreated()
  })

  test('a body that is neither JSON nor a form is 415 with a detail', async () => {
    for (const contentType of ['text/plain', 'application/xml']) {
      const response = await postRaw(JSON.stringify(validRegistration), contentType)
      assert.equal(response.status, 415, contentType)
      assert.deepEqual(Object.keys(response.body), ['detail'], contentType)
      assert.match(response.body.detail, /unsupported media type/i, contentType)
    }
    await assertNoUserCreated()
  })

  test('a body over 64 KiB is 413 with a detail and creates nothing', async () => {
    const payload = JSON.stringify({ ...validRegistration, password: 'x'.repeat(64 * 1024) })
    const response = await postRaw(payload)
    assert.equal(response.status, 413)
    assert.deepEqual(Object.keys(response.body), ['detail'])
    assert.match(response.body.detail, /too large/i)
    await assertNoUserCreated()
  })

  test('a form-encoded registration is accepted like JSON', async () => {
    const response = await postRaw(new URLSearchParams(validRegistration).toString(), 'application/x-www-form-urlencoded')
    assert.equal(response.status, 201, response.text)
    assert.equal(response.body.user.username, 'madeline')
    assert.equal(response.body.user.email, 'madeline@example.com')
    assert.match(response.body.token, /^[0-9a-f]{64}$/)
  })

  test('wrong types are field errors under each field, and nothing is created', async () => {
    const response = await call(app(), 'POST', REGISTER, { body: { username: 123, password: true, email: ['a'] } })
    assert.equal(response.status, 400)
    assert.deepEqual(response.body, {
      username: ['Not a valid string.'],
      email: ['Not a valid string.'],
      password: ['Not a valid string.'],
    })
    await assertNoUserCreated()
  })

  test('an empty body reports every required field at once', async () => {
    const allMissing = {
      username: ['This field is required.'],
      email: ['This field is required.'],
      password: ['This field is required.'],
    }
    const withoutBody = await call(app(), 'POST', REGISTER)
    assert.equal(withoutBody.status, 400)
    assert.deepEqual(withoutBody.body, allMissing)

    const emptyJson = await postRaw('')
    assert.equal(emptyJson.status, 400)
    assert.deepEqual(emptyJson.body, allMissing)
  })

  test('an unknown route is 404 {"detail": "Not found."}', async () => {
    for (const [method, url] of [['GET', '/api/nothing-here/'], ['POST', '/api/users/register/extra/'], ['GET', '/']]) {
      const response = await call(app(), method as string, url as string)
      assert.equal(response.status, 404, `${method} ${url}`)
      assert.deepEqual(response.body, { detail: 'Not found.' }, `${method} ${url}`)
    }
  })

  test('a known path with the wrong method is 405 naming that method', async () => {
    for (const [method, url] of [
      ['GET', '/api/users/register/'],
      ['GET', '/api/users/register'],
      ['DELETE', '/api/users/login/'],
      ['PUT', '/api/users/madeline'],
      ['DELETE', '/api/users/profile/madeline'],
    ] as const) {
      const response = await call(app(), method, url)
      assert.equal(response.status, 405, `${method} ${url}`)
      assert.deepEqual(response.body, { detail: `Method "${method}" not allowed.` }, `${method} ${url}`)
    }
  })

  test('a value nested thousands deep is a 400 naming the field, never a 500', async () => {
    const user = await registerUser(app(), 'madeline')
    const deep = '['.repeat(5000) + ']'.repeat(5000)
    const response = await call(app(), 'POST', '/api/actions/journal/', {
      token: user.token,
      body: `{"game": 1, "date": "2024-01-01", "entry_type": ${deep}}`,
      headers: { 'content-type': 'application/json' },
    })
    assert.equal(response.status, 400, response.text)
    assert.deepEqual(response.body.entry_type, ['Not a valid choice.'])
  })

  test('a NUL character anywhere in a request is a 400 and creates nothing', async () => {
    const inBody = await call(app(), 'POST', REGISTER, { body: { ...validRegistration, username: 'made\u0000line' } })
    assert.equal(inBody.status, 400)
    assert.deepEqual(inBody.body, { username: ['Null characters are not allowed.'] })

    const inForm = await postRaw('username=a%00b&email=a%40example.com&password=violet-harbor-lantern-42', 'application/x-www-form-urlencoded')
    assert.deepEqual(inForm.body, { username: ['Null characters are not allowed.'] })

    for (const url of ['/api/users/made%00line', '/api/games/search/zel%00da']) {
      const inPath = await call(app(), 'GET', url)
      assert.equal(inPath.status, 400, url)
      assert.deepEqual(inPath.body, { detail: 'Null characters are not allowed.' }, url)
    }
    await assertNoUserCreated()
  })

  test('a __proto__ or constructor.prototype key in JSON is refused with 400, never 500', async () => {
    for (const payload of [
      '{"username": "madeline", "email": "madeline@example.com", "password": "violet-harbor-lantern-42", "__proto__": {"isAdmin": true}}',
      '{"username": "madeline", "email": "madeline@example.com", "password": "violet-harbor-lantern-42", "constructor": {"prototype": {"isAdmin": true}}}',
    ]) {
      const response = await postRaw(payload)
      assert.equal(response.status, 400, payload)
      assert.match(response.body.detail, /^JSON parse error - /, payload)
    }
    await assertNoUserCreated()
  })

  test(
    'a body key named like an Object.prototype member is a 400 field error, never a 500',
    async () => {
      const user = await registerUser(app(), 'madeline')
      for (const key of ['toString', 'constructor', 'hasOwnProperty']) {
        const response = await call(app(), 'PATCH', '/api/users/profile/madeline', { token: user.token, body: { [key]: 1 } })
        assert.equal(response.status, 400, key)
        assert.deepEqual(response.body, { [key]: ['Unexpected field: not accepted here.'] }, key)
      }
      const form = await postRaw(
        `${new URLSearchParams({ ...validRegistration, username: 'theo', email: 'theo@example.com' })}&__proto__=x`,
        'application/x-www-form-urlencoded',
      )
      assert.equal(form.status, 400, form.text)
      // A `__proto__` literal key would set the prototype; compare the text so the key is an own property.
      assert.equal(form.text, '{"__proto__":["Unexpected field: not accepted here."]}')
    },
  )

  test(
    'a profile is reachable for a username of the maximum length (150)',
    async () => {
      const username = 'm'.repeat(150)
      const user = await registerUser(app(), username, { email: 'long@example.com' })
      for (const url of [`/api/users/${username}`, `/api/users/profile/${username}`]) {
        const response = await call(app(), 'GET', url)
        assert.equal(response.status, 200, url)
        assert.equal(response.body.id, user.id, url)
      }
    },
  )

  test(
    'a malformed percent-encoding in the path is a 400 {"detail": ...}',
    async () => {
      const response = await call(app(), 'GET', '/api/users/%E0%A4%A')
      assert.equal(response.status, 400)
      assert.deepEqual(Object.keys(response.body), ['detail'])
    },
  )

  test('the trailing slash is optional', async () => {
    const user = await registerUser(app(), 'madeline')
    for (const url of ['/api/users/login', '/api/users/login/']) {
      const response = await call(app(), 'POST', url, { body: { username: 'madeline', password: user.password } })
      assert.equal(response.status, 200, url)
      assert.equal(response.body.user.id, user.id, url)
    }
    for (const url of ['/api/users/user', '/api/users/user/']) {
      const response = await call(app(), 'GET', url, { token: user.token })
      assert.equal(response.status, 200, url)
      assert.equal(response.body.username, 'madeline', url)
    }
  })

  test('a Unicode username round-trips exactly', async () => {
    const user = await registerUser(app(), 'Pokémon_fan', { email: 'pokemon_fan@example.com' })
    assert.equal(user.username, 'Pokémon_fan')
    const response = await call(app(), 'GET', `/api/users/${encodeURIComponent('Pokémon_fan')}`)
    assert.equal(response.status, 200)
    assert.equal(response.body.username, 'Pokémon_fan')
    assert.equal(response.body.id, user.id)
  })

  test('emoji in a bio round-trips exactly', async () => {
    const user = await registerUser(app(), 'madeline')
    const bio = 'Climbing 🏔️ with 🍓 and 👩🏽‍💻 — Pokémon Moon'
    const update = await call(app(), 'PATCH', '/api/users/profile/madeline', { token: user.token, body: { bio } })
    assert.equal(update.status, 200, update.text)
    assert.equal(update.body.bio, bio)
    const profile = await call(app(), 'GET', '/api/users/profile/madeline')
    assert.equal(profile.body.bio, bio)
  })

  test('GET /healthz is 200 {"status": "ok"}', async () => {
    const response = await call(app(), 'GET', '/healthz')
    assert.equal(response.status, 200)
    assert.deepEqual(response.body, { status: 'ok' })
  })

  test('GET /openapi.json documents every route', async () => {
    const response = await call(app(), 'GET', '/openapi.json')
    assert.equal(response.status, 200)
    const doc = response.body
    assert.equal(doc.openapi, '3.1.0')
    const expected: Record<string, string[]> = {
      '/api/users/register/': ['post'],
      '/api/users/login/': ['post'],
      '/api/users/logout/': ['post'],
      '/api/users/logoutall/': ['post'],
      '/api/users/user/': ['delete', 'get'],
      '/api/users/{username}': ['get'],
      '/api/users/profile/{username}': ['get', 'patch', 'post'],
      '/api/users/follow/': ['post'],
      '/api/users/unfollow/': ['post'],
      '/healthz': ['get'],
    }
    for (const [path, methods] of Object.entries(expected)) {
      assert.deepEqual(Object.keys(doc.paths[path] ?? {}).sort(), methods, path)
    }
    // Every documented operation says what it answers on success.
    for (const [path, operations] of Object.entries<Record<string, { responses: Record<string, unknown> }>>(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const success = Object.keys(operation.responses).filter((status) => status.startsWith('2'))
        assert.ok(success.length > 0, `${method} ${path} documents no success response`)
      }
    }
    const register = doc.paths['/api/users/register/'].post
    const requestSchema = register.requestBody.content['application/json'].schema
    assert.deepEqual([...requestSchema.required].sort(), ['email', 'password', 'username'])
    assert.deepEqual(Object.keys(requestSchema.properties).sort(), ['email', 'password', 'username'])
    const created = register.responses['201'].content['application/json'].schema
    assert.deepEqual(Object.keys(created.properties).sort(), ['device_token', 'expiry', 'token', 'user'])
  })

  test('GET /openapi.json lets clients leave out query parameters that have a default, and no others', async () => {
    const doc = (await call(app(), 'GET', '/openapi.json')).body
    const parametersOf = (path: string) =>
      Object.fromEntries(
        (doc.paths[path].get.parameters as { in: string; name: string; required: boolean }[])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => [parameter.name, parameter.required]),
      )
    assert.deepEqual(parametersOf('/api/users/{username}/games'), { status: true, cursor: false, limit: false })
    assert.deepEqual(parametersOf('/api/users/{username}/followers'), { cursor: false, limit: false })
    // ...and the server still fills in the default when the parameter is left out.
    await registerUser(app(), 'madeline')
    const page = await call(app(), 'GET', '/api/users/madeline/games?status=played')
    assert.equal(page.status, 200)
    assert.equal((await call(app(), 'GET', '/api/users/madeline/games')).status, 400)
  })

  test('GET /docs serves the interactive documentation as HTML', async () => {
    for (const url of ['/docs', '/docs/']) {
      const response = await call(app(), 'GET', url)
      assert.equal(response.status, 200, url)
      assert.match(String(response.headers['content-type']), /^text\/html/, url)
      assert.match(response.text, /<html/i, url)
    }
  })
})

test('GET /healthz is 503 {"status": "unavailable"} when the database is unreachable', async () => {
  // Nothing listens on port 1: every connection is refused, no real PostgreSQL needed.
  const databaseUrl = 'postgres://postgres@127.0.0.1:1/test'
  const app = await buildApp({ config: { ...loadConfig({}), databaseUrl }, db: openDatabase(databaseUrl) })
  try {
    const response = await call(app, 'GET', '/healthz')
    assert.equal(response.status, 503)
    assert.deepEqual(response.body, { status: 'unavailable' })
  } finally {
    await app.close()
  }
})
