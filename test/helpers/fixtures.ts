import type { Db } from '../../src/db/database.js'
import type { StatsCounts } from '../../src/stats/schemas.js'
import { insertUser } from '../../src/users/repository.js'

/** The counts of someone who has done nothing yet. */
export const ZERO_COUNTS: StatsCounts = {
  played: 0,
  completed: 0,
  backlog: 0,
  wishlist: 0,
  liked: 0,
  playing: 0,
  ratings: 0,
  reviews: 0,
  journal_entries: 0,
  lists: 0,
  followers: 0,
  following: 0,
  average_rating: null,
}

/** An account row to insert straight into the database (insertUser), when signing up through the API is beside the point. */
export const newUserRow = (username: string) => ({
  username,
  email: `${username}@example.com`,
  password_hash: 'x',
  gravatar: 'https://www.gravatar.com/avatar/0',
  avatar_seed: '0',
  use_gravatar: false,
})

/** Accounts straight into the database, by username: their ids by username. */
export async function insertUsers(db: Db, ...usernames: string[]): Promise<Record<string, number>> {
  const ids: Record<string, number> = {}
  for (const username of usernames) ids[username] = await insertUser(db, newUserRow(username))
  return ids
}
