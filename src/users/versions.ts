import type { Db } from '../db/database.js'
import { prepareKeyedRead } from '../db/prepared.js'
import { usernameKey } from './usernames.js'

/**
 * The id and version of the person of a name (one indexed row): what a kept answer about them (their profile,
 * their library pages) is checked against before it is sent. Compiled once.
 */
export function createUserVersionRead(db: Db) {
  const version = prepareKeyedRead<string, { id: number; version: number }>(db, 'text', (key) =>
    db.selectFrom('users').select(['id', 'version']).where('username_key', '=', key),
  )
  return (username: string) => version(usernameKey(username))
}
