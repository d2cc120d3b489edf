import type { Kysely } from 'kysely'
import { idColumn, timestampType } from './helpers.js'

/**
 * Likes and comments on lists, as reviews have them (0002): one like per person and list, its count kept in
 * step on the list so that pages show it without counting. Neither changes a cached answer: lists are not part
 * of the profile's answer, and `like_count` is not a column the lists' version triggers (0008) watch.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const timestamp = timestampType(db)

  await db.schema.alterTable('lists').addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0)).execute()

  await db.schema
    .createTable('list_likes')
    .addColumn('list_id', 'integer', (c) => c.notNull().references('lists.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('list_likes_pkey', ['list_id', 'user_id'])
    .execute()
  await db.schema.createIndex('list_likes_user').on('list_likes').column('user_id').execute()

  await db.schema
    .createTable('list_comments')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('list_id', 'integer', (c) => c.notNull().references('lists.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('list_comments_list').on('list_comments').columns(['list_id', 'id']).execute()
  await db.schema.createIndex('list_comments_user').on('list_comments').column('user_id').execute()
}
