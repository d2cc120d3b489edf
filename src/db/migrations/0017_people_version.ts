import { sql, type Kysely } from 'kysely'
import { isPostgres } from './helpers.js'

/**
 * One version number for what lists of people show of each person (their name, avatar and bio), bumped in the
 * same transaction as every change of them: a followers or following page shows other people than its owner,
 * so the owner's version (migration 0008) does not move when one of them renames. Such a page is kept by its
 * owner's version and this one. These changes are rare next to the reads of those pages, and each is a single
 * row's update: one row for all of them costs less than finding every page that shows the person.
 */
const SHOWN_COLUMNS = ['username', 'gravatar', 'bio']

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('people_version').addColumn('version', 'integer', (c) => c.notNull()).execute()
  await db.insertInto('people_version' as never).values({ version: 0 } as never).execute()
  if (isPostgres(db)) {
    await sql
      .raw(`create function people_version_bump() returns trigger language plpgsql as $$
        begin
          update people_version set version = version + 1;
          return null;
        end
      $$`)
      .execute(db)
    await sql
      .raw(`create trigger people_version_update after update of ${SHOWN_COLUMNS.join(', ')} on users
        for each row when (${SHOWN_COLUMNS.map((column) => `old.${column} is distinct from new.${column}`).join(' or ')})
        execute function people_version_bump()`)
      .execute(db)
  } else {
    await sql
      .raw(`create trigger people_version_update after update of ${SHOWN_COLUMNS.join(', ')} on users
        when ${SHOWN_COLUMNS.map((column) => `old.${column} is not new.${column}`).join(' or ')}
        begin update people_version set version = version + 1; end`)
      .execute(db)
  }
}
