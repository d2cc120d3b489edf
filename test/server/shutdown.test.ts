import assert from 'node:assert/strict'
import { it } from 'node:test'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'

/** A promise and the function that resolves it. */
function signal() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

it('closing the app lets a request already running finish its database work before the database closes', async () => {
  const db = openDatabase('sqlite::memory:')
  await migrateToLatest(db)
  const app = await buildApp({ config: loadConfig({}), db, webDist: null, logger: false })
  // A request that is in its handler when closing starts, and needs the database afterwards (as a login does after
  // hashing, or any request whose client has hung up, which closing has no connection of to wait for).
  const entered = signal()
  const release = signal()
  app.get('/slow', async () => {
    entered.resolve()
    await release.promise
    return db.selectFrom('games').select((eb) => eb.fn.countAll<number>().as('games')).executeTakeFirstOrThrow()
  })
  await app.ready()

  const answer = app.inject({ method: 'GET', url: '/slow' })
  await entered.promise
  let closed = false
  const closing = app.close().then(() => (closed = true))
  await new Promise((resolve) => setTimeout(resolve, 100))
  assert.equal(closed, false, 'closing waits while the request runs')

  release.resolve()
  const response = await answer
  assert.equal(response.statusCode, 200, response.body)
  assert.deepEqual(response.json(), { games: 0 })
  await closing
  assert.equal(closed, true)
})
