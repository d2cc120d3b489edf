import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import SQLite from 'better-sqlite3'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { addGames } from '../helpers/big-account.js'

// Several server processes (WORKERS) share one SQLite file; here a second connection plays the other process.
describe('SQLite transactions between processes', () => {
  let dir: string
  let db: Db
  let otherProcess: SQLite.Database

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-sqlite-'))
    const file = path.join(dir, 'overworld.db')
    db = openDatabase(`sqlite:${file}`)
    await migrateToLatest(db)
    // No waiting: a lock the other connection cannot get is an immediate SQLITE_BUSY.
    otherProcess = new SQLite(file, { timeout: 0 })
  })

  after(async () => {
    otherProcess.close()
    await db.destroy()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('take the write lock when they begin, so a read-then-write transaction is never refused its upgrade', async () => {
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom('users').select('id').execute()
      // A deferred transaction would hold only a read lock here, and the other process could start writing.
      assert.throws(() => otherProcess.exec('begin immediate'), /database is locked/)
    })
    // Once it commits, the other process may write.
    otherProcess.exec('begin immediate; rollback')
  })

  it('leave reading outside a transaction to anyone while one is open', async () => {
    await db.transaction().execute(async () => {
      assert.deepEqual(otherProcess.prepare('select count(*) as n from users').get(), { n: 0 })
    })
  })
})

// Long writes (a list of 1,000 games) yield to the event loop between statements, inside their transaction.
describe('SQLite transactions on the one connection', () => {
  let db: Db

  before(async () => {
    db = openDatabase('sqlite::memory:')
    await migrateToLatest(db)
  })

  after(() => db.destroy())

  it('keep it while they wait between statements: other queries run after them, never inside them', async () => {
    const order: string[] = []
    let outside: Promise<number> | undefined
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await addGames(trx, 1)
        outside = db
          .selectFrom('games')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
          .then((row) => {
            order.push('outside query')
            return Number(row.n)
          })
        await new Promise((resolve) => setImmediate(resolve))
        await new Promise((resolve) => setTimeout(resolve, 20))
        order.push('transaction ends')
        throw new Error('roll back')
      }),
      /roll back/,
    )
    // The outside query neither saw the transaction's row nor ran before it ended.
    assert.equal(await outside, 0)
    assert.deepEqual(order, ['transaction ends', 'outside query'])
  })
})
