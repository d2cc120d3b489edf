import type { Db } from '../db/database.js'
import { prepareQuery } from '../db/prepared.js'
import { findUserIdByUsername } from '../users/repository.js'
import { usernameKey } from '../users/usernames.js'
import { findActivityPage, selectActivityItems, type ActivityPageParameters, type ActivityRow } from './items.js'

type UserActivityParameters = ActivityPageParameters & { usernameKey: string }

/** The read of one person's activity, compiled once (a first page and a next page). */
export function createUserActivityReads(db: Db) {
  const pageQuery = (withCursor: boolean) =>
    prepareQuery<UserActivityParameters, ActivityRow>(db, (param) =>
      selectActivityItems(
        db,
        db
          .selectFrom('activities')
          .select('activities.id')
          .where('activities.user_id', '=', (eb) =>
            eb.selectFrom('users').select('users.id').where('users.username_key', '=', param('usernameKey')),
          )
          .$if(withCursor, (q) => q.where('activities.id', '<', param('before') as number))
          .orderBy('activities.id', 'desc')
          .limit(param('take'))
          .as('page'),
      ),
    )
  const pages = { first: pageQuery(false), next: pageQuery(true) }

  /**
   * A page of what someone did, newest first, in one query; undefined when nobody has that name. Only an empty
   * page asks again, whether the person exists.
   */
  async function findUserActivityPage(username: string, before: number | undefined, limit: number) {
    const page = await findActivityPage(pages, { usernameKey: usernameKey(username) }, before, limit)
    if (page.results.length === 0 && (await findUserIdByUsername(db, username)) === undefined) return undefined
    return page
  }

  return { findUserActivityPage }
}
