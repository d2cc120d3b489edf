import { sql, type Kysely } from 'kysely'
import { isPostgres } from './helpers.js'

/**
 * On PostgreSQL, the catalog's version (migration 0008) was bumped by statement-level triggers on every INSERT and
 * DELETE on `games`, also by those that touched no row: an `INSERT … ON CONFLICT DO NOTHING` that found the game
 * already there, or a cleanup deleting nothing. Each then held the catalog_version row until its transaction
 * ended, after having locked nothing else yet, and deadlocked with a transaction that held a game's row and
 * bumped the version at its end (ten people adding one new game at once). The triggers now bump only when rows
 * were inserted or deleted. SQLite's triggers run per row already.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return
  // One function per operation: a trigger's function may name only the transition table its trigger declares.
  for (const rows of ['new_rows', 'old_rows']) {
    await sql
      .raw(`create function catalog_version_bump_${rows}() returns trigger language plpgsql as $$
        begin
          if exists (select 1 from ${rows}) then update catalog_version set version = version + 1; end if;
          return null;
        end
      $$`)
      .execute(db)
  }
  await sql`drop trigger catalog_version_insert on games`.execute(db)
  await sql`drop trigger catalog_version_delete on games`.execute(db)
  await sql`create trigger catalog_version_insert after insert on games referencing new table as new_rows
    for each statement execute function catalog_version_bump_new_rows()`.execute(db)
  await sql`create trigger catalog_version_delete after delete on games referencing old table as old_rows
    for each statement execute function catalog_version_bump_old_rows()`.execute(db)
}
