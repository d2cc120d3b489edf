import type { Db } from '../db/database.js'
import { prepareQuery } from '../db/prepared.js'
import { usernameKey } from './usernames.js'

/**
 * The id and version of the person of a name (one indexed row): what a kept answer about them (their profile,
 * their library pages) is checked against before it is sent. Compiled once.
 */
export function createUserVersionRead(db: Db) {
  const version = prepareQuery<{ key: string }, { id: number; version: number }>(db, (param) =>
    db.selectFrom('users').select(['id', 'version']).where('username_key', '=', param('key')),
  )
  return (username: string) => version.first({ key: usernameKey(username) })
}
