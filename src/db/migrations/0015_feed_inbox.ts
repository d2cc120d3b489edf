import { sql, type Kysely } from 'kysely'
import { isPostgres } from './helpers.js'

/**
 * Each reader's feed as a list of activity ids (fan-out on write, src/activity/inbox.ts): reading a page is a
 * walk down one index, where it was a sort of everything everyone followed had ever done. Activities of accounts
 * followed by many are delivered in the background from `feed_deliveries`. Existing feeds are filled here, so
 * every reader sees the feed they saw before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('feed_inbox')
    .addColumn('reader_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('activity_id', 'integer', (c) => c.notNull().references('activities.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('feed_inbox_pkey', ['reader_id', 'activity_id'])
    // The rows are the key: SQLite keeps them in the key's order with no second copy.
    .$call((table) => (isPostgres(db) ? table : table.modifyEnd(sql`without rowid`)))
    .execute()
  // Deleting an activity (and with it an account's) finds its deliveries.
  await db.schema.createIndex('feed_inbox_activity').on('feed_inbox').column('activity_id').execute()

  await db.schema
    .createTable('feed_deliveries')
    .addColumn('activity_id', 'integer', (c) => c.primaryKey().references('activities.id').onDelete('cascade'))
    /** Followers are delivered to in the order of their ids; every follower up to this one has it. */
    .addColumn('delivered_through', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  // Background deliveries walk an account's followers in the order of their ids.
  await db.schema.createIndex('follows_followee_follower').on('follows').columns(['followee_id', 'follower_id']).execute()

  await sql`insert into feed_inbox (reader_id, activity_id)
    select f.follower_id, a.id from follows f join activities a on a.user_id = f.followee_id`.execute(db)
}
