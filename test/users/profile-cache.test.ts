import assert from 'node:assert/strict'
import { beforeEach, it } from 'node:test'
import { sql } from 'kysely'
import type { Db } from '../../src/db/database.js'
import { importGames } from '../../src/games/import.js'
import { insertGame } from '../../src/games/repository.js'
import type { GameSummary } from '../../src/games/schemas.js'
import { describeEachDatabase } from '../helpers/app.js'
import { describeOnTwoApps, read, readAroundWrite, write } from '../helpers/answers.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

// A profile is kept serialized by the version of everything it shows; these tests read it once (so that it is
// kept), make one kind of write, and read it again: the write must show on the very next read.

async function addGame(db: Db, name: string): Promise<GameSummary> {
  const id = await insertGame(db, { name })
  return db.selectFrom('games').select(['id', 'igdb', 'name', 'slug', 'cover_url']).where('id', '=', id).executeTakeFirstOrThrow()
}

/** The IGDB record of a game, as `npm run import-games` reads them. */
const igdbRecord = (id: number, name: string, coverImage: string) => ({ id, name, cover: { image_id: coverImage } })
const coverUrl = (imageId: string) => `https://images.igdb.com/igdb/image/upload/t_cover_big/${imageId}.jpg`

describeEachDatabase('a kept profile, after each kind of write that changes it', (current) => {
  const app = () => current().app
  let madeline: RegisteredUser
  let celeste: GameSummary
  beforeEach(async () => {
    madeline = await registerUser(app(), 'madeline')
    celeste = await addGame(current().db, 'Celeste')
  })

  const profileAroundWrite = (change: () => Promise<unknown>, options?: { token?: string; afterUrl?: string }) =>
    readAroundWrite(app(), '/api/users/madeline', change, options)
  const updateProfile = (body: Record<string, unknown>) => write(app(), 'PATCH', '/api/users/profile/madeline', madeline.token, body)
  const act = (user: RegisteredUser, action: string, body: Record<string, unknown>) =>
    write(app(), 'POST', `/api/actions/${action}/`, user.token, body)

  it('shows an edited bio, location and twitter', async () => {
    const { after } = await profileAroundWrite(() => updateProfile({ bio: 'Climbing', location: 'The Mountain', twitter: 'celeste' }))

    assert.equal(after.bio, 'Climbing')
    assert.equal(after.location, 'The Mountain')
    assert.equal(after.twitter, 'celeste')
  })

  it('shows a new username at the new name, and none at the old one', async () => {
    const { after } = await profileAroundWrite(() => updateProfile({ username: 'maddy' }), { afterUrl: '/api/users/maddy' })

    assert.equal(after.username, 'maddy')
    assert.equal((await call(app(), 'GET', '/api/users/madeline')).status, 404)
  })

  it("shows the owner their new email (the owner's view is kept too)", async () => {
    const { after } = await profileAroundWrite(() => updateProfile({ email: 'maddy@example.org' }), { token: madeline.token })

    assert.equal(after.email, 'maddy@example.org')
    assert.equal(after.me.email, 'maddy@example.org')
  })

  it('shows a Gravatar turned on, to the owner and to everyone', async () => {
    const anonymous = await read(app(), '/api/users/madeline')
    const { before, after } = await profileAroundWrite(() => updateProfile({ use_gravatar: true }), { token: madeline.token })

    assert.equal(before.use_gravatar, false)
    assert.equal(after.use_gravatar, true)
    assert.notEqual(after.gravatar, before.gravatar)
    const anonymousAfter = await read(app(), '/api/users/madeline')
    assert.equal(anonymousAfter.body.gravatar, after.gravatar)
    assert.notEqual(anonymousAfter.headers.etag, anonymous.headers.etag)
  })

  it('shows a refreshed avatar', async () => {
    const { before, after } = await profileAroundWrite(() => updateProfile({ refreshAvatar: true }))

    assert.notEqual(after.gravatar, before.gravatar)
  })

  const STATUS_ACTIONS = { log: 'played', like: 'liked', backlog: 'backlog', wishlist: 'wishlist' } as const
  for (const [action, list] of Object.entries(STATUS_ACTIONS)) {
    it(`shows a game put in the ${list} list (${action}), then taken out`, async () => {
      const added = await profileAroundWrite(() => act(madeline, action, { game: celeste.id, value: true }))
      assert.deepEqual(added.after[list], [celeste])
      assert.equal(added.after.stats[list], 1)

      const removed = await profileAroundWrite(() => act(madeline, action, { game: celeste.id, value: false }))
      assert.deepEqual(removed.after[list], [])
      assert.equal(removed.after.stats[list], 0)
    })
  }

  it('shows a game logged as played taken off the backlog', async () => {
    await act(madeline, 'backlog', { game: celeste.id, value: true })

    const { before, after } = await profileAroundWrite(() => act(madeline, 'log', { game: celeste.id, value: true }))

    assert.deepEqual(before.backlog, [celeste])
    assert.deepEqual(after.backlog, [])
    assert.deepEqual(after.played, [celeste])
  })

  it('shows a favorite added, then removed', async () => {
    const added = await profileAroundWrite(() => act(madeline, 'favorites/add', { game: celeste.id }))
    assert.deepEqual(added.after.favorites, [celeste])

    const removed = await profileAroundWrite(() => act(madeline, 'favorites/remove', { game: celeste.id }))
    assert.deepEqual(removed.after.favorites, [])
  })

  it('shows favorites set, reordered and cleared through the profile update', async () => {
    const hades = await addGame(current().db, 'Hades')

    const set = await profileAroundWrite(() => updateProfile({ favorites: [celeste.id, hades.id] }))
    assert.deepEqual(set.after.favorites, [celeste, hades])

    const reordered = await profileAroundWrite(() => updateProfile({ favorites: [hades.id, celeste.id] }))
    assert.deepEqual(reordered.after.favorites, [hades, celeste])

    const cleared = await profileAroundWrite(() => updateProfile({ favorites: [] }))
    assert.deepEqual(cleared.after.favorites, [])
  })

  it('counts a rating set, changed and removed, with the average', async () => {
    const set = await profileAroundWrite(() => act(madeline, 'ratings', { game: celeste.id, rating: 4.5 }))
    assert.equal(set.after.stats.ratings, 1)
    assert.equal(set.after.stats.average_rating, 4.5)

    const changed = await profileAroundWrite(() => act(madeline, 'ratings', { game: celeste.id, rating: 2 }))
    assert.equal(changed.after.stats.average_rating, 2)

    const removed = await profileAroundWrite(() => act(madeline, 'ratings', { game: celeste.id, rating: null }))
    assert.equal(removed.after.stats.ratings, 0)
    assert.equal(removed.after.stats.average_rating, null)
  })

  it('counts a journal entry created, edited and deleted (entries, reviews, completed)', async () => {
    // Already played: the entry itself is then the only thing that changes.
    await act(madeline, 'log', { game: celeste.id, value: true })

    const journal = '/api/actions/journal/'
    const entry = { game: celeste.id, date: '2024-03-17', entry_type: 'finished', review: 'Summit!' }
    /** Journal entries, reviews and games completed. */
    const journalCounts = ({ stats }: any) => [stats.journal_entries, stats.reviews, stats.completed]
    let entryId = 0
    const created = await profileAroundWrite(async () => {
      entryId = (await write(app(), 'POST', journal, madeline.token, entry)).id
    })
    assert.deepEqual(journalCounts(created.after), [1, 1, 1])

    const edited = await profileAroundWrite(() =>
      write(app(), 'PATCH', `${journal}${entryId}`, madeline.token, { review: null, entry_type: 'started' }),
    )
    assert.deepEqual(journalCounts(edited.after), [1, 0, 0])

    const deleted = await profileAroundWrite(() => write(app(), 'DELETE', `${journal}${entryId}`, madeline.token))
    assert.equal(deleted.after.stats.journal_entries, 0)
  })

  it('counts a list created, then deleted', async () => {
    let listId = 0
    const created = await profileAroundWrite(async () => {
      listId = (await write(app(), 'POST', '/api/lists/', madeline.token, { title: 'Climbs', games: [] })).id
    })
    assert.equal(created.after.stats.lists, 1)

    const deleted = await profileAroundWrite(() => write(app(), 'DELETE', `/api/lists/${listId}`, madeline.token))
    assert.equal(deleted.after.stats.lists, 0)
  })

  it("shows a follow and an unfollow on both profiles: the follower's following, the followee's followers", async () => {
    const theo = await registerUser(app(), 'theo')
    const bothProfilesAroundWrite = async (change: () => Promise<unknown>) => {
      const theoBefore = await read(app(), '/api/users/theo')
      const madeline = await profileAroundWrite(change)
      const theoAfter = await read(app(), '/api/users/theo')
      assert.notEqual(theoAfter.headers.etag, theoBefore.headers.etag)
      return { madeline: madeline.after, theo: theoAfter.body }
    }

    const followed = await bothProfilesAroundWrite(() => write(app(), 'POST', '/api/users/follow/', theo.token, { username: 'madeline' }))
    assert.deepEqual([followed.madeline.followers, followed.madeline.stats.followers], [[theo.id], 1])
    assert.deepEqual([followed.theo.following, followed.theo.stats.following], [[madeline.id], 1])

    const unfollowed = await bothProfilesAroundWrite(() => write(app(), 'POST', '/api/users/unfollow/', theo.token, { username: 'madeline' }))
    assert.deepEqual([unfollowed.madeline.followers, unfollowed.madeline.stats.followers], [[], 0])
    assert.deepEqual([unfollowed.theo.following, unfollowed.theo.stats.following], [[], 0])
  })

  it('shows a follower gone when they delete their account', async () => {
    const theo = await registerUser(app(), 'theo')
    await write(app(), 'POST', '/api/users/follow/', theo.token, { username: 'madeline' })

    const { before, after } = await profileAroundWrite(() =>
      write(app(), 'DELETE', '/api/users/user/', theo.token, { password: theo.password }),
    )

    assert.deepEqual(before.followers, [theo.id])
    assert.deepEqual([after.followers, after.stats.followers], [[], 0])
  })

  it('answers 404 once the account is deleted', async () => {
    await read(app(), '/api/users/madeline')

    await write(app(), 'DELETE', '/api/users/user/', madeline.token, { password: madeline.password })

    assert.equal((await call(app(), 'GET', '/api/users/madeline')).status, 404)
  })

  it('shows the new name and cover of a game in its lists and favorites when the catalog import renames it', async () => {
    await importGames(current().db, [igdbRecord(71, 'Portal', 'old')])
    const portal = await current().db.selectFrom('games').select('id').where('igdb', '=', '71').executeTakeFirstOrThrow()
    await act(madeline, 'log', { game: portal.id, value: true })
    await act(madeline, 'favorites/add', { game: portal.id })

    const { after } = await profileAroundWrite(() => importGames(current().db, [igdbRecord(71, 'Portal: Still Alive', 'new')]))

    const renamed = { id: portal.id, igdb: '71', name: 'Portal: Still Alive', slug: 'portal', cover_url: coverUrl('new') }
    assert.deepEqual(after.played, [renamed])
    assert.deepEqual(after.favorites, [renamed])
  })

  it('shows the catalog name of a game an account added by hand once the import knows it', async () => {
    await act(madeline, 'wishlist', { igdb: '1942', name: 'Celest 2 (typo)', value: true })

    const { before, after } = await profileAroundWrite(() => importGames(current().db, [igdbRecord(1942, 'Celeste 2', 'c2')]))

    assert.equal(before.wishlist[0].name, 'Celest 2 (typo)')
    assert.equal(after.wishlist[0].name, 'Celeste 2')
    assert.equal(after.wishlist[0].cover_url, coverUrl('c2'))
  })

  it('keeps its ETag through writes it does not show: a password change, another game renamed, a sign-in', async () => {
    const hades = await importGames(current().db, [igdbRecord(1113, 'Hades', 'h')])
    assert.equal(hades.added, 1)
    await act(madeline, 'log', { game: celeste.id, value: true })
    const before = await read(app(), '/api/users/madeline')

    const newPassword = 'granite-summit-strawberry-77'
    await write(app(), 'POST', '/api/users/user/password/', madeline.token, { current_password: madeline.password, new_password: newPassword })
    await importGames(current().db, [igdbRecord(1113, 'Hades II', 'h2')])
    await write(app(), 'POST', '/api/users/login/', '', { username: 'madeline', password: newPassword })

    const after = await read(app(), '/api/users/madeline')
    assert.equal(after.headers.etag, before.headers.etag)
    assert.equal(after.text, before.text)
  })

  it('keeps its ETag when a list of theirs is retitled or a review of theirs is liked: it shows neither', async () => {
    const theo = await registerUser(app(), 'theo')
    const list = await write(app(), 'POST', '/api/lists/', madeline.token, { title: 'Climbs', games: [] })
    const review = await write(app(), 'POST', '/api/actions/journal/', madeline.token, {
      game: celeste.id,
      date: '2024-03-17',
      entry_type: 'played',
      review: 'Strawberries.',
    })
    const before = await read(app(), '/api/users/madeline')

    await write(app(), 'PATCH', `/api/lists/${list.id}`, madeline.token, { title: 'Summits' })
    await write(app(), 'POST', `/api/reviews/${review.id}/like`, theo.token)

    const after = await read(app(), '/api/users/madeline')
    assert.equal(after.headers.etag, before.headers.etag)
  })
})

describeOnTwoApps('a kept profile, after a write by another process or straight in SQL', (current) => {
  it('shows on app A a profile edit, a game listed and a follow made through app B', async () => {
    const madeline = await registerUser(current().b, 'madeline')
    const theo = await registerUser(current().b, 'theo')
    const celeste = await addGame(current().db, 'Celeste')

    const edited = await readAroundWrite(current().a, '/api/users/madeline', () =>
      write(current().b, 'PATCH', '/api/users/profile/madeline', madeline.token, { bio: 'Written by B' }),
    )
    assert.equal(edited.after.bio, 'Written by B')

    const listed = await readAroundWrite(current().a, '/api/users/madeline', () =>
      write(current().b, 'POST', '/api/actions/log/', madeline.token, { game: celeste.id, value: true }),
    )
    assert.deepEqual(listed.after.played, [celeste])

    const followed = await readAroundWrite(current().a, '/api/users/madeline', () =>
      write(current().b, 'POST', '/api/users/follow/', theo.token, { username: 'madeline' }),
    )
    assert.deepEqual(followed.after.followers, [theo.id])
  })

  it('shows a change written straight in SQL, by no app at all', async () => {
    const madeline = await registerUser(current().a, 'madeline')
    const celeste = await addGame(current().db, 'Celeste')

    const edited = await readAroundWrite(current().a, '/api/users/madeline', () =>
      sql`update users set bio = 'Written in SQL' where id = ${madeline.id}`.execute(current().db),
    )
    assert.equal(edited.after.bio, 'Written in SQL')

    const listed = await readAroundWrite(current().a, '/api/users/madeline', () =>
      sql`insert into game_statuses (user_id, game_id, status, created_at)
        values (${madeline.id}, ${celeste.id}, 'liked', '2024-01-01T00:00:00.000000Z')`.execute(current().db),
    )
    assert.deepEqual(listed.after.liked, [celeste])

    const renamed = await readAroundWrite(current().a, '/api/users/madeline', () =>
      sql`update games set name = 'Celeste Classic' where id = ${celeste.id}`.execute(current().db),
    )
    assert.equal(renamed.after.liked[0].name, 'Celeste Classic')
  })
})

describeEachDatabase("a kept profile never shows one viewer's part to another", (current) => {
  const app = () => current().app
  let madeline: RegisteredUser
  let theo: RegisteredUser
  let zoe: RegisteredUser
  beforeEach(async () => {
    madeline = await registerUser(app(), 'madeline', { email: 'madeline.private@example.com' })
    theo = await registerUser(app(), 'theo')
    zoe = await registerUser(app(), 'zoe')
    await write(app(), 'POST', '/api/users/follow/', theo.token, { username: 'madeline' })
  })
  const me = (user: RegisteredUser, body: any) => {
    assert.equal(body.me.id, user.id)
    assert.equal(body.me.username, user.username)
  }

  /** The profile as someone other than its owner reads it: no email anywhere, their own `me` and follow. */
  const assertReadByOther = async (viewer: RegisteredUser | null, follows: boolean) => {
    const response = await read(app(), '/api/users/madeline', viewer?.token)
    assert.ok(!response.text.includes('madeline.private'), `no email in ${response.text}`)
    assert.ok(!('email' in response.body) && !('use_gravatar' in response.body))
    if (viewer === null) {
      assert.ok(!('me' in response.body) && !('followingUser' in response.body))
      return
    }
    me(viewer, response.body)
    assert.equal(response.body.followingUser, follows)
  }

  const assertReadByOwner = async () => {
    const response = await read(app(), '/api/users/madeline', madeline.token)
    assert.equal(response.body.email, 'madeline.private@example.com')
    assert.equal(response.body.use_gravatar, false)
    me(madeline, response.body)
    assert.equal(response.body.followingUser, false)
  }

  it('the owner reads first; then an anonymous reader, a follower and another user each see only their own part', async () => {
    await assertReadByOwner()
    await assertReadByOther(null, false)
    await assertReadByOther(theo, true)
    await assertReadByOther(zoe, false)
  })

  it('others read first; then the owner still gets their email', async () => {
    await assertReadByOther(theo, true)
    await assertReadByOther(null, false)
    await assertReadByOther(zoe, false)
    await assertReadByOwner()
    await assertReadByOther(null, false)
  })

  it('a viewer who follows or unfollows sees it on the next read, and no one else does', async () => {
    await assertReadByOther(zoe, false)
    await write(app(), 'POST', '/api/users/follow/', zoe.token, { username: 'madeline' })
    await assertReadByOther(zoe, true)
    await write(app(), 'POST', '/api/users/unfollow/', theo.token, { username: 'madeline' })
    await assertReadByOther(theo, false)
    await assertReadByOther(zoe, true)
  })
})
