import assert from 'node:assert/strict'
import { it } from 'node:test'
import { timestamp } from '../../src/db/time.js'
import { describeEachDatabase } from '../helpers/app.js'

describeEachDatabase("The catalog's version", (current) => {
  const db = () => current().db
  const version = async () => Number((await db().selectFrom('catalog_version').select('version').executeTakeFirstOrThrow()).version)
  const insertGame = (slug: string) =>
    db()
      .insertInto('games')
      .values({ igdb: slug, slug, name: slug, search_name: slug, platforms: '[]', genres: '[]', developers: '[]', created_at: timestamp() })
      .onConflict((oc) => oc.doNothing())
      .execute()

  it('moves when a game is added or deleted, and not for an insert or delete that touched no row', async () => {
    const before = await version()
    await insertGame('new-game')
    const added = await version()
    assert.ok(added > before, 'an added game moves it')
    await insertGame('new-game')
    assert.equal(await version(), added, 'an insert that found the game there already does not')
    await db().deleteFrom('games').where('slug', '=', 'no-such-game').execute()
    assert.equal(await version(), added, 'a delete of nothing does not')
    await db().deleteFrom('games').where('slug', '=', 'new-game').execute()
    assert.ok((await version()) > added, 'a deleted game moves it')
  })
})
