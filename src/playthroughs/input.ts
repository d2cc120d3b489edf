import { invalid } from '../http/errors.js'
import { checkedDate } from '../journal/input.js'
import type { PlaythroughValues } from './repository.js'
import type { PlaythroughUpdateBody, SessionBody } from './schemas.js'

/** A playthrough as it starts when the request says nothing more: being played, nothing else known. */
const NEW_PLAYTHROUGH: PlaythroughValues = {
  platform: null,
  storefront: null,
  status: 'playing',
  completion: null,
  started_on: null,
  finished_on: null,
  replay: false,
  difficulty: null,
  notes: null,
  adjustment_minutes: 0,
}

/** Blank text means none. */
function textOf(text: string | null): string | null {
  return text === null || text.trim() === '' ? null : text.trim()
}

function dateOf(date: string | null, field: string): string | null {
  return date === null ? null : checkedDate(date, field)
}

/**
 * What a request changes of a playthrough (`current`; none for a new one), in stored form; a field left out is not
 * changed. Moving a playthrough away from finished clears its completion. Invalid values, or values that do not
 * fit what the playthrough keeps (a completion of one not finished, a finish before the start), are a 400.
 */
export function playthroughChangesOf(body: PlaythroughUpdateBody, current = NEW_PLAYTHROUGH): Partial<PlaythroughValues> {
  const changes: Partial<PlaythroughValues> = {}
  if (body.platform !== undefined) changes.platform = body.platform
  if (body.storefront !== undefined) changes.storefront = body.storefront
  if (body.status !== undefined) changes.status = body.status
  if (body.completion !== undefined) changes.completion = body.completion
  if (body.started_on !== undefined) changes.started_on = dateOf(body.started_on, 'started_on')
  if (body.finished_on !== undefined) changes.finished_on = dateOf(body.finished_on, 'finished_on')
  if (body.replay !== undefined) changes.replay = body.replay
  if (body.difficulty !== undefined) changes.difficulty = textOf(body.difficulty)
  if (body.notes !== undefined) changes.notes = textOf(body.notes)
  if (body.adjustment_minutes !== undefined) changes.adjustment_minutes = body.adjustment_minutes
  const status = changes.status ?? current.status
  if (status !== 'finished' && body.completion === undefined && current.completion !== null) changes.completion = null
  if (status !== 'finished' && (changes.completion ?? null) !== null) {
    throw invalid({ completion: ['Only a finished playthrough has a completion.'] })
  }
  const startedOn = changes.started_on === undefined ? current.started_on : changes.started_on
  const finishedOn = changes.finished_on === undefined ? current.finished_on : changes.finished_on
  if (startedOn !== null && finishedOn !== null && finishedOn < startedOn) {
    const field = changes.finished_on === undefined ? 'started_on' : 'finished_on'
    throw invalid({ [field]: ['A playthrough cannot end before it starts.'] })
  }
  return changes
}

/** A new playthrough in stored form. Invalid values are a 400. */
export function playthroughValuesOf(body: PlaythroughUpdateBody): PlaythroughValues {
  return { ...NEW_PLAYTHROUGH, ...playthroughChangesOf(body) }
}

/** A new session in stored form. Invalid values are a 400. */
export function sessionValuesOf(body: SessionBody): { played_on: string; minutes: number; note: string | null } {
  return { played_on: checkedDate(body.date), minutes: body.minutes, note: textOf(body.note ?? null) }
}
