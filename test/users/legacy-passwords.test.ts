import assert from 'node:assert/strict'
import { pbkdf2Sync, randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { passwordHashKind, verifyPassword } from '../../src/auth/passwords.js'
import { issueToken } from '../../src/auth/tokens.js'
import { insertUser } from '../../src/users/repository.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call } from '../helpers/client.js'
import { newUserRow } from '../helpers/fixtures.js'

const OLD_PASSWORD = 'saffron-kestrel-17'

/** Django's default hash (PBKDF2-HMAC-SHA256, 32 bytes, base64), made here with node's own PBKDF2. */
function djangoHash(password: string, iterations = 1000): string {
  const salt = randomBytes(9).toString('base64url')
  return `pbkdf2_sha256$${iterations}$${salt}$${pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('base64')}`
}

describeEachDatabase('passwords kept from the original Overworld (Django PBKDF2)', (current) => {
  const db = () => current().db
  const app = () => current().app
  const login = (password: string) => call(app(), 'POST', '/api/users/login/', { body: { username: 'wren', password } })
  const addWren = (password_hash: string) => insertUser(db(), { ...newUserRow('wren'), password_hash })
  const storedHash = async () =>
    (await db().selectFrom('users').select('password_hash').where('username', '=', 'wren').executeTakeFirstOrThrow()).password_hash

  it('signs in with the old password, then keeps it as argon2id, which signs in too', async () => {
    await addWren(djangoHash(OLD_PASSWORD))

    const response = await login(OLD_PASSWORD)

    assert.equal(response.status, 200, response.text)
    assert.equal(response.body.user.username, 'wren')
    assert.equal(passwordHashKind(await storedHash()), 'argon2id')
    assert.equal(await verifyPassword(await storedHash(), OLD_PASSWORD), true)
    assert.equal((await login(OLD_PASSWORD)).status, 200)
  })

  it('refuses a wrong password and keeps the old hash', async () => {
    const hash = djangoHash(OLD_PASSWORD)
    await addWren(hash)

    const response = await login('saffron-kestrel-18')

    assert.equal(response.status, 400)
    assert.deepEqual(response.body, { non_field_errors: ['Incorrect username/password.'] })
    assert.equal(await storedHash(), hash)
  })

  it('never opens an account whose hash is unusable (!…)', async () => {
    const unusable = '!Jq3Xo9T1fLk2vPz8WmYc4RbN6sHd0gEa5uKiQyTx'
    await addWren(unusable)
    for (const password of [unusable, unusable.slice(1), OLD_PASSWORD]) assert.equal((await login(password)).status, 400)
    assert.equal(await storedHash(), unusable)
  })

  it('refuses a hash asking for more than 1,000,000 iterations, without spending them', async () => {
    const greedy = djangoHash(OLD_PASSWORD, 1_000_001)
    await addWren(greedy)
    assert.equal(passwordHashKind(greedy), 'unusable')
    assert.equal((await login(OLD_PASSWORD)).status, 400)
    assert.equal(await storedHash(), greedy)
  })

  it('checks the old password wherever one is asked: changing it, deleting the account', async () => {
    const wren = await addWren(djangoHash(OLD_PASSWORD))
    const { token } = await issueToken(db(), wren, 1)

    const changed = await call(app(), 'POST', '/api/users/user/password/', {
      token,
      body: { current_password: OLD_PASSWORD, new_password: 'umber-heron-23' },
    })
    assert.equal(changed.status, 204, changed.text)
    assert.equal(await verifyPassword(await storedHash(), 'umber-heron-23'), true)

    const other = await insertUser(db(), { ...newUserRow('finch'), password_hash: djangoHash(OLD_PASSWORD) })
    const { token: finchToken } = await issueToken(db(), other, 1)
    const deleted = await call(app(), 'DELETE', '/api/users/user/', { token: finchToken, body: { password: OLD_PASSWORD } })
    assert.equal(deleted.status, 204, deleted.text)
  })
})

describe('verifyPassword', () => {
  /** The median of a few timings of `work`, in milliseconds. */
  async function medianMs(work: () => Promise<unknown>): Promise<number> {
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const start = performance.now()
      await work()
      times.push(performance.now() - start)
    }
    return times.sort((a, b) => a - b)[2] as number
  }

  it('spends about one verification on an unusable hash, as on an unknown user, so neither stands out', async () => {
    await verifyPassword(undefined, OLD_PASSWORD)
    const unknownUser = await medianMs(() => verifyPassword(undefined, OLD_PASSWORD))
    const unusable = await medianMs(() => verifyPassword('!Jq3Xo9T1fLk2vPz8WmYc4RbN6sHd0gEa5uKiQyTx', OLD_PASSWORD))
    // Computing these iterations would take hours.
    const tooGreedy = await medianMs(() => verifyPassword(`pbkdf2_sha256$9999999999$salt$${Buffer.alloc(32).toString('base64')}`, OLD_PASSWORD))
    // Without the dummy verification these take microseconds; an argon2id verification takes milliseconds.
    assert.ok(unusable > unknownUser / 5, `unusable ${unusable} ms, unknown user ${unknownUser} ms`)
    assert.ok(tooGreedy > unknownUser / 5 && tooGreedy < 10_000, `too greedy ${tooGreedy} ms, unknown user ${unknownUser} ms`)
  })

  it('tells the kinds of stored hashes apart', () => {
    assert.equal(passwordHashKind(djangoHash('x')), 'django-pbkdf2')
    assert.equal(passwordHashKind('!Jq3Xo9T1fLk2vPz8WmYc4RbN6sHd0gEa5uKiQyTx'), 'unusable')
    assert.equal(passwordHashKind('pbkdf2_sha256$1000$salt$short='), 'unusable')
    assert.equal(passwordHashKind('pbkdf2_sha1$1000$salt$aGVsbG8='), 'unusable')
    assert.equal(passwordHashKind('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA'), 'argon2id')
  })
})
