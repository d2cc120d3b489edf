import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { andThen, prepareKeyedRead, prepareQuery, type MaybePromise } from '../db/prepared.js'
import { activityPageJson, activityPageQuery, type ActivityPageRow } from './items.js'

type FeedPageParameters = {
  viewerId: number
  limit: number
  /** The cursor: the id of the last activity shown. */
  before?: number
}

/** The feed read, compiled once (a first page and a next page). */
export function createFeedReads(db: Db) {
  const pages = { first: feedPageQuery(db, false), next: feedPageQuery(db, true) }

  /**
   * A page of what the people someone follows did, newest first, as the JSON text of an ActivityPage. The cursor
   * is the id of the last item shown.
   */
  async function findFeedPageJson(viewerId: number, before: number | undefined, limit: number): Promise<string> {
    const query = before === undefined ? pages.first : pages.next
    return activityPageJson(await query.first({ viewerId, limit, ...(before !== undefined && { before }) }))
  }

  const version = prepareKeyedRead<number, { inbox: number | null; own: number; people: number; catalog: number }>(
    db,
    'int8',
    (viewerId) => sql`select
      (select version from feed_versions where reader_id = ${viewerId}) as inbox,
      u.version as own,
      (select version from people_version) as people,
      (select version from catalog_version) as catalog
      from users u where u.id = ${viewerId}`,
  )

  /**
   * What a kept feed page is checked against: the reader's feed version (migrations 0018 and 0019: their inbox
   * and what its items show of themselves), their own version (their follows), and the versions of everyone's
   * names and avatars and of the catalog (what items show of their people and games).
   */
  function findFeedVersion(viewerId: number): MaybePromise<string | undefined> {
    return andThen(version(viewerId), (row) => row && `${row.inbox ?? 0}.${row.own}.${row.people}.${row.catalog}`)
  }

  return { findFeedPageJson, findFeedVersion }
}

/** The page's ids are read down the reader's inbox (src/activity/inbox.ts). */
function feedPageQuery(db: Db, withCursor: boolean) {
  return prepareQuery<FeedPageParameters, ActivityPageRow>(db, (param) => {
    // The reader's delivered activities whose authors they still follow.
    const delivered = sql`select inbox.activity_id as id from feed_inbox inbox
      join activities done on done.id = inbox.activity_id
      join follows follow on follow.follower_id = inbox.reader_id and follow.followee_id = done.user_id
      where inbox.reader_id = ${param('viewerId')}`
    const page = sql`${delivered} ${withCursor ? sql`and inbox.activity_id < ${param('before')}` : sql``}
      order by inbox.activity_id desc limit ${param('limit')}`
    return activityPageQuery(db, page, (lastId) => sql`${delivered} and inbox.activity_id < ${lastId}`)
  })
}
