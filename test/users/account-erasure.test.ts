import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { buildApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { insertGame } from '../../src/games/repository.js'
import { call, registerUser, type RegisteredUser } from '../helpers/client.js'

/** What a person wrote must not stay readable in the SQLite files once their account is deleted. */
describe('a deleted account on a SQLite file', () => {
  let directory: string
  let databaseFile: string
  let db: Db
  let app: App
  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-erasure-'))
    databaseFile = path.join(directory, 'overworld.db')
    db = openDatabase(`sqlite:${databaseFile}`)
    await migrateToLatest(db)
    app = await buildApp({ config: { ...loadConfig({}), databaseUrl: `sqlite:${databaseFile}` }, db, webDist: null })
  })
  after(async () => {
    await app.close()
    fs.rmSync(directory, { recursive: true, force: true })
  })

  /** The bytes SQLite keeps on disk: the database file and its write-ahead log. */
  const storedBytes = () =>
    Buffer.concat([databaseFile, `${databaseFile}-wal`].filter((file) => fs.existsSync(file)).map((file) => fs.readFileSync(file)))

  const marker = (what: string) => `${what}-${randomBytes(8).toString('hex')}`

  const succeed = async (response: Promise<{ status: number; text: string; body: any }>) => {
    const answer = await response
    assert.ok(answer.status < 300, answer.text)
    return answer.body
  }

  it('leaves nothing of its bio, email, reviews or comments in the database file or the WAL', async () => {
    const email = `${marker('email')}@example.com`
    const username = marker('user')
    const bio = marker('bio')
    const shortReview = marker('review')
    const longReview = `${marker('long-review')} ${'the long review goes on '.repeat(300)}`
    const commentText = marker('comment')
    const leaving = await registerUser(app, username, { email })
    const staying: RegisteredUser = await registerUser(app, 'staying')
    const game = await insertGame(db, { name: 'Outer Wilds' })
    const token = leaving.token
    await succeed(call(app, 'POST', `/api/users/profile/${username}`, { token, body: { bio } }))
    for (const review of [shortReview, longReview]) {
      await succeed(call(app, 'POST', '/api/actions/journal/', { token, body: { game, date: '2024-01-02', entry_type: 'played', review } }))
    }
    const theirs = await succeed(
      call(app, 'POST', '/api/actions/journal/', { token: staying.token, body: { game, date: '2024-01-02', entry_type: 'played', review: 'Staying.' } }),
    )
    await succeed(call(app, 'POST', `/api/reviews/${theirs.id}/comments`, { token, body: { body: commentText } }))
    const written = [email, username, bio, shortReview, longReview.slice(0, 40), commentText]
    for (const text of written) assert.ok(storedBytes().includes(text), `${text} is on disk before the deletion`)

    await succeed(call(app, 'DELETE', '/api/users/user/', { token, body: { password: leaving.password } }))

    const bytes = storedBytes()
    for (const text of written) assert.equal(bytes.includes(text), false, `${text} is still on disk`)
    assert.ok(bytes.includes('Staying.'), 'what others wrote stays')
  })
})
