import assert from 'node:assert/strict'
import { beforeEach, it } from 'node:test'
import type { App } from '../../src/app.js'
import type { Db } from '../../src/db/database.js'
import { insertGame } from '../../src/games/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { read, write } from '../helpers/answers.js'
import { call, registerUser, type ApiResponse, type RegisteredUser } from '../helpers/client.js'

// Profiles and game pages carry an ETag (their version) and are always revalidated: a client sending the ETag of
// its copy in If-None-Match gets 304 and no body while nothing it shows has changed, and the new answer after.

interface Answer {
  url: string
  /** A write that changes the answer, by someone other than the viewers below. */
  change(): Promise<unknown>
  /** A write by `viewer` that changes only their own part of the answer. */
  changeViewerPart(viewer: RegisteredUser): Promise<unknown>
}

type AnswerSetup = (app: App, db: Db, people: { owner: RegisteredUser; viewer: RegisteredUser }) => Promise<Answer>

const ANSWERS: Record<string, AnswerSetup> = {
  'a profile': async (app, _db, { owner }) => ({
    url: `/api/users/${owner.username}`,
    change: () => write(app, 'PATCH', `/api/users/profile/${owner.username}`, owner.token, { bio: 'Changed' }),
    // Who the viewer is (`me`, with their avatar) is part of what they get.
    changeViewerPart: (someone) => write(app, 'PATCH', `/api/users/profile/${someone.username}`, someone.token, { refreshAvatar: true }),
  }),
  'a game page': async (app, db, { owner, viewer }) => {
    const game = await insertGame(db, { name: 'Celeste' })
    // The viewer's state of the game differs from the other's: their answers differ.
    await write(app, 'POST', '/api/actions/ratings/', viewer.token, { game, rating: 4 })
    return {
      url: `/api/games/${game}`,
      change: () => write(app, 'POST', '/api/actions/log/', owner.token, { game, value: true }),
      // A favorite is not counted on the page: only the viewer's part shows it.
      changeViewerPart: (someone) => write(app, 'POST', '/api/actions/favorites/add/', someone.token, { game }),
    }
  },
}

for (const [name, setUp] of Object.entries(ANSWERS)) {
  describeEachDatabase(`revalidating ${name}`, (current) => {
    let answer: Answer
    let owner: RegisteredUser
    let viewer: RegisteredUser
    let other: RegisteredUser
    beforeEach(async () => {
      owner = await registerUser(current().app, 'madeline')
      viewer = await registerUser(current().app, 'theo')
      other = await registerUser(current().app, 'zoe')
      answer = await setUp(current().app, current().db, { owner, viewer })
    })

    const get = (ifNoneMatch?: string, user?: RegisteredUser): Promise<ApiResponse> =>
      call(current().app, 'GET', answer.url, { token: user?.token, headers: ifNoneMatch === undefined ? {} : { 'if-none-match': ifNoneMatch } })
    const etagOf = async (user?: RegisteredUser) => (await read(current().app, answer.url, user?.token)).headers.etag as string

    const assertNotModified = (response: ApiResponse, etag: string) => {
      assert.equal(response.status, 304)
      assert.equal(response.text, '')
      assert.equal(response.headers['content-type'], undefined)
      assert.equal(response.headers.etag, etag)
    }

    it('answers 304, no body and the same ETag, to If-None-Match naming the current ETag', async () => {
      const etag = await etagOf()
      assert.match(etag, /^"[^"]+"$/)

      assertNotModified(await get(etag), etag)
    })

    it('answers 200 with the new answer and a new ETag once a write has changed it', async () => {
      const before = await read(current().app, answer.url)
      await answer.change()

      const response = await get(before.headers.etag as string)

      assert.equal(response.status, 200)
      assert.notEqual(response.headers.etag, before.headers.etag)
      assert.notEqual(response.text, before.text)
      assertNotModified(await get(response.headers.etag as string), response.headers.etag as string)
    })

    it('answers 200 to a wrong or old ETag', async () => {
      const old = await etagOf()
      await answer.change()
      const etag = await etagOf()

      for (const tag of [old, '"nonsense"', etag.slice(1, -1), `${etag.slice(0, -1)}0"`, '']) {
        const response = await get(tag)
        assert.equal(response.status, 200, `If-None-Match: ${tag}`)
        assert.equal(response.headers.etag, etag)
      }
    })

    it('answers 304 to *, to a list of ETags naming the current one, and to its weak form', async () => {
      const etag = await etagOf()

      for (const tag of ['*', `"other", ${etag}`, `${etag},"other"`, `W/${etag}`]) assertNotModified(await get(tag), etag)
    })

    it("gives a signed-in viewer an ETag of their own: not the anonymous one, not another viewer's", async () => {
      const anonymous = await etagOf()
      const viewers = await etagOf(viewer)
      const others = await etagOf(other)

      assert.equal(new Set([anonymous, viewers, others]).size, 3)
      assert.equal((await get(anonymous, viewer)).status, 200)
      assert.equal((await get(others, viewer)).status, 200)
      assert.equal((await get(viewers)).status, 200)
      assertNotModified(await get(viewers, viewer), viewers)
    })

    it("changes a viewer's ETag when their own part changes, and leaves the anonymous one", async () => {
      const anonymous = await etagOf()
      const viewers = await etagOf(viewer)

      await answer.changeViewerPart(viewer)

      assert.equal((await get(viewers, viewer)).status, 200)
      assert.notEqual(await etagOf(viewer), viewers)
      assertNotModified(await get(anonymous), anonymous)
    })

    it('is public and revalidated for anonymous readers, private and revalidated for a signed-in one, and varies by Authorization', async () => {
      const anonymous = await get()
      const signedIn = await get(undefined, viewer)
      const notModified = await get(signedIn.headers.etag as string, viewer)

      assert.equal(anonymous.headers['cache-control'], 'public, no-cache')
      for (const response of [signedIn, notModified]) assert.equal(response.headers['cache-control'], 'private, no-cache')
      for (const response of [anonymous, signedIn, notModified]) assert.equal(response.headers.vary, 'Authorization')
    })
  })
}

describeEachDatabase(
  'revalidating an answer read from another origin (CORS_ORIGINS set)',
  (current) => {
    it('varies by Origin as well as by Authorization, so that no cache gives one origin the answer allowed to another', async () => {
      await registerUser(current().app, 'madeline')
      const game = await insertGame(current().db, { name: 'Celeste' })

      for (const url of ['/api/users/madeline', `/api/games/${game}`]) {
        const response = await call(current().app, 'GET', url, { headers: { origin: 'https://one.example' } })
        assert.equal(response.headers['access-control-allow-origin'], 'https://one.example')
        const varies = String(response.headers.vary).split(',').map((name) => name.trim().toLowerCase())
        assert.deepEqual(varies.sort(), ['authorization', 'origin'], url)
      }
    })
  },
  { corsOrigins: ['https://one.example', 'https://two.example'] },
)
