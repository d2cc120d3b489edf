import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Migrator, sql, type Migration } from 'kysely'
import { isPostgres, openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import * as m0001 from '../../src/db/migrations/0001_users_follows_games.js'
import * as m0002 from '../../src/db/migrations/0002_library_activity.js'
import * as m0003 from '../../src/db/migrations/0003_read_paths.js'
import { createTestDatabase, describeEachDatabase, testedDatabases } from '../helpers/app.js'
import { call, registerUser, STRONG_PASSWORD, type RegisteredUser } from '../helpers/client.js'

const TAKEN = 'A user with that username already exists.'
const LOOKALIKE = 'This username is too similar to an existing username.'
const HELD = 'This username was in use recently and cannot be taken yet.'
const RESERVED = 'This username is reserved.'
const EMAIL = 'A username cannot look like an email address.'
const DOTS = 'A username cannot start or end with a dot.'
const MARKS = 'A username cannot have more than two accents or other marks on one letter.'
const INVISIBLE = 'A username cannot contain invisible characters.'
const SCRIPTS = 'A username cannot mix letters from different scripts, such as Latin and Cyrillic.'

const DAY_MS = 86_400_000

describeEachDatabase('Usernames that impersonate', (current) => {
  const app = () => current().app
  const db = () => current().db
  let emails = 0
  const register = (username: string) =>
    call(app(), 'POST', '/api/users/register/', {
      body: { username, email: `person${++emails}@example.com`, password: STRONG_PASSWORD },
    })
  const rename = (user: RegisteredUser, username: string) =>
    call(app(), 'PATCH', `/api/users/profile/${encodeURIComponent(user.username)}`, { token: user.token, body: { username } })
  const login = (username: string, password: string) => call(app(), 'POST', '/api/users/login/', { body: { username, password } })
  const userCount = async () => (await db().selectFrom('users').select('id').execute()).length

  /** Registering `username`, and renaming an existing account to it, are both refused with `messages`. */
  async function assertRefused(username: string, messages: string[]) {
    const before = await userCount()
    const registered = await register(username)
    assert.equal(registered.status, 400, `register ${username}: ${registered.text}`)
    assert.deepEqual(registered.body, { username: messages }, `register ${username}`)
    assert.equal(await userCount(), before, `register ${username} created nobody`)

    const renamer = await registerUser(app(), `renamer${emails}`)
    const renamed = await rename(renamer, username)
    assert.equal(renamed.status, 400, `rename to ${username}: ${renamed.text}`)
    assert.deepEqual(renamed.body, { username: messages }, `rename to ${username}`)
    const row = await db().selectFrom('users').select('username').where('id', '=', renamer.id).executeTakeFirstOrThrow()
    assert.equal(row.username, renamer.username, `rename to ${username} changed nothing`)
  }

  it('refuses an email-shaped username at registration and rename', async () => {
    for (const username of ['carol.real@example.net', 'Carol.Real@Example.NET', 'a@localhost', 'x@y']) {
      await assertRefused(username, [EMAIL])
    }
    // An @ that does not stand between two parts is still allowed, as Django's character set has it.
    assert.equal((await register('@carol')).status, 201)
    assert.equal((await register('carol@')).status, 201)
  })

  it("signs Carol in by her email even when a (legacy) username spells it; that account signs in by name when no email matches", async () => {
    const carol = await registerUser(app(), 'carol', { email: 'carol.real@example.net' })
    const mallory = await registerUser(app(), 'mallory', { password: 'granite-meadow-falcon-77' })
    // Names like this can no longer be chosen: write one directly, as an account from before the rule.
    const shadow = (id: number, username: string) =>
      db().updateTable('users').set({ username, username_key: username.toLowerCase() }).where('id', '=', id).execute()
    await shadow(mallory.id, 'carol.real@example.net')

    const asCarol = await login('carol.real@example.net', carol.password)
    assert.equal(asCarol.status, 200, asCarol.text)
    assert.equal(asCarol.body.user.id, carol.id)
    const asMallory = await login('carol.real@example.net', mallory.password)
    assert.equal(asMallory.status, 400)
    assert.deepEqual(asMallory.body, { non_field_errors: ['Incorrect username/password.'] })

    await shadow(mallory.id, 'old.school@example.org')
    const legacy = await login('Old.School@example.org', mallory.password)
    assert.equal(legacy.status, 200, legacy.text)
    assert.equal(legacy.body.user.id, mallory.id)
  })

  it('refuses a name that looks like an existing one: other scripts, small capitals, either way round', async () => {
    await registerUser(app(), 'ada')
    await assertRefused('аԁа', [LOOKALIKE]) // all Cyrillic
    await assertRefused('ᴀᴅᴀ', [LOOKALIKE]) // Latin small capitals
    await assertRefused('ADA', [TAKEN])
    await assertRefused('аdа', [SCRIPTS, LOOKALIKE]) // Cyrillic а around a Latin d

    await registerUser(app(), 'ᴍɪʟᴏ', { email: 'milo@example.com' })
    await assertRefused('milo', [LOOKALIKE])
    await registerUser(app(), 'paypal')
    await assertRefused('PayPaI', [LOOKALIKE]) // a capital I is drawn as an l
  })

  it('refuses names that mix scripts, except the mixes of one writing system', async () => {
    for (const username of ['pаypal', 'Ελλάδαfan', 'Москва_paris', '東京Москва', '한국ひらがな']) {
      await assertRefused(username, [SCRIPTS])
    }
    for (const username of ['Ελλάδα', 'Москва_1', '東京ひらがなカタカナ', 'taro_の', '서울漢字', 'Zoë-1.2', '北京ㄅㄆ']) {
      const response = await register(username)
      assert.equal(response.status, 201, `${username}: ${response.text}`)
    }
  })

  it('refuses dot-only names and names that start or end with a dot', async () => {
    for (const username of ['.', '..', 'ada.', '.ada', '...ada']) await assertRefused(username, [DOTS])
    assert.equal((await register('a.da')).status, 201)
  })

  it('refuses more than two combining marks in a row, and invisible characters', async () => {
    await assertRefused(`e${'\u0301'.repeat(3)}`, [MARKS])
    await assertRefused(`z${'\u0310'.repeat(149)}`, [MARKS])
    await assertRefused('ada\u034f', [INVISIBLE]) // combining grapheme joiner
    await assertRefused('ㅤ', [INVISIBLE]) // Hangul filler
    for (const username of ['ệ', 'Nguyễn', 'ǘber']) {
      const response = await register(username)
      assert.equal(response.status, 201, `${username}: ${response.text}`)
    }
  })

  it('reserves staff and site names, and the paths of the API, in every look-alike spelling', async () => {
    for (const username of ['admin', 'Administrator', 'support', 'staff', 'overworld', 'moderator', 'mod', 'root', 'system', 'help', 'security', 'official', 'api', 'www', 'login', 'me']) {
      await assertRefused(username, [RESERVED])
    }
    await assertRefused('ᴀᴅᴍɪɴ', [RESERVED])
    await assertRefused('ＡＤＭＩＮ', [RESERVED])
    await assertRefused('аdmin', [RESERVED, SCRIPTS])
    assert.equal((await register('admiral')).status, 201)
  })

  it("keeps a renamed account's old name from everyone else for 30 days, and lets the owner take it back", async () => {
    const alice = await registerUser(app(), 'alice')
    const bob = await registerUser(app(), 'bob')

    const renamed = await rename(alice, 'alice_2')
    assert.equal(renamed.status, 200, renamed.text)
    await assertRefused('alice', [HELD])
    await assertRefused('ALICE', [HELD])
    await assertRefused('ᴀlice', [HELD])

    const [hold] = await db().selectFrom('retired_usernames').selectAll().execute()
    assert.equal(hold?.user_id, alice.id)
    const heldFor = Date.parse(hold?.retired_until ?? '') - Date.now()
    assert.ok(Math.abs(heldFor - 30 * DAY_MS) < 60_000, `held for ${heldFor} ms`)

    const back = await rename({ ...alice, username: 'alice_2' }, 'Alice')
    assert.equal(back.status, 200, back.text)
    assert.equal(back.body.username, 'Alice')

    assert.equal((await rename({ ...alice, username: 'Alice' }, 'alice_3')).status, 200)
    assert.equal((await rename(bob, 'alice')).status, 400)
    // Thirty days on: the hold has run out.
    await db().updateTable('retired_usernames').set({ retired_until: new Date(Date.now() - 1000).toISOString() }).execute()
    const taken = await rename(bob, 'alice')
    assert.equal(taken.status, 200, taken.text)
  })

  it('holds only the last three names an account left, so renaming cannot squat on names', async () => {
    let user = await registerUser(app(), 'name0')
    for (let i = 1; i <= 5; i++) {
      const response = await rename(user, `name${i}`)
      assert.equal(response.status, 200, response.text)
      user = { ...user, username: `name${i}` }
    }
    assert.equal((await register('name0')).status, 201)
    assert.equal((await register('name1')).status, 201)
    for (const held of ['name2', 'name3', 'name4']) assert.deepEqual((await register(held)).body, { username: [HELD] })
  })

  it('lets exactly one of simultaneous registrations of look-alike names through', async () => {
    const spellings = ['ace', 'асе'] // Latin, Cyrillic
    const attempts = await Promise.all(Array.from({ length: 8 }, (_, i) => register(spellings[i % 2] as string)))

    const winners = attempts.filter((response) => response.status === 201)
    assert.equal(winners.length, 1)
    const winner = winners[0]?.body.user.username
    for (const [i, response] of attempts.entries()) {
      if (response === winners[0]) continue
      assert.equal(response.status, 400)
      assert.deepEqual(response.body, { username: [spellings[i % 2] === winner ? TAKEN : LOOKALIKE] })
    }
    assert.equal(await userCount(), 1)
  })

  it('lets exactly one of simultaneous renames to look-alike names through', async () => {
    const users = await Promise.all(['p1', 'p2', 'p3', 'p4'].map((name) => registerUser(app(), name)))
    const attempts = await Promise.all(users.map((user, i) => rename(user, i % 2 ? 'ace' : 'асе')))

    assert.equal(attempts.filter((response) => response.status === 200).length, 1)
    for (const response of attempts.filter((r) => r.status !== 200)) {
      assert.equal(response.status, 400)
      assert.ok([TAKEN, LOOKALIKE].includes(response.body.username?.[0]), response.text)
    }
  })

  it('lets existing accounts keep names the rules now refuse: they sign in and save their profile', async () => {
    const legacy = await registerUser(app(), 'placeholder')
    await db().updateTable('users').set({ username: 'admin.', username_key: 'admin.' }).where('id', '=', legacy.id).execute()

    const signedIn = await login('admin.', legacy.password)
    assert.equal(signedIn.status, 200, signedIn.text)
    const saved = await call(app(), 'PATCH', '/api/users/profile/admin.', {
      token: legacy.token,
      body: { username: 'admin.', bio: 'Here before the rules' },
    })
    assert.equal(saved.status, 200, saved.text)
    assert.equal(saved.body.bio, 'Here before the rules')
    assert.equal(saved.body.username, 'admin.')
  })
})

const BEFORE_SKELETONS: Record<string, Migration> = {
  '0001_users_follows_games': m0001,
  '0002_library_activity': m0002,
  '0003_read_paths': m0003,
}

for (const kind of testedDatabases) {
  describe(`Migration 0004: username skeletons [${kind}]`, () => {
    it('gives existing accounts skeletons; of names that already look alike, the oldest keeps it, the others get none', async () => {
      const database = await createTestDatabase(kind)
      const db: Db = openDatabase(database.url)
      try {
        const schema = isPostgres(db) ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined
        const before = new Migrator({ db, provider: { getMigrations: async () => BEFORE_SKELETONS }, migrationTableSchema: schema })
        assert.equal((await before.migrateToLatest()).error, undefined)
        for (const username of ['ada', 'аԁа', 'bob', 'ᴀᴅᴀ', 'admin']) {
          await sql`insert into users (username, username_key, email, email_key, password_hash, gravatar, created_at)
            values (${username}, ${username}, ${`${username}@example.com`}, ${`${username}@example.com`}, 'x', 'g', ${new Date().toISOString()})`.execute(db)
        }

        await migrateToLatest(db)

        const rows = await db.selectFrom('users').select(['username', 'username_skeleton']).orderBy('id').execute()
        assert.deepEqual(rows, [
          { username: 'ada', username_skeleton: 'ada' },
          { username: 'аԁа', username_skeleton: null },
          { username: 'bob', username_skeleton: 'bob' },
          { username: 'ᴀᴅᴀ', username_skeleton: null },
          { username: 'admin', username_skeleton: 'adrnln' },
        ])
        await assert.rejects(
          db.updateTable('users').set({ username_skeleton: 'ada' }).where('username', '=', 'bob').execute(),
          'the skeleton is unique',
        )
      } finally {
        await db.destroy()
        await database.drop()
      }
    })
  })
}
