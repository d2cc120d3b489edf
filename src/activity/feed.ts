import type { Db } from '../db/database.js'
import { prepareQuery } from '../db/prepared.js'
import { findActivityPage, selectActivityItems, type ActivityPageParameters, type ActivityRow } from './items.js'

type FeedPageParameters = ActivityPageParameters & { viewerId: number }

/** The feed read, compiled once (a first page and a next page). */
export function createFeedReads(db: Db) {
  const pageQuery = (withCursor: boolean) =>
    prepareQuery<FeedPageParameters, ActivityRow>(db, (param) =>
      selectActivityItems(
        db,
        db
          .selectFrom('activities')
          .innerJoin('follows', 'follows.followee_id', 'activities.user_id')
          .select('activities.id')
          .where('follows.follower_id', '=', param('viewerId'))
          .$if(withCursor, (q) => q.where('activities.id', '<', param('before') as number))
          .orderBy('activities.id', 'desc')
          .limit(param('take'))
          .as('page'),
      ),
    )
  const pages = { first: pageQuery(false), next: pageQuery(true) }

  /** A page of what the people someone follows did, newest first, in one query. */
  function findFeedPage(viewerId: number, before: number | undefined, limit: number) {
    return findActivityPage(pages, { viewerId }, before, limit)
  }

  return { findFeedPage }
}
