import assert from 'node:assert/strict'
import os from 'node:os'
import { describe, it } from 'node:test'
import { loadConfig } from '../../src/config.js'

const cores = Math.min(os.availableParallelism(), 64)

describe('WORKERS', () => {
  it('is one process unless in production: tests, development, npm start', () => {
    assert.equal(loadConfig({}).workers, 1)
    assert.equal(loadConfig({ NODE_ENV: 'development' }).workers, 1)
    assert.equal(loadConfig({ NODE_ENV: 'test' }).workers, 1)
  })

  it('is one process per core in production (NODE_ENV=production)', () => {
    assert.equal(loadConfig({ NODE_ENV: 'production' }).workers, cores)
    assert.equal(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'sqlite:./somewhere.db' }).workers, cores)
    assert.equal(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db.internal/overworld' }).workers, cores)
  })

  it('is what WORKERS says, in production or not', () => {
    assert.equal(loadConfig({ WORKERS: '3' }).workers, 3)
    assert.equal(loadConfig({ NODE_ENV: 'production', WORKERS: '1' }).workers, 1)
    assert.equal(loadConfig({ NODE_ENV: 'production', WORKERS: '' }).workers, cores)
    for (const wrong of ['0', '65', '1.5', 'all']) {
      assert.throws(() => loadConfig({ WORKERS: wrong }), /WORKERS must be an integer from 1 to 64/, wrong)
    }
  })

  it('serves an in-memory SQLite database from one process: by default, and refusing more', () => {
    assert.equal(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'sqlite::memory:' }).workers, 1)
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'sqlite::memory:', WORKERS: '2' }),
      /^Error: WORKERS > 1 needs a database file or PostgreSQL, not sqlite::memory:$/,
    )
  })
})
