import { sql, type Kysely } from 'kysely'
import { isPostgres } from './helpers.js'

/**
 * Avatars no longer give away emails. A public avatar was the Gravatar of md5(email), so anyone could confirm a
 * guessed address (and it kept the old address's hash after a change). Each person now has a random seed, and
 * their avatar is Gravatar's generated face for it, forced (forcedefault) so it is never a real Gravatar; the
 * Gravatar of the email only for those who turn `use_gravatar` on. Everyone starts with a seed, not opted in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('avatar_seed', 'text', (c) => c.notNull().defaultTo('')).execute()
  await db.schema.alterTable('users').addColumn('use_gravatar', 'boolean', (c) => c.notNull().defaultTo(false)).execute()
  // 32 random hex digits a row, as the server makes them (randomBytes(16)).
  const randomHex = isPostgres(db) ? sql`replace(gen_random_uuid()::text, '-', '')` : sql`lower(hex(randomblob(16)))`
  await sql`update users set avatar_seed = ${randomHex}`.execute(db)
  // The URL as avatarUrl (src/users/accounts.ts) writes it for a seed, spelt out: a migration must not change.
  await sql`update users set gravatar = 'https://secure.gravatar.com/avatar/' || avatar_seed || '?size=120&default=retro&forcedefault=y'`.execute(db)
}
