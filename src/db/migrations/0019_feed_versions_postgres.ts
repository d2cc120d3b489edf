import { sql, type Kysely } from 'kysely'
import { isPostgres } from './helpers.js'

/**
 * PostgreSQL bumps `feed_versions` (migration 0018) too, so its feed pages are kept as SQLite's are. The same
 * writes bump the same readers as 0018's SQLite triggers, but no write locks a version row until its commit:
 * - the triggers on what a feed shows (an inbox row delivered or withdrawn, an activity, journal entry or list
 *   changing a column its feed items show) only append the readers to `feed_version_bumps`, tagged with the
 *   transaction: plain inserts, under no unique key, which no other transaction ever waits on;
 * - the first such row of a transaction adds the transaction to `feed_version_flushes`, whose deferred
 *   constraint trigger runs once, at commit: it takes the transaction's readers out of `feed_version_bumps` and
 *   bumps them all in one statement, in ascending reader order.
 * Bumping them at once, as 0018's first PostgreSQL triggers did, locked version rows in the middle of
 * transactions that went on to wait for other locks, and in whatever order deliveries, follows and unfollows met
 * their readers: concurrent ones deadlocked (test/hardening/concurrency). Now a transaction locks version rows
 * only in its very last step, in one global order, and waits on nothing else after that, so two flushes can only
 * wait on each other in that order, and nothing else waits on a flush but another flush.
 * The flush is queued once per transaction, not once per reader: a constraint trigger on `feed_version_bumps`
 * itself would fire once for each of a delivery's thousand readers and each firing would walk the index over the
 * transaction's bumps already taken (about 60 ms for 1,000 readers and 4 s for 10,000, against 15 ms and 95 ms
 * this way, most of it the bump itself). A write that comes after the flush in the same transaction (after `SET
 * CONSTRAINTS ALL IMMEDIATE`) queues another.
 */
const ACTIVITY_COLUMNS = ['type', 'created_at', 'user_id', 'game_id', 'half_stars', 'entry_id', 'list_id', 'target_user_id']
const ENTRY_COLUMNS = ['entry_type', 'played_on', 'review', 'spoilers']

/** The readers of the activities matching `where` (on `a`, the activities). */
const readersOf = (where: string) => `select inbox.reader_id from activities a join feed_inbox inbox on inbox.activity_id = a.id where ${where}`

/** Content changes, as in 0018: [table, columns shown, readers of the changed row `new`]. */
const CONTENT: [string, string[], string][] = [
  ['activities', ACTIVITY_COLUMNS, 'select reader_id from feed_inbox where activity_id = new.id'],
  ['journal_entries', ENTRY_COLUMNS, readersOf('a.entry_id = new.id')],
  ['lists', ['title'], readersOf('a.list_id = new.id')],
]

/** A PL/pgSQL trigger function running `body`. */
const triggerFunction = (name: string, body: string) =>
  sql.raw(`create function ${name}() returns trigger language plpgsql as $$
    begin
      ${body}
      return null;
    end
  $$`)

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return
  await db.schema
    .createTable('feed_version_bumps')
    .addColumn('transaction_id', sql`xid8`, (c) => c.notNull().defaultTo(sql`pg_current_xact_id()`))
    .addColumn('reader_id', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('feed_version_bumps_transaction').on('feed_version_bumps').column('transaction_id').execute()
  // One row per transaction with bumps to flush: no other transaction has its key, so none waits on another's.
  await db.schema
    .createTable('feed_version_flushes')
    .addColumn('transaction_id', sql`xid8`, (c) => c.primaryKey().defaultTo(sql`pg_current_xact_id()`))
    .execute()

  await triggerFunction(
    'feed_versions_flush',
    `delete from feed_version_flushes where transaction_id = pg_current_xact_id();
    with pending as (delete from feed_version_bumps where transaction_id = pg_current_xact_id() returning reader_id)
    insert into feed_versions (reader_id, version)
      select distinct reader_id, 1 from pending order by reader_id
      on conflict (reader_id) do update set version = feed_versions.version + 1;`,
  ).execute(db)
  await sql`create constraint trigger feed_version_flushes_flush after insert on feed_version_flushes
    deferrable initially deferred for each row execute function feed_versions_flush()`.execute(db)

  await triggerFunction(
    'feed_version_bumps_queue',
    `if exists (select from added) then
      insert into feed_version_flushes default values on conflict do nothing;
    end if;`,
  ).execute(db)
  await sql`create trigger feed_version_bumps_queue after insert on feed_version_bumps
    referencing new table as added for each statement execute function feed_version_bumps_queue()`.execute(db)

  // A delivery writes up to a thousand inbox rows in one statement: their readers are taken once, per statement.
  await triggerFunction('feed_inbox_version_bump', `insert into feed_version_bumps (reader_id) select distinct reader_id from changed;`).execute(db)
  for (const [operation, table] of [['insert', 'new'], ['delete', 'old']]) {
    await sql
      .raw(`create trigger feed_inbox_version_${operation} after ${operation} on feed_inbox
        referencing ${table} table as changed for each statement execute function feed_inbox_version_bump()`)
      .execute(db)
  }
  // Per row (a trigger on some columns cannot see the statement's rows), and only when a shown column changed.
  for (const [table, columns, readers] of CONTENT) {
    await triggerFunction(`${table}_feed_version_bump`, `insert into feed_version_bumps (reader_id) ${readers};`).execute(db)
    await sql
      .raw(`create trigger ${table}_feed_version after update of ${columns.join(', ')} on ${table}
        for each row when (${columns.map((column) => `old.${column} is distinct from new.${column}`).join(' or ')})
        execute function ${table}_feed_version_bump()`)
      .execute(db)
  }
}
