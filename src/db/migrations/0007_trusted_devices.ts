import type { Kysely } from 'kysely'
import { timestampType } from './helpers.js'

/**
 * Devices that have signed in to an account before (OWASP's "device cookie"): their sign-in attempts are kept
 * out of the account's shared lock-out, so strangers guessing a password cannot lock the owner out.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('trusted_devices')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', timestampType(db), (c) => c.notNull())
    .addColumn('last_used_at', timestampType(db), (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('trusted_devices_user_order')
    .on('trusted_devices')
    .columns(['user_id', 'last_used_at'])
    .execute()
}
