import { sql, type Kysely } from 'kysely'
import { usernameSkeleton } from '../../users/usernames.js'
import { timestampType } from './helpers.js'

const UPDATE_CHUNK = 500

/**
 * Look-alike usernames: every account's username skeleton (src/users/usernames.ts) under a unique index, so two
 * names that look alike cannot both be taken, not even by simultaneous requests; and the names accounts renamed
 * away from, held for them for a while.
 *
 * Existing accounts keep their names. Where existing names already look alike, the oldest account's name gets
 * the skeleton and the later ones none (NULL, which the unique index allows any number of times): their names
 * stay theirs, and the oldest one's skeleton keeps newcomers away from all of them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('username_skeleton', 'text').execute()

  const { rows } = await sql<{ id: number; username: string }>`select id, username from users order by id`.execute(db)
  const claimed = new Set<string>()
  const skeletons: { id: number; skeleton: string }[] = []
  for (const { id, username } of rows) {
    const skeleton = usernameSkeleton(username)
    if (claimed.has(skeleton)) continue
    claimed.add(skeleton)
    skeletons.push({ id, skeleton })
  }
  for (let start = 0; start < skeletons.length; start += UPDATE_CHUNK) {
    const chunk = skeletons.slice(start, start + UPDATE_CHUNK)
    const cases = sql.join(chunk.map(({ id, skeleton }) => sql`when ${id} then ${skeleton}`), sql` `)
    const ids = sql.join(chunk.map(({ id }) => id))
    await sql`update users set username_skeleton = case id ${cases} end where id in (${ids})`.execute(db)
  }
  await db.schema.createIndex('users_username_skeleton_unique').on('users').column('username_skeleton').unique().execute()

  await db.schema
    .createTable('retired_usernames')
    .addColumn('skeleton', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('retired_until', timestampType(db), (c) => c.notNull())
    .execute()
  await db.schema.createIndex('retired_usernames_user_id').on('retired_usernames').column('user_id').execute()
}
