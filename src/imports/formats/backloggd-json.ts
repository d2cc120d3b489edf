import type { Completion, GameStatus, PlaythroughStatus } from '../../db/tables.js'
import { halfStarsOf } from '../ratings.js'
import type { GameRow, ImportedEntry, ImportedPlaythrough, ImportedRating, ImportedSession, ImportRow } from '../rows.js'
import { platformOf, sharesOf } from './common.js'
import {
  DATE,
  flag,
  NUMBER,
  objectsOf,
  optional,
  parseJsonFile,
  required,
  rootObject,
  STRING,
  valuesOf,
  WHOLE_NUMBER,
  type JsonObject,
} from './json.js'

type Standing = { status: PlaythroughStatus; completion: Completion | null }

/** Backloggd's kind of "played", and what it makes of the game's last playthrough. */
const LAST_PLAYTHROUGH = new Map<string, Standing>([
  ['completed', { status: 'finished', completion: 'main' }],
  ['retired', { status: 'finished', completion: null }],
  ['played', { status: 'shelved', completion: null }],
  ['shelved', { status: 'shelved', completion: null }],
  ['abandoned', { status: 'abandoned', completion: null }],
])

/**
 * The community Backloggd exporter's JSON (the shape is in test/fixtures/imports/README.md): one row per game, keyed
 * `<id>` (Backloggd's id, IGDB's), its playthroughs `<id>#<n>` (n from 1, in the file's order) and its review
 * `<id>#review`: the keys of the same tool's CSV, whose only playthrough is the first, so importing the CSV and then
 * the JSON completes the same playthrough. Each play date becomes a session `<id>#<n>@<date>`.
 */
export function parseBackloggdJson(text: string): ImportRow[] {
  return objectsOf(rootObject(parseJsonFile(text)), 'games').map(gameRowOf)
}

function gameRowOf(game: JsonObject): GameRow {
  const id = required(game, 'id', WHOLE_NUMBER)
  const key = String(id)
  const playedKind = optional(game, 'status', STRING)
  const notes: string[] = []
  if (playedKind !== null && !LAST_PLAYTHROUGH.has(playedKind)) notes.push(`Unknown Backloggd status "${playedKind}" read as played.`)
  const statuses: GameStatus[] = []
  if (playedKind !== null) statuses.push('played')
  if (flag(game, 'liked')) statuses.push('liked')
  if (flag(game, 'backlog')) statuses.push('backlog')
  if (flag(game, 'wishlist')) statuses.push('wishlist')

  const found = objectsOf(game, 'playthroughs')
  const playthroughs = found.map((playthrough, index) =>
    playthroughOf(playthrough, `${key}#${index + 1}`, index === found.length - 1 ? game : null),
  )
  const rating = halfStarsOf(optional(game, 'rating', NUMBER), 10)
  const review = optional(game, 'review', STRING)
  const entry = review?.trim() ? reviewEntryOf(game, key, review, rating, playthroughs[0]) : null
  if (review?.trim() && !entry) notes.push('The review is not imported: the row gives no date to file it under.')
  return {
    kind: 'game',
    key,
    line: null,
    game: { title: optional(game, 'name', STRING), year: null, steamAppId: null, igdb: key, slug: null },
    statuses,
    rating,
    playthroughs,
    journal: entry ? [entry] : [],
    notes,
  }
}

const PLAYING: Standing = { status: 'playing', completion: null }

/**
 * The game's Backloggd status and `playing` say how its last playthrough stands; an earlier one was finished if it
 * has a finish date, and set aside otherwise. The playthrough's own `status` (always null) is not read.
 */
function playthroughOf(playthrough: JsonObject, key: string, lastOf: JsonObject | null): ImportedPlaythrough {
  const finishedOn = optional(playthrough, 'finish_date', DATE)
  const byDate: Standing = finishedOn ? { status: 'finished', completion: 'main' } : { status: 'shelved', completion: null }
  const playedKind = lastOf && optional(lastOf, 'status', STRING)
  const standing = lastOf && flag(lastOf, 'playing') ? PLAYING : (playedKind && LAST_PLAYTHROUGH.get(playedKind)) || byDate
  const minutes = (optional(playthrough, 'hours', WHOLE_NUMBER) ?? 0) * 60 + (optional(playthrough, 'minutes', WHOLE_NUMBER) ?? 0)
  const sessions = sessionsOf(key, [...new Set(valuesOf(playthrough, 'play_dates', DATE))], minutes)
  return {
    key,
    status: standing.status,
    completion: standing.completion === 'main' && flag(playthrough, 'mastered') ? 'mastered' : standing.completion,
    platform: platformOf(optional(playthrough, 'platform', STRING)),
    storefront: null,
    startedOn: optional(playthrough, 'start_date', DATE),
    // A playthrough under way has not ended (as the CSV reads it too).
    finishedOn: standing.status === 'playing' ? null : finishedOn,
    replay: flag(playthrough, 'replay'),
    difficulty: optional(playthrough, 'difficulty', STRING),
    // The exporter's playthrough title ("Route A") is the person's own words about it: kept as its notes.
    notes: optional(playthrough, 'title', STRING),
    totalMinutes: null,
    lastPlayedOn: null,
    sessions,
    adjustmentMinutes: minutes - sessions.reduce((sum, session) => sum + session.minutes, 0),
    sharedTotal: true,
  }
}

/**
 * The time shared evenly over the play dates (sharesOf), each session 1–1,440 minutes; what they cannot hold (more
 * than a day's minutes each, or fewer minutes than dates) stays the playthrough's adjustment.
 */
function sessionsOf(playthroughKey: string, dates: string[], minutes: number): ImportedSession[] {
  const shares = sharesOf(minutes, dates.length)
  return shares.map((share, index) => ({ key: `${playthroughKey}@${dates[index]}`, date: dates[index]!, minutes: share, note: null }))
}

/**
 * The review, dated as the CSV dates it (the one playthrough the CSV has is the first): its finish date, else its
 * start date; without either it has no day to be filed under.
 */
function reviewEntryOf(
  game: JsonObject,
  key: string,
  review: string,
  rating: ImportedRating | null,
  first: ImportedPlaythrough | undefined,
): ImportedEntry | null {
  const date = first?.finishedOn ?? first?.startedOn
  if (!first || !date) return null
  return {
    key: `${key}#review`,
    date,
    entryType: first.status === 'finished' ? 'finished' : 'played',
    platform: first.platform,
    review,
    spoilers: flag(game, 'review_spoilers'),
    liked: flag(game, 'liked'),
    halfStars: rating?.halfStars ?? null,
    playthroughKey: first.key,
  }
}
