import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { prepareQuery } from '../db/prepared.js'
import { findUserIdByUsername } from '../users/repository.js'
import { usernameKey } from '../users/usernames.js'
import { activityPageJson, activityPageQuery, type ActivityPageRow } from './items.js'

type UserActivityParameters = { usernameKey: string; limit: number; before?: number }

/** The read of one person's activity, compiled once (a first page and a next page). */
export function createUserActivityReads(db: Db) {
  const pageQuery = (withCursor: boolean) =>
    prepareQuery<UserActivityParameters, ActivityPageRow>(db, (param) => {
      const theirs = sql`select done.id from activities done
        where done.user_id = (select id from users where username_key = ${param('usernameKey')})`
      const page = sql`${theirs} ${withCursor ? sql`and done.id < ${param('before')}` : sql``} order by done.id desc limit ${param('limit')}`
      return activityPageQuery(db, page, (lastId) => sql`${theirs} and done.id < ${lastId}`)
    })
  const pages = { first: pageQuery(false), next: pageQuery(true) }

  /**
   * A page of what someone did, newest first, as the JSON text of an ActivityPage, in one query; undefined when
   * nobody has that name. Only an empty page asks again, whether the person exists.
   */
  async function findUserActivityPageJson(username: string, before: number | undefined, limit: number): Promise<string | undefined> {
    const query = before === undefined ? pages.first : pages.next
    const row = await query.first({ usernameKey: usernameKey(username), limit, ...(before !== undefined && { before }) })
    if (row?.last_id == null && (await findUserIdByUsername(db, username)) === undefined) return undefined
    return activityPageJson(row)
  }

  return { findUserActivityPageJson }
}
