import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { prepareKeyedRead, prepareQuery, type MaybePromise } from '../../src/db/prepared.js'
import { insertGame } from '../../src/games/repository.js'
import { insertUser } from '../../src/users/repository.js'
import { createTestDatabase, testedDatabases, type TestDatabase } from '../helpers/app.js'
import { newUserRow } from '../helpers/fixtures.js'

/** The users named like a pattern, as a plain Kysely query: prepared below with the pattern as a parameter. */
const usersLike = (db: Db, pattern: string) =>
  db.selectFrom('users').select(['id', 'username', 'use_gravatar']).where('username', 'like', pattern).orderBy('id')

for (const kind of testedDatabases) {
  describe(`prepareQuery [${kind}]`, () => {
    let database: TestDatabase
    let db: Db

    before(async () => {
      database = await createTestDatabase(kind)
      db = openDatabase(database.url)
      await migrateToLatest(db)
      for (const name of ['madeline', 'theo', 'badeline', 'granny']) await insertUser(db, newUserRow(name))
      await insertGame(db, { name: 'Celeste', slug: 'celeste', igdb: null, cover_url: null })
      const classic = await insertGame(db, { name: 'Celeste Classic', slug: 'celeste-classic', igdb: null, cover_url: null })
      await db.updateTable('games').set({ provisional: true }).where('id', '=', classic).execute()
      await insertGame(db, { name: 'Celeste 64', slug: 'celeste-64', igdb: null, cover_url: null })
    })

    after(async () => {
      await db.destroy()
      await database.drop()
    })

    it('binds named parameters: each call answers the rows of the Kysely query it was built from, with that value', async () => {
      const prepared = prepareQuery<{ pattern: string }, { id: number; username: string; use_gravatar: boolean | number }>(db, (param) =>
        usersLike(db, param('pattern')),
      )
      for (const pattern of ['%eline', 'theo', '%', 'nobody']) {
        assert.deepEqual(await prepared.all({ pattern }), await usersLike(db, pattern).execute(), pattern)
        assert.deepEqual(await prepared.first({ pattern }), await usersLike(db, pattern).executeTakeFirst(), pattern)
      }
      assert.deepEqual((await prepared.all({ pattern: '%eline' })).map((row) => row.username), ['madeline', 'badeline'])
      assert.equal(await prepared.first({ pattern: 'nobody' }), undefined)
    })

    it('binds a parameter used more than once, and several parameters each in its place', async () => {
      const prepared = prepareQuery<{ first: string; second: string; take: number }, { username: string }>(db, (param) =>
        db
          .selectFrom('users')
          .select('username')
          .where((eb) => eb.or([eb('username', '=', param('first')), eb('username', '=', param('second'))]))
          // The first name's row first, whichever id it has.
          .orderBy(sql`case when username = ${param('first')} then 0 else 1 end`)
          .limit(param('take')),
      )
      assert.deepEqual(await prepared.all({ first: 'theo', second: 'madeline', take: 2 }), [{ username: 'theo' }, { username: 'madeline' }])
      assert.deepEqual(await prepared.all({ first: 'madeline', second: 'theo', take: 2 }), [{ username: 'madeline' }, { username: 'theo' }])
      assert.deepEqual(await prepared.all({ first: 'granny', second: 'theo', take: 1 }), [{ username: 'granny' }])
    })

    it('keeps the values written into the query bound, call after call: a boolean, a string, a limit', async () => {
      const prepared = prepareQuery<{ prefix: string }, { slug: string }>(db, (param) =>
        db
          .selectFrom('games')
          .select('slug')
          .where('provisional', '=', false)
          .where('slug', '!=', 'celeste-64')
          .where('slug', 'like', param('prefix'))
          .orderBy('slug')
          .limit(5),
      )
      // Bound, not spliced into the text, so one compiled statement serves every call.
      assert.doesNotMatch(prepared.sql, /celeste-64/)
      for (let call = 0; call < 3; call++) assert.deepEqual(await prepared.all({ prefix: 'celeste%' }), [{ slug: 'celeste' }])
      assert.deepEqual(await prepared.all({ prefix: 'nothing%' }), [])
    })

    if (kind === 'sqlite') {
      it("waits for another request's open transaction and then reads what it committed, never its uncommitted write", async () => {
        const prepared = prepareQuery<{ username: string }, { username: string }>(db, (param) =>
          db.selectFrom('users').select('username').where('username', '=', param('username')),
        )
        let read: Promise<{ username: string } | undefined> | undefined
        let settled = false
        await db.transaction().execute(async (trx) => {
          await insertUser(trx, newUserRow('oshiro'))
          read = Promise.resolve(prepared.first({ username: 'oshiro' })).finally(() => {
            settled = true
          })
          await new Promise((resolve) => setTimeout(resolve, 20))
          // Run at once on the one connection, it would have seen the row this transaction has not committed.
          assert.equal(settled, false, 'the read waited for the transaction')
        })
        assert.deepEqual(await read, { username: 'oshiro' })
      })

      it("never sees a write that another request's transaction rolls back", async () => {
        const prepared = prepareQuery<{ username: string }, { username: string }>(db, (param) =>
          db.selectFrom('users').select('username').where('username', '=', param('username')),
        )
        let read: Promise<{ username: string } | undefined> | undefined
        await assert.rejects(
          db.transaction().execute(async (trx) => {
            await insertUser(trx, newUserRow('mr-oshiro'))
            read = Promise.resolve(prepared.first({ username: 'mr-oshiro' }))
            await new Promise((resolve) => setTimeout(resolve, 20))
            throw new Error('roll back')
          }),
          /roll back/,
        )
        assert.equal(await read, undefined)
        // Once no transaction is open, reads run at once again, and see what is there.
        assert.deepEqual(await prepared.first({ username: 'granny' }), { username: 'granny' })
      })

      it('reads at once, without a promise, while no write transaction is open', () => {
        const prepared = prepareQuery<{ username: string }, { username: string }>(db, (param) =>
          db.selectFrom('users').select('username').where('username', '=', param('username')),
        )
        assert.deepEqual(prepared.first({ username: 'theo' }), { username: 'theo' })
      })

      it('sees our own write at once, even within the turn of the event loop that read before it', async () => {
        const bioOf = prepareQuery<{ username: string }, { bio: string | null }>(db, (param) =>
          db.selectFrom('users').select('bio').where('username', '=', param('username')),
        )
        assert.deepEqual(bioOf.first({ username: 'badeline' }), { bio: null })
        await db.updateTable('users').set({ bio: 'Part of you' }).where('username', '=', 'badeline').execute()
        assert.deepEqual(bioOf.first({ username: 'badeline' }), { bio: 'Part of you' })
      })

    } else {
      it("reads, on a connection of its own, what is committed while another request's transaction is open", async () => {
        const prepared = prepareQuery<{ username: string }, { username: string }>(db, (param) =>
          db.selectFrom('users').select('username').where('username', '=', param('username')),
        )
        await db.transaction().execute(async (trx) => {
          await insertUser(trx, newUserRow('oshiro'))
          assert.equal(await prepared.first({ username: 'oshiro' }), undefined)
        })
        assert.deepEqual(await prepared.first({ username: 'oshiro' }), { username: 'oshiro' })
      })
    }
  })
}

for (const kind of testedDatabases) {
  describe(`prepareKeyedRead [${kind}]`, () => {
    let database: TestDatabase
    let db: Db
    let bioOf: (username: string) => MaybePromise<{ username: string; bio: string | null } | undefined>

    before(async () => {
      database = await createTestDatabase(kind)
      db = openDatabase(database.url)
      await migrateToLatest(db)
      for (const name of ['madeline', 'theo', 'granny']) await insertUser(db, newUserRow(name))
      bioOf = prepareKeyedRead<string, { username: string; bio: string | null }>(db, 'text', (username) =>
        db.selectFrom('users').select(['username', 'bio']).where('username', '=', username),
      )
    })

    after(async () => {
      await db.destroy()
      await database.drop()
    })

    it('gives each key asked for in the same turn its own row, or undefined for a key with none', async () => {
      const keys = ['theo', 'madeline', 'theo', 'nobody', 'granny']
      assert.deepEqual(await Promise.all(keys.map(bioOf)), [
        { username: 'theo', bio: null },
        { username: 'madeline', bio: null },
        { username: 'theo', bio: null },
        undefined,
        { username: 'granny', bio: null },
      ])
    })

    it('sees a write committed before the read was asked for, while a read asked for before the write may still be waiting', async () => {
      const before = bioOf('granny')
      await db.updateTable('users').set({ bio: 'Hahaha' }).where('username', '=', 'granny').execute()
      const after = bioOf('granny')
      assert.deepEqual(await after, { username: 'granny', bio: 'Hahaha' })
      await before
    })

    if (kind === 'postgres') {
      it('reads the keys asked for in one turn with one query', async () => {
        const query = pg.Pool.prototype.query
        let queries = 0
        pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
          queries++
          return (query as (...args: unknown[]) => unknown).apply(this, args)
        } as typeof query
        try {
          const rows = await Promise.all(['theo', 'madeline', 'nobody', 'granny'].map(bioOf))
          assert.equal(rows.filter(Boolean).length, 3)
          assert.equal(queries, 1)
        } finally {
          pg.Pool.prototype.query = query
        }
      })

      it('fails only the read of a key the database refuses, not the reads that shared its query', async () => {
        const [theo, refused] = await Promise.allSettled([bioOf('theo'), bioOf('nul\u0000byte')])
        assert.deepEqual(theo, { status: 'fulfilled', value: { username: 'theo', bio: null } })
        assert.equal(refused.status, 'rejected')
      })
    }
  })
}

// Reads share a snapshot only with a database file that other connections can open (not :memory:).
describe('the shared read snapshot of SQLite [sqlite]', () => {
  let directory: string
  let url: string
  let db: Db

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'overworld-snapshot-'))
    url = `sqlite:${path.join(directory, 'overworld.db')}`
    db = openDatabase(url)
    await migrateToLatest(db)
    for (const name of ['theo', 'granny']) await insertUser(db, newUserRow(name))
  })

  after(async () => {
    await db.destroy()
    fs.rmSync(directory, { recursive: true, force: true })
  })

  it("sees another connection's write from the next turn of the event loop: reads within one turn share a snapshot", async () => {
    const other = openDatabase(url)
    try {
      const bioOf = prepareQuery<{ username: string }, { bio: string | null }>(db, (param) =>
        db.selectFrom('users').select('bio').where('username', '=', param('username')),
      )
      await new Promise((resolve) => setImmediate(resolve))
      assert.deepEqual(bioOf.first({ username: 'granny' }), { bio: null })
      await other.updateTable('users').set({ bio: 'Hahaha' }).where('username', '=', 'granny').execute()
      // Still the turn whose reads began before that write committed: the snapshot they share.
      assert.deepEqual(bioOf.first({ username: 'granny' }), { bio: null })
      await new Promise((resolve) => setImmediate(resolve))
      assert.deepEqual(bioOf.first({ username: 'granny' }), { bio: 'Hahaha' })
    } finally {
      await other.destroy()
    }
  })

  it("holds no snapshot between turns, so another connection's checkpoint can empty the WAL", async () => {
    const other = openDatabase(url)
    try {
      const prepared = prepareQuery<{ username: string }, { username: string }>(db, (param) =>
        db.selectFrom('users').select('username').where('username', '=', param('username')),
      )
      prepared.first({ username: 'theo' })
      await other.updateTable('users').set({ bio: 'Mountain' }).where('username', '=', 'theo').execute()
      await new Promise((resolve) => setImmediate(resolve))
      const [checkpoint] = (await sql<{ busy: number; log: number; checkpointed: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(other)).rows
      assert.equal(checkpoint?.busy, 0, 'no reader held the WAL')
    } finally {
      await other.destroy()
    }
  })
})
