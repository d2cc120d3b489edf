import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openDatabase, type Db } from '../../src/db/database.js'
import { isoTimestamp, jsonArrayFrom, parseJson } from '../../src/db/json.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { insertUser } from '../../src/users/repository.js'
import { createTestDatabase, testedDatabases, type TestDatabase } from '../helpers/app.js'
import { newUserRow } from '../helpers/fixtures.js'

for (const kind of testedDatabases) {
  describe(`rows read as a JSON array [${kind}]`, () => {
    let database: TestDatabase
    let db: Db
    let starId: number

    before(async () => {
      database = await createTestDatabase(kind)
      db = openDatabase(database.url)
      await migrateToLatest(db)
      starId = await insertUser(db, newUserRow('star'))
      // Times as our code writes them, and as others may have: whole seconds, fewer fractional digits.
      const times = ['2026-01-02T03:04:05.123456Z', '2026-01-02T03:04:06.000000Z', '2026-01-02T03:04:07Z', '2026-01-02T03:04:08.5Z']
      for (const [n, created_at] of times.entries()) {
        const fanId = await insertUser(db, newUserRow(`fan${n}`))
        await db.insertInto('follows').values({ follower_id: fanId, followee_id: starId, created_at }).execute()
      }
    })

    after(async () => {
      await db.destroy()
      await database.drop()
    })

    const followers = () =>
      db
        .selectFrom('users as star')
        .select((eb) =>
          jsonArrayFrom(
            db,
            eb
              .selectFrom('follows as f')
              .select(['f.follower_id', isoTimestamp(db, 'f.created_at').as('created_at')])
              .whereRef('f.followee_id', '=', 'star.id')
              .orderBy('f.created_at', 'desc'),
          ).as('follows'),
        )
        .where('star.id', '=', starId)
        .executeTakeFirstOrThrow()

    it('keeps the rows, their order and their numbers', async () => {
      const { follows } = await followers()
      const direct = await db.selectFrom('follows').select(['follower_id']).where('followee_id', '=', starId).orderBy('created_at', 'desc').execute()
      assert.deepEqual(
        parseJson(follows).map((row) => row.follower_id),
        direct.map((row) => row.follower_id),
      )
    })

    it('writes timestamps exactly as a timestamp column reads on its own', async () => {
      const { follows } = await followers()
      const direct = await db
        .selectFrom('follows')
        .select(['follower_id', 'created_at'])
        .where('followee_id', '=', starId)
        .orderBy('created_at', 'desc')
        .execute()
      assert.deepEqual(parseJson(follows), direct)
    })

    it('reads an empty array for no rows', async () => {
      const { empty } = await db
        .selectFrom('users as star')
        .select((eb) =>
          jsonArrayFrom(db, eb.selectFrom('follows as f').select('f.follower_id').whereRef('f.follower_id', '=', 'star.id')).as('empty'),
        )
        .where('star.id', '=', starId)
        .executeTakeFirstOrThrow()
      assert.deepEqual(parseJson(empty), [])
    })
  })
}
