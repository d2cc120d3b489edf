import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Migrator, sql, type Migration } from 'kysely'
import { isPostgres, openDatabase, type Db } from '../../src/db/database.js'
import { migrations, migrateToLatest } from '../../src/db/migrate.js'
import type { EntryType } from '../../src/db/tables.js'
import { timestamp } from '../../src/db/time.js'
import { insertGame } from '../../src/games/repository.js'
import { createProfileReads, insertUser } from '../../src/users/repository.js'
import { newUserRow } from '../helpers/fixtures.js'
import { createTestDatabase, testedDatabases } from '../helpers/app.js'

const BEFORE_0010: Record<string, Migration> = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0010'))

async function migrateBefore0010(db: Db): Promise<void> {
  const schema = isPostgres(db) ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined
  const migrator = new Migrator({ db, provider: { getMigrations: async () => BEFORE_0010 }, migrationTableSchema: schema })
  const { error } = await migrator.migrateToLatest()
  if (error) throw error
}

type Logged = [date: string, type: EntryType, platform?: string]

for (const kind of testedDatabases) {
  describe(`Migration 0010: journal entries become playthroughs [${kind}]`, () => {
    it('makes a playthrough of each run in date order, ties every entry to its own, and keeps platforms it knows', async () => {
      const database = await createTestDatabase(kind)
      const db = openDatabase(database.url)
      try {
        await migrateBefore0010(db)
        const alice = await insertUser(db, newUserRow('alice'))
        const bob = await insertUser(db, newUserRow('bob'))
        const game = async (name: string) => insertGame(db, { name })
        const [celeste, hades, tunic, outerWilds, portal] = [
          await game('Celeste'),
          await game('Hades'),
          await game('Tunic'),
          await game('Outer Wilds'),
          await game('Portal'),
        ]
        /** Writes entries in the order given (their ids), whatever their dates. */
        const log = async (userId: number, gameId: number, entries: Logged[]) => {
          const ids: number[] = []
          for (const [played_on, entry_type, platform = null] of entries) {
            const now = timestamp()
            const row = await db
              .insertInto('journal_entries')
              .values({ user_id: userId, game_id: gameId, played_on, entry_type, platform, spoilers: false, liked: false, created_at: now, updated_at: now })
              .returning('id')
              .executeTakeFirstOrThrow()
            ids.push(row.id)
          }
          return ids
        }
        // A run from start to finish, played along the way; known platforms in other spellings.
        const celesteIds = await log(alice, celeste, [
          ['2024-01-01', 'started', 'switch'],
          ['2024-01-05', 'played'],
          ['2024-02-01', 'finished', ' Nintendo switch '],
        ])
        // Finished with nothing open, replayed, then started again and still going.
        const hadesIds = await log(alice, hades, [
          ['2024-06-01', 'started', 'PS5'],
          ['2023-05-01', 'finished', 'PlayStation 5'],
          ['2024-03-01', 'replayed'],
        ])
        // Started twice (the first run left with no end), the second abandoned.
        const tunicIds = await log(alice, tunic, [
          ['2022-01-01', 'started'],
          ['2022-06-01', 'started', 'Commodore 64'],
          ['2022-07-01', 'abandoned'],
        ])
        // Played, with nothing open: a run of its own, shelved; a platform not in the list is dropped.
        const outerWildsIds = await log(alice, outerWilds, [['2021-01-01', 'played', 'Commodore 64']])
        // Another person's entries of the same game, written after their dates' order; a start and end on one day.
        const bobIds = await log(bob, celeste, [
          ['2024-02-01', 'finished'],
          ['2024-01-01', 'started', 'PC'],
          ['2024-03-01', 'started'],
          ['2024-03-01', 'finished'],
        ])
        const portalIds = await log(bob, portal, [['2020-01-01', 'abandoned']])

        await migrateToLatest(db)

        const playthroughs = await db
          .selectFrom('playthroughs')
          .select(['id', 'user_id', 'game_id', 'platform', 'status', 'completion', 'started_on', 'finished_on', 'replay'])
          .orderBy('user_id')
          .orderBy('game_id')
          .orderBy(sql`coalesce(started_on, finished_on)`)
          .execute()
        const shown = playthroughs.map(({ id: _id, replay, ...p }) => ({ ...p, replay: !!replay }))
        const run = (userId: number, gameId: number, fields: Record<string, unknown>) => ({
          user_id: userId,
          game_id: gameId,
          platform: null,
          completion: null,
          started_on: null,
          finished_on: null,
          replay: false,
          ...fields,
        })
        assert.deepEqual(shown, [
          run(alice, celeste, { platform: 'Nintendo Switch', status: 'finished', started_on: '2024-01-01', finished_on: '2024-02-01' }),
          run(alice, hades, { platform: 'PlayStation 5', status: 'finished', finished_on: '2023-05-01' }),
          run(alice, hades, { status: 'finished', finished_on: '2024-03-01', replay: true }),
          run(alice, hades, { platform: 'PlayStation 5', status: 'playing', started_on: '2024-06-01' }),
          run(alice, tunic, { status: 'shelved', started_on: '2022-01-01' }),
          run(alice, tunic, { status: 'abandoned', started_on: '2022-06-01', finished_on: '2022-07-01' }),
          run(alice, outerWilds, { status: 'shelved', finished_on: '2021-01-01' }),
          run(bob, celeste, { platform: 'PC', status: 'finished', started_on: '2024-01-01', finished_on: '2024-02-01' }),
          run(bob, celeste, { status: 'finished', started_on: '2024-03-01', finished_on: '2024-03-01' }),
          run(bob, portal, { status: 'abandoned', finished_on: '2020-01-01' }),
        ])

        // Each entry names the playthrough of its run.
        const ids = playthroughs.map((p) => p.id)
        const entries = await db.selectFrom('journal_entries').select(['id', 'playthrough_id']).execute()
        const playthroughOf = new Map(entries.map((e) => [e.id, e.playthrough_id]))
        const expected: [number[], number][] = [
          [celesteIds, ids[0]!],
          [[hadesIds[1]!], ids[1]!],
          [[hadesIds[2]!], ids[2]!],
          [[hadesIds[0]!], ids[3]!],
          [[tunicIds[0]!], ids[4]!],
          [[tunicIds[1]!, tunicIds[2]!], ids[5]!],
          [outerWildsIds, ids[6]!],
          [[bobIds[1]!, bobIds[0]!], ids[7]!],
          [[bobIds[2]!, bobIds[3]!], ids[8]!],
          [portalIds, ids[9]!],
        ]
        for (const [entryIds, playthroughId] of expected) {
          for (const entryId of entryIds) assert.equal(playthroughOf.get(entryId), playthroughId, `entry ${entryId}`)
        }

        // The playing shelf shows the run still going; new playthroughs get ids of their own.
        const profile = await createProfileReads(db).findProfileByUsername('alice')
        assert.deepEqual(profile?.playing.map((g) => g.name), ['Hades'])
        const now = timestamp()
        const added = await db
          .insertInto('playthroughs')
          .values({ user_id: bob, game_id: portal, status: 'playing', replay: false, created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
        assert.ok(added.id > Math.max(...ids), `a new id (${added.id}) after the migrated ones`)
        await assert.rejects(sql`select 1 from playthrough_migration`.execute(db), 'the working table is gone')
      } finally {
        await db.destroy()
        await database.drop()
      }
    })

    it('migrates a database with no journal entries', async () => {
      const database = await createTestDatabase(kind)
      const db = openDatabase(database.url)
      try {
        await migrateBefore0010(db)
        await migrateToLatest(db)
        assert.deepEqual(await db.selectFrom('playthroughs').select('id').execute(), [])
      } finally {
        await db.destroy()
        await database.drop()
      }
    })
  })
}
