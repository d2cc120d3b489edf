import { setImmediate as otherRequestsFirst } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { isDatabaseUnavailable } from '../http/setup.js'

/**
 * Each reader's feed is a list of activity ids (`feed_inbox`), written when the activity is: reading a page walks
 * one index instead of sorting everything everyone followed ever did. The truth stays in `follows`: the feed
 * read joins it, so a delivery that raced an unfollow never shows.
 */

/**
 * An account with at most this many followers reaches every feed in the activity's own transaction (a few
 * milliseconds at most); one followed by more is delivered to in the background, a chunk at a time.
 */
export const INLINE_DELIVERY_MAX = 1000
/** Followers delivered to in one background step. */
const DELIVERY_CHUNK = 1000
/** How many of an account's latest activities a new follower's feed gains at once. */
export const FOLLOW_BACKFILL = 100
/** SQLite reads `INSERT … SELECT … ON CONFLICT` right only when the SELECT has a WHERE clause. */
const UPSERT_SELECT_FILTER = sql<boolean>`true`
/** How often each process looks for deliveries to make (its own, and those a stopped process left). */
const DELIVERY_POLL_MS = 1_000

/** Puts a new activity in the feeds of its author's followers, or leaves it for the background delivery. */
export async function deliverActivity(
  db: Db,
  activity: { id: number; user_id: number },
  inlineMax = INLINE_DELIVERY_MAX,
): Promise<void> {
  const followers = db.selectFrom('follows').select('follower_id').where('followee_id', '=', activity.user_id)
  const counted = await db
    .selectFrom(followers.limit(inlineMax + 1).as('some'))
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow()
  if (Number(counted.count) > inlineMax) {
    await db.insertInto('feed_deliveries').values({ activity_id: activity.id }).execute()
    return
  }
  await db
    .insertInto('feed_inbox')
    .columns(['reader_id', 'activity_id'])
    .expression(followers.select(sql<number>`${activity.id}`.as('activity_id')))
    .execute()
}

/**
 * Delivers the next chunk of the oldest unfinished background delivery, in one transaction. Answers false when
 * there was none. Safe to run in several processes at once: a chunk written twice changes nothing, and only the
 * process that finds the delivery where it left it moves it on.
 */
export async function deliverNextChunk(db: Db, chunk = DELIVERY_CHUNK): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const pending = await trx
      .selectFrom('feed_deliveries')
      .innerJoin('activities', 'activities.id', 'feed_deliveries.activity_id')
      .select(['feed_deliveries.activity_id', 'feed_deliveries.delivered_through', 'activities.user_id'])
      .orderBy('feed_deliveries.activity_id')
      .limit(1)
      .executeTakeFirst()
    if (!pending) return false
    const followers = trx
      .selectFrom('follows')
      .select('follower_id')
      .where('followee_id', '=', pending.user_id)
      .where('follower_id', '>', pending.delivered_through)
      .orderBy('follower_id')
      .limit(chunk)
    await trx
      .insertInto('feed_inbox')
      .columns(['reader_id', 'activity_id'])
      .expression(
        trx
          .selectFrom(followers.as('chunk'))
          .select(['follower_id', sql<number>`${pending.activity_id}`.as('activity_id')])
          .where(UPSERT_SELECT_FILTER),
      )
      .onConflict((oc) => oc.columns(['reader_id', 'activity_id']).doNothing())
      .execute()
    const last = await trx
      .selectFrom(followers.as('chunk'))
      .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.max('follower_id').as('through')])
      .executeTakeFirstOrThrow()
    if (Number(last.count) < chunk) {
      await trx.deleteFrom('feed_deliveries').where('activity_id', '=', pending.activity_id).execute()
    } else {
      await trx
        .updateTable('feed_deliveries')
        .set({ delivered_through: Number(last.through) })
        .where('activity_id', '=', pending.activity_id)
        .where('delivered_through', '=', pending.delivered_through)
        .execute()
    }
    return true
  })
}

export interface FeedDelivery {
  /** Stops looking for deliveries and waits for the chunk under way. */
  close(): Promise<void>
}

/** Runs the background deliveries of this process: every second, every chunk there is, each in its own turn. */
export function startFeedDelivery(db: Db, log: Pick<FastifyBaseLogger, 'error' | 'warn'>): FeedDelivery {
  let closed = false
  let running: Promise<void> | null = null
  const deliverAll = async () => {
    while (!closed && (await deliverNextChunk(db))) await otherRequestsFirst()
  }
  const timer = setInterval(() => {
    running ??= deliverAll()
      // A database that is away is not a fault of ours: the next turn tries again.
      .catch((error: unknown) =>
        isDatabaseUnavailable(error) ? log.warn({ err: error }, 'feed delivery waits for the database') : log.error({ err: error }, 'feed delivery failed'),
      )
      .finally(() => {
        running = null
      })
  }, DELIVERY_POLL_MS).unref()
  return {
    async close() {
      closed = true
      clearInterval(timer)
      await running
    },
  }
}

/** A new follower's feed gains the account's latest activities. Run it in the follow's transaction. */
export async function deliverToNewFollower(db: Db, followerId: number, followeeId: number): Promise<void> {
  await db
    .insertInto('feed_inbox')
    .columns(['reader_id', 'activity_id'])
    .expression(
      db
        .selectFrom(
          db.selectFrom('activities').select('id').where('user_id', '=', followeeId).orderBy('id', 'desc').limit(FOLLOW_BACKFILL).as('latest'),
        )
        .select([sql<number>`${followerId}`.as('reader_id'), 'id'])
        .where(UPSERT_SELECT_FILTER),
    )
    .onConflict((oc) => oc.columns(['reader_id', 'activity_id']).doNothing())
    .execute()
}

/** An unfollow takes the account's activities out of the former follower's feed. */
export async function withdrawFromFormerFollower(db: Db, followerId: number, followeeId: number): Promise<void> {
  await db
    .deleteFrom('feed_inbox')
    .where('reader_id', '=', followerId)
    .where('activity_id', 'in', db.selectFrom('activities').select('id').where('user_id', '=', followeeId))
    .execute()
}
