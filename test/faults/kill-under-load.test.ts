import assert from 'node:assert/strict'
import fs from 'node:fs'
import { describe, test } from 'node:test'
import { STRONG_PASSWORD } from '../helpers/client.js'
import {
  serverDatabases,
  sleep,
  startServer,
  waitFor,
  type HttpResponse,
  type ServerProcess,
} from '../helpers/server-process.js'

const CATALOG = JSON.parse(fs.readFileSync(new URL('../../resources/games.json', import.meta.url), 'utf8')) as { name: string }[]
const LOOPS = 4
const LOAD_AT_LEAST_MS = 1000
const MIN_ACKNOWLEDGED_OF_EACH_KIND = 5

interface Account {
  username: string
  id: number
  token: string
}

/** Every write the server acknowledged (answered 2xx), by kind. */
interface Acknowledged {
  users: Account[]
  follows: { follower: Account; followee: Account }[]
  played: { user: Account; game: number }[]
  ratings: { user: Account; game: number; rating: number }[]
}

/**
 * One client writing as fast as it is answered until the server goes away: it signs up users of its own and,
 * as each of them, follows users signed up before, marks games played and rates games, each game once per user
 * and kind, so that what an acknowledged write left behind is known exactly whatever came after it.
 */
async function writeLoad(server: ServerProcess, loop: number, acknowledged: Acknowledged, unexpected: HttpResponse[]): Promise<void> {
  let user: Account | undefined
  let played = 0
  let rated = 0
  for (let step = 0; step < 5000; step++) {
    let response: HttpResponse
    try {
      if (!user || step % 10 === 0) {
        const username = `load${loop}x${step}`
        response = await server.request('POST', '/api/users/register/', {
          body: { username, email: `${username}@example.com`, password: STRONG_PASSWORD },
        })
        if (response.status === 201) {
          user = { username, id: response.body.user.id, token: response.body.token }
          played = rated = 0
          acknowledged.users.push(user)
        }
      } else if (step % 3 === 0) {
        const followee = acknowledged.users[(step * 7 + loop) % acknowledged.users.length] as Account
        if (followee === user) continue
        response = await server.request('POST', '/api/users/follow/', { token: user.token, body: { username: followee.username } })
        if (response.status === 200) acknowledged.follows.push({ follower: user, followee })
      } else if (step % 3 === 1) {
        const game = ++played
        response = await server.request('POST', '/api/actions/log/', { token: user.token, body: { game, value: true } })
        if (response.status === 200) acknowledged.played.push({ user, game })
      } else {
        const game = ++rated
        const rating = ((step % 10) + 1) / 2
        response = await server.request('POST', '/api/actions/ratings/', { token: user.token, body: { game, rating } })
        if (response.status === 200) acknowledged.ratings.push({ user, game, rating })
      }
    } catch {
      return // the server is gone: this request was not acknowledged
    }
    if (response.status >= 300) unexpected.push(response)
  }
}

/** What the restarted server holds for each acknowledged write. */
async function checkEveryWriteKept(server: ServerProcess, acknowledged: Acknowledged): Promise<void> {
  for (const user of acknowledged.users) {
    const login = await server.request('POST', '/api/users/login/', { body: { username: user.username, password: STRONG_PASSWORD } })
    assert.equal(login.status, 200, `${user.username} cannot sign in: ${JSON.stringify(login.body)}`)
    assert.equal(login.body.user.id, user.id)

    const profile = await server.request('GET', `/api/users/${user.username}`)
    assert.equal(profile.status, 200)
    const following = new Set<number>(profile.body.following)
    for (const { followee } of acknowledged.follows.filter((follow) => follow.follower === user)) {
      assert.ok(following.has(followee.id), `${user.username} no longer follows ${followee.username}`)
    }
    const played = new Set<number>(profile.body.played.map((game: { id: number }) => game.id))
    for (const { game } of acknowledged.played.filter((entry) => entry.user === user)) {
      assert.ok(played.has(game), `game ${game} is no longer in ${user.username}'s played list`)
    }

    const ratings = new Map<number, number>()
    let cursor: string | null = null
    for (let page = 0; page < 20; page++) {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
      const response = await server.request('GET', `/api/users/profile/${user.username}/ratings?limit=100${query}`)
      assert.equal(response.status, 200)
      for (const entry of response.body.results) ratings.set(entry.game.id, entry.rating)
      cursor = response.body.next
      if (!cursor) break
    }
    for (const { game, rating } of acknowledged.ratings.filter((entry) => entry.user === user)) {
      assert.equal(ratings.get(game), rating, `${user.username}'s rating of game ${game}`)
    }
  }
}

describe('kill -9 under a write load', { timeout: 180_000 }, () => {
  for (const { kind, skip, create: createDatabase } of serverDatabases()) {
    test(`every acknowledged write is there after a restart [${kind}]`, { skip }, async (t) => {
      const settings = { DATABASE_URL: await createDatabase(), RATE_LIMIT_AUTH_PER_MINUTE: '0', RATE_LIMIT_WRITES_PER_MINUTE: '0', RATE_LIMIT_READS_PER_MINUTE: '0' }
      const first = await startServer(settings)
      // The catalog is loaded in order, so game n has id n.
      for (const id of [1, CATALOG.length]) assert.equal((await first.request('GET', `/api/games/${id}`)).body.name, CATALOG[id - 1]?.name)

      const acknowledged: Acknowledged = { users: [], follows: [], played: [], ratings: [] }
      const unexpected: HttpResponse[] = []
      const started = Date.now()
      const load = Promise.all(Array.from({ length: LOOPS }, (_, loop) => writeLoad(first, loop, acknowledged, unexpected)))
      await waitFor(
        `${MIN_ACKNOWLEDGED_OF_EACH_KIND} acknowledged writes of each kind`,
        async () => Object.values(acknowledged).every((writes) => writes.length >= MIN_ACKNOWLEDGED_OF_EACH_KIND),
        20_000,
      )
      await sleep(Math.max(0, LOAD_AT_LEAST_MS - (Date.now() - started)))
      assert.deepEqual(await first.stop('SIGKILL'), { code: null, signal: 'SIGKILL' })
      await load
      assert.deepEqual(unexpected.map((response) => `${response.status} ${JSON.stringify(response.body)}`), [])
      const counts = Object.entries(acknowledged).map(([writes, list]) => `${list.length} ${writes}`)
      t.diagnostic(`acknowledged in ${Date.now() - started} ms before kill -9: ${counts.join(', ')}`)

      const second = await startServer(settings)
      await checkEveryWriteKept(second, acknowledged)
    })
  }
})
