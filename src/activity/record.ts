import type { Insertable } from 'kysely'
import type { Db } from '../db/database.js'
import type { ActivitiesTable, ActivityType } from '../db/tables.js'
import { timestamp } from '../db/time.js'

export type NewActivity = Omit<Insertable<ActivitiesTable>, 'id' | 'created_at'>

/** Adds an action to the log the feed and the popular games are read from. */
export async function recordActivity(db: Db, activity: NewActivity): Promise<void> {
  await db.insertInto('activities').values({ ...activity, created_at: timestamp() }).execute()
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
