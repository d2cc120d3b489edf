import assert from 'node:assert/strict'
import { beforeEach, it } from 'node:test'
import { describeEachDatabase } from '../helpers/app.js'
import { describeOnTwoApps, read, readAroundWrite, write } from '../helpers/answers.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

// An anonymous reader's page of someone's followers or following is kept serialized by its owner's version and
// by the version of everyone's name, avatar and bio; these tests read it once (so that it is kept), make one
// kind of write, and read it again: the write must show on the very next read.

type FollowsPage = { results: { user: { username: string; gravatar: string }; bio: string | null; followed_by_me?: boolean }[] }
const usernamesOf = (page: FollowsPage) => page.results.map((person) => person.user.username)

describeEachDatabase('a kept page of followers or following, after each kind of write that changes it', (current) => {
  const app = () => current().app
  let madeline: RegisteredUser
  let theo: RegisteredUser
  beforeEach(async () => {
    madeline = await registerUser(app(), 'madeline')
    theo = await registerUser(app(), 'theo')
    await write(app(), 'POST', '/api/users/follow/', theo.token, { username: 'madeline' })
  })

  const followersAroundWrite = (change: () => Promise<unknown>) => readAroundWrite(app(), '/api/users/madeline/followers', change)
  const editTheo = (body: Record<string, unknown>, username = 'theo') =>
    write(app(), 'PATCH', `/api/users/profile/${username}`, theo.token, body)

  it("shows a follower's new bio, name and avatar", async () => {
    const bio = await followersAroundWrite(() => editTheo({ bio: 'Photographer' }))
    assert.equal(bio.after.results[0].bio, 'Photographer')

    const renamed = await followersAroundWrite(() => editTheo({ username: 'theo_b' }))
    assert.deepEqual(usernamesOf(renamed.after), ['theo_b'])

    const avatar = await followersAroundWrite(() => editTheo({ use_gravatar: true }, 'theo_b'))
    assert.notEqual(avatar.after.results[0].user.gravatar, avatar.before.results[0].user.gravatar)
  })

  it('shows a new follower, and drops one who unfollows or deletes their account', async () => {
    const oshiro = await registerUser(app(), 'oshiro')
    const followed = await followersAroundWrite(() => write(app(), 'POST', '/api/users/follow/', oshiro.token, { username: 'madeline' }))
    assert.deepEqual(usernamesOf(followed.after), ['oshiro', 'theo'])

    const unfollowed = await followersAroundWrite(() => write(app(), 'POST', '/api/users/unfollow/', theo.token, { username: 'madeline' }))
    assert.deepEqual(usernamesOf(unfollowed.after), ['oshiro'])

    const deleted = await followersAroundWrite(() => write(app(), 'DELETE', '/api/users/user/', oshiro.token, { password: oshiro.password }))
    assert.deepEqual(usernamesOf(deleted.after), [])
  })

  it('shows on the following page a renamed person followed, and a page after the first its own way', async () => {
    const granny = await registerUser(app(), 'granny')
    for (const user of [theo, granny]) await write(app(), 'POST', '/api/users/follow/', madeline.token, { username: user.username })
    const renamed = await readAroundWrite(app(), '/api/users/madeline/following', () => editTheo({ username: 'theo_b' }))
    assert.deepEqual(usernamesOf(renamed.after), ['granny', 'theo_b'])

    const first = await read(app(), '/api/users/madeline/following?limit=1')
    assert.deepEqual(usernamesOf(first.body), ['granny'])
    const secondUrl = `/api/users/madeline/following?limit=1&cursor=${first.body.next}`
    const second = await readAroundWrite(app(), secondUrl, () => editTheo({ bio: 'Climber' }, 'theo_b'))
    assert.deepEqual([usernamesOf(second.after), second.after.results[0].bio], [['theo_b'], 'Climber'])
  })

  it("never gives one viewer's page to another, nor to anonymous readers", async () => {
    const anonymous = await read(app(), '/api/users/madeline/followers')
    const asMadeline = await read(app(), '/api/users/madeline/followers', madeline.token)
    const asTheo = await read(app(), '/api/users/madeline/followers', theo.token)
    const again = await read(app(), '/api/users/madeline/followers')

    assert.equal(anonymous.body.results[0].followed_by_me, undefined)
    assert.equal(asMadeline.body.results[0].followed_by_me, false)
    assert.equal(asTheo.body.results[0].followed_by_me, false, 'theo does not follow himself')
    assert.deepEqual(again.body, anonymous.body)
    assert.equal(again.headers['cache-control'], 'public, no-cache')
    assert.equal(asMadeline.headers.etag, undefined, "a viewer's page is not kept, so it has no tag")
  })

  it('answers 304 to the tag of the current page, and the page itself to an old tag', async () => {
    const page = await read(app(), '/api/users/madeline/followers')
    const revalidated = await call(app(), 'GET', '/api/users/madeline/followers', { headers: { 'if-none-match': String(page.headers.etag) } })
    assert.equal(revalidated.status, 304)

    await editTheo({ bio: 'Changed' })
    const changed = await call(app(), 'GET', '/api/users/madeline/followers', { headers: { 'if-none-match': String(page.headers.etag) } })
    assert.equal(changed.status, 200)
    assert.equal(changed.body.results[0].bio, 'Changed')
  })
})

describeOnTwoApps('a kept page of followers, after a write by another process', (current) => {
  it('shows on app A a follower renamed through app B', async () => {
    await registerUser(current().b, 'madeline')
    const theo = await registerUser(current().b, 'theo')
    await write(current().b, 'POST', '/api/users/follow/', theo.token, { username: 'madeline' })

    const renamed = await readAroundWrite(current().a, '/api/users/madeline/followers', () =>
      write(current().b, 'PATCH', '/api/users/profile/theo', theo.token, { username: 'theo_b' }),
    )
    assert.deepEqual(usernamesOf(renamed.after), ['theo_b'])
  })
})
