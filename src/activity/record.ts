import type { Insertable } from 'kysely'
import type { Db } from '../db/database.js'
import type { ActivitiesTable, ActivityType } from '../db/tables.js'
import { timestamp } from '../db/time.js'
import { deliverActivity } from './inbox.js'

export type NewActivity = Omit<Insertable<ActivitiesTable>, 'id' | 'created_at'>

/** Adds an action to the log the popular games are read from, and to its author's followers' feeds. */
export async function recordActivity(db: Db, activity: NewActivity): Promise<void> {
  const { id } = await db.insertInto('activities').values({ ...activity, created_at: timestamp() }).returning('id').executeTakeFirstOrThrow()
  await deliverActivity(db, { id, user_id: activity.user_id })
}

/** Takes an undone action (an unlike, an unfollow, a removed rating) out of the log. */
export async function removeActivity(
  db: Db,
  match: { user_id: number; type: ActivityType; game_id?: number; target_user_id?: number },
): Promise<void> {
  let query = db.deleteFrom('activities').where('user_id', '=', match.user_id).where('type', '=', match.type)
  if (match.game_id !== undefined) query = query.where('game_id', '=', match.game_id)
  if (match.target_user_id !== undefined) query = query.where('target_user_id', '=', match.target_user_id)
  await query.execute()
}
