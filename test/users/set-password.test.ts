import assert from 'node:assert/strict'
import path from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { verifyPassword } from '../../src/auth/passwords.js'
import { trustDevice } from '../../src/auth/devices.js'
import { issueToken } from '../../src/auth/tokens.js'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { insertUser } from '../../src/users/repository.js'
import { directoryPerTest, runCommand } from '../helpers/command.js'
import { newUserRow } from '../helpers/fixtures.js'

const UNUSABLE = '!Jq3Xo9T1fLk2vPz8WmYc4RbN6sHd0gEa5uKiQyTx'

describe('npm run set-password', () => {
  const dir = directoryPerTest('overworld-set-password-')
  const databaseUrl = () => `sqlite:${path.join(dir(), 'x.db')}`
  let db: Db
  let olu: number
  beforeEach(async () => {
    db = openDatabase(databaseUrl())
    await migrateToLatest(db)
    olu = await insertUser(db, { ...newUserRow('olu'), password_hash: UNUSABLE })
    // Signed in somewhere, from a device it trusts.
    await issueToken(db, olu, 10)
    await issueToken(db, olu, 10)
    await trustDevice(db, olu)
  })
  afterEach(() => db.destroy())

  /** Runs the real command on the test's SQLite file, with `input` piped to it. */
  const setPassword = (input: string, ...args: string[]) =>
    runCommand('src/users/set-password.ts', args, { databaseUrl: databaseUrl(), input })

  const stored = async () => {
    const user = await db.selectFrom('users').select('password_hash').where('id', '=', olu).executeTakeFirstOrThrow()
    const tokens = await db.selectFrom('auth_tokens').select('digest').where('user_id', '=', olu).execute()
    const devices = await db.selectFrom('trusted_devices').select('digest').where('user_id', '=', olu).execute()
    return { hash: user.password_hash, tokens: tokens.length, devices: devices.length }
  }

  it('sets the first piped line as the password, in argon2id, and signs the account out everywhere', async () => {
    const result = await setPassword('violet-meadow-31\nnot this line\n', 'olu')

    assert.equal(result.code, 0, result.stderr)
    assert.equal(
      result.stdout,
      'The password of olu is set. olu is signed out everywhere: every session has ended and every device is forgotten.\n',
    )
    const after = await stored()
    assert.match(after.hash, /^\$argon2id\$/)
    assert.equal(await verifyPassword(after.hash, 'violet-meadow-31'), true)
    assert.deepEqual({ tokens: after.tokens, devices: after.devices }, { tokens: 0, devices: 0 })
  })

  it('holds the password to the registration rules, and changes nothing when it fails them', async () => {
    const result = await setPassword('password\n', 'olu')

    assert.equal(result.code, 1)
    assert.equal(result.stderr, 'set-password: This password is too common.\n')
    assert.deepEqual(await stored(), { hash: UNUSABLE, tokens: 2, devices: 1 })
  })

  it('says so when no account has the name, or no name is given', async () => {
    const unknown = await setPassword('violet-meadow-31\n', 'nobody')
    assert.equal(unknown.code, 1)
    assert.equal(unknown.stderr, 'set-password: no account is named nobody\n')

    const usage = await setPassword('')
    assert.equal(usage.code, 2)
    assert.match(usage.stderr, /^usage: npm run set-password -- <username>/)
    assert.deepEqual(await stored(), { hash: UNUSABLE, tokens: 2, devices: 1 })
  })
})
