import { sql, type RawBuilder } from 'kysely'
import { isPostgres, type Db } from '../db/database.js'
import type { Completion } from '../db/tables.js'

/**
 * A playthrough's total time in minutes, as SQL text for the playthrough row named `alias`: the sum of its
 * sessions plus its adjustment, never below zero (an adjustment may take away more than the sessions add).
 */
export function playthroughMinutesSql(db: Db, alias: string): string {
  const total = `coalesce((select sum(minutes) from play_sessions where playthrough_id = ${alias}.id), 0) + ${alias}.adjustment_minutes`
  return isPostgres(db) ? `greatest(0, ${total})` : `max(0, ${total})`
}

/** Minutes as the API shows time: hours, to a tenth. */
export function hoursOf(minutes: number | string | null): number {
  return Math.round(Number(minutes ?? 0) / 6) / 10
}

/** The genres of `games` (JSON arrays of names), one row each with its name in `genre.value`, for a FROM clause. */
export function genreElements(db: Db): RawBuilder<unknown> {
  return isPostgres(db) ? sql`json_array_elements_text(games.genres::json) as genre(value)` : sql`json_each(games.genres) as genre`
}

/** How far a finished playthrough went, from the least to the most. */
export const COMPLETION_LEVELS = ['main', 'main_extras', 'completionist', 'mastered'] as const satisfies readonly Completion[]
