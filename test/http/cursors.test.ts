import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser } from '../helpers/client.js'

const cursorOf = (json: string) => Buffer.from(json).toString('base64url')

/** Every route kind whose cursor holds a time, which PostgreSQL compares as a timestamptz. */
const TIMESTAMP_CURSOR_ROUTES = [
  '/api/users/madeline/followers',
  '/api/users/madeline/following',
  '/api/users/madeline/games?status=played',
  '/api/users/profile/madeline/ratings',
]

const withCursor = (route: string, cursor: string) => `${route}${route.includes('?') ? '&' : '?'}cursor=${cursor}`

describeEachDatabase('cursors', (current) => {
  const app = () => current().app

  it('answers 400, never 500, to a cursor holding a time that does not exist', async () => {
    await registerUser(app(), 'madeline')
    const impossibleTimes = [
      '2024-02-30T00:00:00.000000Z',
      '2023-02-29T12:00:00.000000Z',
      '0000-01-01T00:00:00.000000Z',
      '2024-13-01T00:00:00.000000Z',
      '2024-04-31T00:00:00.000000Z',
      '2024-01-01T24:00:00.000000Z',
      '2024-01-01T23:60:00.000000Z',
      '2024-01-01T23:59:60.000000Z',
    ]
    for (const route of TIMESTAMP_CURSOR_ROUTES) {
      for (const time of impossibleTimes) {
        const response = await call(app(), 'GET', withCursor(route, cursorOf(JSON.stringify([time, 1]))))
        assert.equal(response.status, 400, `${route} at ${time}: ${response.text}`)
        assert.deepEqual(response.body, { cursor: ['Invalid cursor.'] })
      }
    }
  })

  it('takes only a cursor as the server writes it: the same values spelt another way are refused', async () => {
    await registerUser(app(), 'madeline')
    const time = '2024-02-29T23:59:59.999999Z'
    for (const route of TIMESTAMP_CURSOR_ROUTES) {
      const asWritten = await call(app(), 'GET', withCursor(route, cursorOf(JSON.stringify([time, 1]))))
      assert.equal(asWritten.status, 200, `${route}: ${asWritten.text}`)
      for (const respelt of [cursorOf(`["${time}", 1]`), cursorOf(`["${time}",1.0]`), `${cursorOf(JSON.stringify([time, 1]))}==`]) {
        const response = await call(app(), 'GET', withCursor(route, respelt))
        assert.equal(response.status, 400, `${route} with ${respelt}: ${response.text}`)
        assert.deepEqual(response.body, { cursor: ['Invalid cursor.'] })
      }
    }
  })

  it('still pages with the cursors it hands out', async () => {
    const madeline = await registerUser(app(), 'madeline')
    for (const name of ['theo', 'granny', 'oshiro']) {
      const fan = await registerUser(app(), name)
      for (const [token, username] of [[fan.token, 'madeline'], [madeline.token, name]] as const) {
        const response = await call(app(), 'POST', '/api/users/follow/', { token, body: { username } })
        assert.equal(response.status, 200)
      }
    }
    for (const route of TIMESTAMP_CURSOR_ROUTES.slice(0, 2)) {
      const first = await call(app(), 'GET', `${route}?limit=2`)
      const second = await call(app(), 'GET', `${withCursor(route, first.body.next)}&limit=2`)
      assert.equal(second.status, 200, second.text)
      assert.equal(second.body.results.length, 1, route)
    }
  })
})
