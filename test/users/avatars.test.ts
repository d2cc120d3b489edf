import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { it } from 'node:test'
import { Migrator, sql } from 'kysely'
import { isPostgres, openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import * as m0001 from '../../src/db/migrations/0001_users_follows_games.js'
import * as m0002 from '../../src/db/migrations/0002_library_activity.js'
import * as m0003 from '../../src/db/migrations/0003_read_paths.js'
import { createTestDatabase, describeEachDatabase, testedDatabases } from '../helpers/app.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

const md5 = (text: string) => createHash('md5').update(text.trim().toLowerCase()).digest('hex')
const sha256 = (text: string) => createHash('sha256').update(text.trim().toLowerCase()).digest('hex')

/** Gravatar's generated face for a seed, never a real Gravatar (forcedefault). */
const SEEDED_AVATAR = /^https:\/\/secure\.gravatar\.com\/avatar\/([0-9a-f]{32})\?size=120&default=retro&forcedefault=y$/
const gravatarOf = (email: string) => `https://secure.gravatar.com/avatar/${md5(email)}?size=120&default=retro`

/** Asserts the avatar is a random face that says nothing of any of `emails`, and returns it. */
function assertSeeded(avatar: string, ...emails: string[]): string {
  const seed = SEEDED_AVATAR.exec(avatar)?.[1]
  assert.ok(seed, `${avatar} is a seeded avatar`)
  for (const email of emails) {
    assert.doesNotMatch(avatar, new RegExp(`${md5(email)}|${sha256(email)}`), `${avatar} gives away ${email}`)
  }
  return avatar
}

describeEachDatabase('avatars', (current) => {
  const app = () => current().app
  const me = async (user: RegisteredUser) => (await call(app(), 'GET', '/api/users/user/', { token: user.token })).body
  const edit = async (user: RegisteredUser, body: Record<string, unknown>) => {
    const response = await call(app(), 'PATCH', `/api/users/profile/${user.username}`, { token: user.token, body })
    assert.equal(response.status, 200, response.text)
    return response.body
  }
  /** The avatar wherever others see it: the profile, and the badge beside a follow. */
  const publicAvatars = async (user: RegisteredUser, follower: RegisteredUser) => {
    const profile = await call(app(), 'GET', `/api/users/${user.username}`)
    const following = await call(app(), 'GET', `/api/users/${follower.username}/following`)
    const badge = following.body.results.find((item: { user: { id: number } }) => item.user.id === user.id)
    return [profile.body.gravatar, badge.user.gravatar]
  }
  const follow = async (follower: RegisteredUser, username: string) => {
    const response = await call(app(), 'POST', '/api/users/follow/', { token: follower.token, body: { username } })
    assert.equal(response.status, 200, response.text)
  }

  it('gives every new account a random avatar that says nothing about its email', async () => {
    const madeline = await registerUser(app(), 'madeline', { email: 'Madeline@Example.com' })
    const theo = await registerUser(app(), 'theo')
    await follow(theo, 'madeline')
    const avatar = assertSeeded((await me(madeline)).gravatar, madeline.email)
    assert.deepEqual(await publicAvatars(madeline, theo), [avatar, avatar])
    assert.notEqual(assertSeeded((await me(theo)).gravatar, theo.email), avatar, 'each account has its own')
  })

  it('keeps the avatar through an email change, tied to neither address', async () => {
    const madeline = await registerUser(app(), 'madeline')
    const before = (await me(madeline)).gravatar
    const updated = await edit(madeline, { email: 'new.address@example.com' })
    assert.equal(updated.gravatar, before)
    assertSeeded(updated.gravatar, madeline.email, 'new.address@example.com')
  })

  it("shows the email's Gravatar only to those who opt in, and follows every email change", async () => {
    const madeline = await registerUser(app(), 'madeline')
    const theo = await registerUser(app(), 'theo')
    await follow(theo, 'madeline')
    const seeded = (await me(madeline)).gravatar

    const optedIn = await edit(madeline, { use_gravatar: true })
    assert.equal(optedIn.use_gravatar, true)
    assert.equal(optedIn.gravatar, gravatarOf(madeline.email))
    assert.deepEqual(await publicAvatars(madeline, theo), [gravatarOf(madeline.email), gravatarOf(madeline.email)])

    const moved = await edit(madeline, { email: 'New.Address@Example.COM' })
    assert.equal(moved.gravatar, gravatarOf('new.address@example.com'))
    assert.deepEqual(await publicAvatars(madeline, theo), [moved.gravatar, moved.gravatar])
    assert.equal((await me(madeline)).gravatar, moved.gravatar)

    const optedOut = await edit(madeline, { use_gravatar: false })
    assert.equal(optedOut.use_gravatar, false)
    assert.equal(optedOut.gravatar, seeded, 'back to the random avatar it had')
  })

  it('shows whether Gravatar is on to the owner only', async () => {
    const madeline = await registerUser(app(), 'madeline')
    const theo = await registerUser(app(), 'theo')
    await edit(madeline, { use_gravatar: true })
    assert.equal((await call(app(), 'GET', '/api/users/madeline', { token: madeline.token })).body.use_gravatar, true)
    for (const token of [theo.token, undefined]) {
      assert.equal('use_gravatar' in (await call(app(), 'GET', '/api/users/madeline', { token })).body, false)
    }
  })

  it('draws a new random avatar on refreshAvatar, or the current Gravatar when opted in', async () => {
    const madeline = await registerUser(app(), 'madeline')
    const before = (await me(madeline)).gravatar
    const refreshed = await edit(madeline, { refreshAvatar: true })
    assert.notEqual(refreshed.gravatar, before)
    assertSeeded(refreshed.gravatar, madeline.email)
    assert.equal((await me(madeline)).gravatar, refreshed.gravatar)

    const both = await edit(madeline, { refreshAvatar: true, use_gravatar: true })
    assert.equal(both.gravatar, gravatarOf(madeline.email))
    assert.equal((await edit(madeline, { refreshAvatar: true })).gravatar, gravatarOf(madeline.email))
  })

  it('refuses a use_gravatar that is not a boolean, and the avatar fields themselves, changing nothing', async () => {
    const madeline = await registerUser(app(), 'madeline')
    const before = await me(madeline)
    for (const [body, errors] of [
      [{ use_gravatar: 'please' }, { use_gravatar: ['Must be a valid boolean.'] }],
      [{ avatar_seed: 'f'.repeat(32) }, { avatar_seed: ['Unexpected field: not accepted here.'] }],
    ] as const) {
      const response = await call(app(), 'PATCH', '/api/users/profile/madeline', { token: madeline.token, body })
      assert.equal(response.status, 400, response.text)
      assert.deepEqual(response.body, errors)
    }
    assert.deepEqual(await me(madeline), before)
  })
})

for (const kind of testedDatabases) {
  it(`gives every existing account a random avatar, not opted in to Gravatar, when migrating [${kind}]`, async () => {
    const database = await createTestDatabase(kind)
    const db = openDatabase(database.url)
    try {
      await migrateBefore0006(db)
      const emails = ['madeline@example.com', 'theo@example.com']
      for (const email of emails) {
        const username = email.split('@')[0] as string
        await sql`insert into users (username, username_key, email, email_key, password_hash, gravatar, created_at)
          values (${username}, ${username}, ${email}, ${email}, 'x', ${gravatarOf(email)}, '2024-01-01T00:00:00.000000Z')`.execute(db)
      }
      await migrateToLatest(db)
      const users = await db.selectFrom('users').select(['email', 'gravatar', 'avatar_seed', 'use_gravatar']).orderBy('id').execute()
      for (const user of users) {
        assertSeeded(user.gravatar, ...emails)
        assert.equal(user.gravatar, `https://secure.gravatar.com/avatar/${user.avatar_seed}?size=120&default=retro&forcedefault=y`)
        assert.equal(!!user.use_gravatar, false)
      }
      assert.notEqual(users[0]?.avatar_seed, users[1]?.avatar_seed)
    } finally {
      await db.destroy()
      await database.drop()
    }
  })
}

/** The schema as it was before avatar seeds. */
async function migrateBefore0006(db: Db): Promise<void> {
  const schema = isPostgres(db) ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined
  const migrations = { '0001_users_follows_games': m0001, '0002_library_activity': m0002, '0003_read_paths': m0003 }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema: schema })
  const { error } = await migrator.migrateToLatest()
  if (error) throw error
}
