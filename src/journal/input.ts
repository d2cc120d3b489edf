import type { EntryType } from '../db/tables.js'
import { invalid } from '../http/errors.js'
import type { EntryValues } from './repository.js'
import { ENTRY_TYPE_CODES, type EntryCreateBody, type EntryUpdateBody } from './schemas.js'

const HOUR_MS = 3_600_000
/** The easternmost time zone, UTC+14: its date is the latest one anywhere on Earth. */
const LATEST_UTC_OFFSET_HOURS = 14

/** Whether a YYYY-MM-DD names a day that exists (no 30th of February). */
export function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number]
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/**
 * Today's date where the day is furthest along: the server cannot know the person's time zone, and a day that
 * has begun for them is not in the future.
 */
export function latestDateOnEarth(now = Date.now()): string {
  return new Date(now + LATEST_UTC_OFFSET_HOURS * HOUR_MS).toISOString().slice(0, 10)
}

/** A day a request names (its format already checked by the schema): a real day, not in the future; `field` names it. */
export function checkedDate(date: string, field = 'date'): string {
  if (!isCalendarDate(date)) throw invalid({ [field]: ['Enter a real calendar date.'] })
  if (date > latestDateOnEarth()) throw invalid({ [field]: ['Date cannot be in the future.'] })
  return date
}

function entryTypeOf(input: string): EntryType {
  return ENTRY_TYPE_CODES[input] ?? (input as EntryType)
}

/** Blank review text means no review: the entry is then a plain diary entry. */
function reviewOf(review: string | null): string | null {
  return review === null || review.trim() === '' ? null : review
}

function platformOf(platform: string | null): string | null {
  const trimmed = platform?.trim()
  return trimmed ? trimmed : null
}

/** What an edit changes, in stored form; a field left out is not changed. Invalid values are a 400. */
export function entryChangesOf(body: EntryUpdateBody): Partial<EntryValues> {
  const changes: Partial<EntryValues> = {}
  if (body.date !== undefined) changes.played_on = checkedDate(body.date)
  if (body.entry_type !== undefined) changes.entry_type = entryTypeOf(body.entry_type)
  if (body.platform !== undefined) changes.platform = platformOf(body.platform)
  if (body.review !== undefined) changes.review = reviewOf(body.review)
  if (body.spoilers !== undefined) changes.spoilers = body.spoilers
  if (body.liked !== undefined) changes.liked = body.liked
  if (body.rating !== undefined) changes.half_stars = body.rating === null ? null : body.rating * 2
  if (body.playthrough !== undefined) changes.playthrough_id = body.playthrough
  return changes
}

/** A new entry in stored form. Invalid values are a 400. */
export function entryValuesOf(body: EntryCreateBody): EntryValues {
  return {
    platform: null,
    review: null,
    spoilers: false,
    liked: false,
    half_stars: null,
    playthrough_id: null,
    ...entryChangesOf(body),
    // Both required, so entryChangesOf has checked and mapped them: these only tell the compiler so.
    played_on: body.date,
    entry_type: entryTypeOf(body.entry_type),
  }
}

/** Refuses a comment with nothing but white space (the schema bounds its length). */
export function requireCommentText(body: string): void {
  if (body.trim() === '') throw invalid({ body: ['This field may not be blank.'] })
}
