import { sql, type Kysely } from 'kysely'
import { idColumn, timestampType } from './helpers.js'

/**
 * What a person hears back: someone followed them, liked or commented on their review or list. One row per
 * action, written in the action's transaction and deleted with it: a like taken back, a comment deleted, an
 * unfollow (by code); a review, a list or an account deleted (by the foreign keys), so that a deleted actor's
 * notifications vanish. Read state is one mark per person: every notification up to `read_up_to` is read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const timestamp = timestampType(db)

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('actor_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('follow', 'review_like', 'review_comment', 'list_like', 'list_comment')`),
    )
    .addColumn('entry_id', 'integer', (c) => c.references('journal_entries.id').onDelete('cascade'))
    .addColumn('list_id', 'integer', (c) => c.references('lists.id').onDelete('cascade'))
    // The review or list comment a comment notification is about: deleted with it by code, as the two tables differ.
    .addColumn('comment_id', 'integer')
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'id']).execute()
  await db.schema.createIndex('notifications_actor').on('notifications').column('actor_id').execute()
  // For the cascades from a deleted review or list; most rows have neither, so only the rows that do are indexed.
  await db.schema.createIndex('notifications_entry').on('notifications').column('entry_id').where(sql.ref('entry_id'), 'is not', null).execute()
  await db.schema.createIndex('notifications_list').on('notifications').column('list_id').where(sql.ref('list_id'), 'is not', null).execute()

  await db.schema
    .createTable('notification_reads')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('read_up_to', 'integer', (c) => c.notNull())
    .execute()
}
