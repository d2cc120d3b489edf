import type { Db } from '../../src/db/database.js'
import type { Completion, PlaythroughStatus } from '../../src/db/tables.js'
import { timestamp } from '../../src/db/time.js'

export interface PlaythroughFields {
  status?: PlaythroughStatus
  completion?: Completion | null
  platform?: string | null
  started_on?: string | null
  finished_on?: string | null
  adjustment_minutes?: number
}

/**
 * A playthrough and its sessions ([date, minutes] each) written straight into the tables, for reads that only
 * need them to exist: the playthrough routes are tested on their own. `playing` unless said otherwise.
 */
export async function insertPlaythrough(
  db: Db,
  userId: number,
  gameId: number,
  fields: PlaythroughFields = {},
  sessions: [date: string, minutes: number][] = [],
): Promise<number> {
  const now = timestamp()
  const { id } = await db
    .insertInto('playthroughs')
    .values({ status: 'playing', ...fields, user_id: userId, game_id: gameId, replay: false, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const [played_on, minutes] of sessions) {
    await db.insertInto('play_sessions').values({ playthrough_id: id, played_on, minutes, created_at: now }).execute()
  }
  return id
}

/** A finished playthrough at a completion level, its whole time in one adjustment (sessions hold at most a day). */
export function insertFinishedRun(db: Db, userId: number, gameId: number, completion: Completion, minutes: number, finished_on = '2024-06-01') {
  return insertPlaythrough(db, userId, gameId, { status: 'finished', completion, finished_on, adjustment_minutes: minutes })
}
