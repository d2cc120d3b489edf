import { sql, type Kysely } from 'kysely'
import { idColumn, timestampType } from './helpers.js'

export async function up(db: Kysely<unknown>): Promise<void> {
  const timestamp = timestampType(db)

  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('username_key', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('bio', 'text')
    .addColumn('location', 'text')
    .addColumn('twitter', 'text')
    .addColumn('gravatar', 'text', (c) => c.notNull())
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('users_username_key_unique').on('users').column('username_key').unique().execute()
  await db.schema.createIndex('users_email_key_unique').on('users').column('email_key').unique().execute()

  await db.schema
    .createTable('auth_tokens')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('token_key', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addColumn('expires_at', timestamp)
    .execute()
  await db.schema.createIndex('auth_tokens_token_key').on('auth_tokens').column('token_key').execute()
  await db.schema.createIndex('auth_tokens_user_id').on('auth_tokens').column('user_id').execute()

  await db.schema
    .createTable('follows')
    .addColumn('follower_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('followee_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('follows_pkey', ['follower_id', 'followee_id'])
    .execute()
  await db.schema
    .createIndex('follows_followee_id')
    .on('follows')
    .columns(['followee_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('games')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('igdb', 'text')
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('first_release_date', 'text')
    .addColumn('platforms', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('genres', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('developers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('cover_url', 'text')
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('games_igdb_unique').on('games').column('igdb').unique().execute()
  await db.schema.createIndex('games_slug_unique').on('games').column('slug').unique().execute()

  await db.schema
    .createTable('game_statuses')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('game_id', 'integer', (c) => c.notNull().references('games.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('played', 'liked', 'backlog', 'wishlist')`))
    .addColumn('created_at', timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('game_statuses_pkey', ['user_id', 'status', 'game_id'])
    .execute()
  await db.schema
    .createIndex('game_statuses_user_status_created')
    .on('game_statuses')
    .columns(['user_id', 'status', 'created_at'])
    .execute()
  await db.schema.createIndex('game_statuses_game_id').on('game_statuses').column('game_id').execute()

  await db.schema
    .createTable('favorites')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('game_id', 'integer', (c) => c.notNull().references('games.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('favorites_pkey', ['user_id', 'game_id'])
    .execute()
}
