import assert from 'node:assert/strict'
import os from 'node:os'
import { describe, it } from 'node:test'
import { hashPassword, passwordHashesRunning, verifyPassword } from '../../src/auth/passwords.js'

describe('password hashing', () => {
  it('runs at most one hash a core at once, and every one waiting gets its turn and its right answer', async () => {
    const stored = await hashPassword('violet-harbor-lantern-42')
    let mostAtOnce = 0
    const watch = setInterval(() => {
      mostAtOnce = Math.max(mostAtOnce, passwordHashesRunning())
    }, 1)
    const attempts = Array.from({ length: os.availableParallelism() * 3 }, (_, i) =>
      verifyPassword(stored, i % 2 === 0 ? 'violet-harbor-lantern-42' : 'wrong-password-000'),
    )
    const results = await Promise.all(attempts)
    clearInterval(watch)

    assert.deepEqual(results, attempts.map((_, i) => i % 2 === 0))
    assert.ok(mostAtOnce >= 1, 'hashes were seen running')
    assert.ok(mostAtOnce <= os.availableParallelism(), `${mostAtOnce} hashes at once on ${os.availableParallelism()} cores`)
    assert.equal(passwordHashesRunning(), 0)
  })
})
