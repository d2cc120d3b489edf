import assert from 'node:assert/strict'
import { beforeEach, it } from 'node:test'
import { sql } from 'kysely'
import { importGames } from '../../src/games/import.js'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { describeOnTwoApps, read, readAroundWrite, write } from '../helpers/answers.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

// A person's library pages are kept serialized under their version: each write that changes a page shows on the
// very next read of it, whichever process made it; pages of other lists, limits and cursors are kept apart.

const names = (page: { results: { game: { name: string } }[] }) => page.results.map((item) => item.game.name)

describeEachDatabase('a kept library page', (current) => {
  const app = () => current().app
  let madeline: RegisteredUser
  const gameIds: number[] = []
  beforeEach(async () => {
    madeline = await registerUser(app(), 'madeline')
    gameIds.length = 0
    for (const name of ['Celeste', 'Hades', 'Tunic']) gameIds.push(await insertGame(current().db, { name }))
  })
  const log = (game: number, value: boolean) => write(app(), 'POST', '/api/actions/log/', madeline.token, { game, value })

  it('shows a game logged, then taken out, on the next read', async () => {
    await log(gameIds[0]!, true)
    const added = await readAroundWrite(app(), '/api/users/madeline/games?status=played', () => log(gameIds[1]!, true))
    assert.deepEqual(names(added.before), ['Celeste'])
    assert.deepEqual(names(added.after), ['Hades', 'Celeste'])

    const removed = await readAroundWrite(app(), '/api/users/madeline/games?status=played', () => log(gameIds[0]!, false))
    assert.deepEqual(names(removed.after), ['Hades'])
  })

  it('shows a game renamed by the catalog import in every page that lists it', async () => {
    await importGames(current().db, [{ id: 71, name: 'Portal' }])
    const portal = await current().db.selectFrom('games').select('id').where('igdb', '=', '71').executeTakeFirstOrThrow()
    await write(app(), 'POST', '/api/actions/wishlist/', madeline.token, { game: portal.id, value: true })

    const { after } = await readAroundWrite(app(), '/api/users/madeline/games?status=wishlist', () =>
      importGames(current().db, [{ id: 71, name: 'Portal: Still Alive' }]),
    )
    assert.deepEqual(names(after), ['Portal: Still Alive'])
  })

  it('keeps each list, limit and page apart', async () => {
    for (const id of gameIds) await log(id, true)
    await write(app(), 'POST', '/api/actions/like/', madeline.token, { game: gameIds[0], value: true })

    const firstTwo = (await read(app(), '/api/users/madeline/games?status=played&limit=2')).body
    assert.deepEqual(names(firstTwo), ['Tunic', 'Hades'])
    assert.deepEqual(names((await read(app(), '/api/users/madeline/games?status=played&limit=3')).body), ['Tunic', 'Hades', 'Celeste'])
    assert.deepEqual(names((await read(app(), '/api/users/madeline/games?status=liked&limit=2')).body), ['Celeste'])
    const next = (await read(app(), `/api/users/madeline/games?status=played&limit=2&cursor=${firstTwo.next}`)).body
    assert.deepEqual(names(next), ['Celeste'])
    assert.equal(next.next, null)
  })

  it('answers 304 to its own ETag only, and a new page after a change', async () => {
    await log(gameIds[0]!, true)
    const url = '/api/users/madeline/games?status=played'
    const first = await read(app(), url)
    assert.equal(first.headers['cache-control'], 'public, no-cache')

    const revalidated = await call(app(), 'GET', url, { headers: { 'if-none-match': first.headers.etag as string } })
    assert.equal(revalidated.status, 304)
    assert.equal(revalidated.text, '')
    const otherTag = await call(app(), 'GET', url, { headers: { 'if-none-match': '"l1.0.stale"' } })
    assert.equal(otherTag.status, 200)

    await log(gameIds[2]!, true)
    const changed = await call(app(), 'GET', url, { headers: { 'if-none-match': first.headers.etag as string } })
    assert.equal(changed.status, 200)
    assert.deepEqual(names(changed.body), ['Tunic', 'Celeste'])
  })

  it('answers 404 for a name nobody has, and once the account is deleted', async () => {
    assert.equal((await call(app(), 'GET', '/api/users/nobody/games?status=played')).status, 404)
    await read(app(), '/api/users/madeline/games?status=played')
    await write(app(), 'DELETE', '/api/users/user/', madeline.token, { password: madeline.password })
    assert.equal((await call(app(), 'GET', '/api/users/madeline/games?status=played')).status, 404)
  })
})

describeOnTwoApps('a kept library page, after a write by another process or straight in SQL', (current) => {
  it('shows on app A a game listed through app B, and one listed in SQL', async () => {
    const madeline = await registerUser(current().b, 'madeline')
    const celeste = await insertGame(current().db, { name: 'Celeste' })
    const hades = await insertGame(current().db, { name: 'Hades' })
    const url = '/api/users/madeline/games?status=backlog'

    const throughB = await readAroundWrite(current().a, url, () =>
      write(current().b, 'POST', '/api/actions/backlog/', madeline.token, { game: celeste, value: true }),
    )
    assert.deepEqual(names(throughB.after), ['Celeste'])

    const inSql = await readAroundWrite(current().a, url, () =>
      sql`insert into game_statuses (user_id, game_id, status, created_at)
        values (${madeline.id}, ${hades}, 'backlog', '2030-01-01T00:00:00.000000Z')`.execute(current().db),
    )
    assert.deepEqual(names(inSql.after), ['Hades', 'Celeste'])
  })
})
