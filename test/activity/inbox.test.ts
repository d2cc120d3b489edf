import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Migrator } from 'kysely'
import { deliverActivity, deliverNextChunk, FOLLOW_BACKFILL } from '../../src/activity/inbox.js'
import { recordActivity } from '../../src/activity/record.js'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest, migrations } from '../../src/db/migrate.js'
import { timestamp } from '../../src/db/time.js'
import { createTestDatabase, describeEachDatabase, testedDatabases } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

/** The activity ids in a reader's inbox, newest first. */
const inboxOf = async (db: Db, reader: { id: number }) =>
  (await db.selectFrom('feed_inbox').select('activity_id').where('reader_id', '=', reader.id).orderBy('activity_id', 'desc').execute()).map(
    (row) => Number(row.activity_id),
  )

const activityIdsOf = async (db: Db, author: { id: number }) =>
  (await db.selectFrom('activities').select('id').where('user_id', '=', author.id).orderBy('id', 'desc').execute()).map((row) => Number(row.id))

describeEachDatabase('Feed delivery (fan-out on write)', (current) => {
  const app = () => current().app
  const db = () => current().db

  const follow = async (user: RegisteredUser, other: RegisteredUser, action: 'follow' | 'unfollow' = 'follow') => {
    const response = await call(app(), 'POST', `/api/users/${action}/`, { token: user.token, body: { username: other.username } })
    assert.equal(response.status, 200, response.text)
  }

  /** An activity of the author's, recorded as every module records one. */
  const act = async (author: RegisteredUser, n: number) => {
    const listId = await db()
      .insertInto('lists')
      .values({ user_id: author.id, title: `List ${n}`, ranked: false, created_at: timestamp(), updated_at: timestamp() })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordActivity(db(), { user_id: author.id, type: 'list', list_id: listId.id })
  }

  /** An activity of ada's, whose followers are named, handed to the delivery with the inline limit given. */
  const activityOfFollowedAccount = async (followerNames: string[], inlineMax: number) => {
    const ada = await registerUser(app(), 'ada')
    const followers = await Promise.all(followerNames.map((name) => registerUser(app(), name)))
    for (const follower of followers) await follow(follower, ada)
    const { id } = await db()
      .insertInto('activities')
      .values({ user_id: ada.id, type: 'list', created_at: timestamp() })
      .returning('id')
      .executeTakeFirstOrThrow()
    await deliverActivity(db(), { id, user_id: ada.id }, inlineMax)
    return { id, followers }
  }

  it("puts a new activity in every follower's inbox at once, and in no one else's", async () => {
    const ada = await registerUser(app(), 'ada')
    const bob = await registerUser(app(), 'bob')
    const cy = await registerUser(app(), 'cy')
    const dee = await registerUser(app(), 'dee')
    await follow(bob, ada)
    await follow(cy, ada)
    await act(ada, 1)
    const [latest] = await activityIdsOf(db(), ada)
    assert.deepEqual((await inboxOf(db(), bob))[0], latest)
    assert.deepEqual((await inboxOf(db(), cy))[0], latest)
    assert.deepEqual(await inboxOf(db(), dee), [])
    assert.deepEqual(await inboxOf(db(), ada), [], 'an author does not read their own activity in their feed')
  })

  it(`gives a new follower the account's latest ${FOLLOW_BACKFILL} activities, and an unfollow takes them back`, async () => {
    const ada = await registerUser(app(), 'ada')
    const bob = await registerUser(app(), 'bob')
    for (let n = 1; n <= FOLLOW_BACKFILL + 3; n++) await act(ada, n)
    await follow(bob, ada)
    const adas = await activityIdsOf(db(), ada)
    assert.deepEqual(await inboxOf(db(), bob), adas.slice(0, FOLLOW_BACKFILL))
    const feed = await call(app(), 'GET', '/api/feed/?limit=3', { token: bob.token })
    assert.deepEqual(
      feed.body.results.map((item: { id: number }) => item.id),
      adas.slice(0, 3),
    )

    await follow(bob, ada, 'unfollow')
    assert.deepEqual(await inboxOf(db(), bob), [])
    assert.deepEqual((await call(app(), 'GET', '/api/feed/', { token: bob.token })).body.results, [])
  })

  it('never shows an activity of someone no longer followed, even one whose delivery raced the unfollow', async () => {
    const ada = await registerUser(app(), 'ada')
    const bob = await registerUser(app(), 'bob')
    await follow(bob, ada)
    await act(ada, 1)
    await db().deleteFrom('follows').where('follower_id', '=', bob.id).execute()
    assert.equal((await inboxOf(db(), bob)).length, 1, 'the stale delivery is still there')
    const feed = await call(app(), 'GET', '/api/feed/', { token: bob.token })
    assert.deepEqual(feed.body, { results: [], next: null })
  })

  it('delivers the activity of an account with many followers in the background, a chunk at a time', async () => {
    const { id, followers } = await activityOfFollowedAccount(['bob', 'cy', 'dee', 'eve', 'fay'], 2)
    for (const follower of followers) assert.deepEqual(await inboxOf(db(), follower), [], 'nothing is delivered inline')
    assert.equal((await db().selectFrom('feed_deliveries').selectAll().execute()).length, 1)

    assert.equal(await deliverNextChunk(db(), 2), true)
    const delivered = async () => (await Promise.all(followers.map((follower) => inboxOf(db(), follower)))).filter((ids) => ids.includes(id)).length
    assert.equal(await delivered(), 2, 'one chunk reaches two followers')
    assert.equal(await deliverNextChunk(db(), 2), true)
    assert.equal(await deliverNextChunk(db(), 2), true)
    assert.equal(await delivered(), 5)
    assert.equal((await db().selectFrom('feed_deliveries').selectAll().execute()).length, 0, 'the finished delivery is gone')
    assert.equal(await deliverNextChunk(db(), 2), false)
  })

  it('delivers a chunk twice without harm (two processes at once)', async () => {
    const { id, followers } = await activityOfFollowedAccount(['bob', 'cy', 'dee'], 1)
    await deliverNextChunk(db(), 2)
    // Another process read the delivery before this one moved it on, and writes the same chunk again.
    await db().updateTable('feed_deliveries').set({ delivered_through: 0 }).execute()
    while (await deliverNextChunk(db(), 2));
    for (const follower of followers) assert.deepEqual(await inboxOf(db(), follower), [id])
  })

  it("forgets deliveries with the activity, and a deleted reader's whole inbox", async () => {
    const ada = await registerUser(app(), 'ada')
    const bob = await registerUser(app(), 'bob')
    await follow(bob, ada)
    await act(ada, 1)
    await act(ada, 2)
    const [latest, first] = await activityIdsOf(db(), ada)
    await db().deleteFrom('activities').where('id', '=', latest!).execute()
    assert.deepEqual(await inboxOf(db(), bob), [first])
    await db().deleteFrom('users').where('id', '=', bob.id).execute()
    assert.equal((await db().selectFrom('feed_inbox').selectAll().execute()).length, 0)
  })
})

for (const kind of testedDatabases) {
  describe(`Migration 0015_feed_inbox [${kind}]`, () => {
    it('fills every reader’s inbox with what the people they follow did, so no feed changes', async () => {
      const database = await createTestDatabase(kind)
      const db = openDatabase(database.url)
      try {
        const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0015'))
        const { error } = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest()
        assert.equal(error, undefined)
        const now = timestamp()
        const user = (username: string) => ({
          username,
          username_key: username,
          email: `${username}@example.com`,
          email_key: `${username}@example.com`,
          password_hash: '!',
          gravatar: 'https://example.com/a.png',
          avatar_seed: username,
          use_gravatar: false,
          created_at: now,
        })
        const [ada, bob, cy] = await db.insertInto('users').values([user('ada'), user('bob'), user('cy')]).returning('id').execute()
        await db
          .insertInto('follows')
          .values([
            { follower_id: bob!.id, followee_id: ada!.id, created_at: now },
            { follower_id: cy!.id, followee_id: bob!.id, created_at: now },
          ])
          .execute()
        const activities = await db
          .insertInto('activities')
          .values([
            { user_id: ada!.id, type: 'follow', target_user_id: cy!.id, created_at: now },
            { user_id: bob!.id, type: 'follow', target_user_id: ada!.id, created_at: now },
            { user_id: cy!.id, type: 'follow', target_user_id: bob!.id, created_at: now },
          ])
          .returning('id')
          .execute()
        await migrateToLatest(db)
        const rows = await db.selectFrom('feed_inbox').select(['reader_id', 'activity_id']).orderBy('reader_id').execute()
        assert.deepEqual(
          rows.map((row) => [Number(row.reader_id), Number(row.activity_id)]),
          [
            [bob!.id, activities[0]!.id],
            [cy!.id, activities[1]!.id],
          ],
        )
      } finally {
        await db.destroy()
        await database.drop()
      }
    })
  })
}
