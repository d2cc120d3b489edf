import type { Completion, GameStatus, PlaythroughStatus } from '../../db/tables.js'
import { halfStarsOf } from '../ratings.js'
import type { GameRow, ImportRow } from '../rows.js'
import {
  booleanOf,
  dayOf,
  distinctKeys,
  gameRowOf,
  minutesOfHours,
  minutesOfSeconds,
  numberOf,
  platformOf,
  playthroughOf,
  storefrontOf,
  textOf,
  titleKeyOf,
  untitledRow,
  yearOf,
} from './common.js'
import { rowsOfCsv, type CsvField } from './csv.js'

const COLUMNS = {
  title: ['Name'],
  status: ['Completion Status'],
  // The exporter's versions differ: decimal hours in one, seconds in the other (Playnite's own Playtime too).
  hours: ['TimePlayedHours'],
  seconds: ['Time Played', 'Playtime'],
  lastActivity: ['LastActivity'],
  score: ['UserScore'],
  favorite: ['Favorite'],
  source: ['Source'],
  platforms: ['Platforms', 'Platform'],
  notes: ['Notes'],
  releaseDate: ['ReleaseDate'],
} as const

type Field = CsvField<typeof COLUMNS>

interface Reading {
  status: GameStatus | null
  playthrough: PlaythroughStatus | null
  completion: Completion | null
}

/** Playnite's default completion statuses (people can rename them: see readingOf). */
const READINGS: Record<string, Reading> = {
  'not played': { status: 'backlog', playthrough: null, completion: null },
  'plan to play': { status: 'backlog', playthrough: null, completion: null },
  played: { status: 'played', playthrough: 'shelved', completion: null },
  'on hold': { status: 'played', playthrough: 'shelved', completion: null },
  beaten: { status: 'played', playthrough: 'finished', completion: 'main' },
  completed: { status: 'played', playthrough: 'finished', completion: 'completionist' },
  playing: { status: null, playthrough: 'playing', completion: null },
  abandoned: { status: 'played', playthrough: 'abandoned', completion: null },
}

/**
 * The CSV of Playnite's LibraryExporter add-on: one row per game in the library, its play time as one total.
 *
 * Keys: the exporter writes no id in every version, so a row is its name as titleKeyOf makes it (a name twice in
 * the file: `<name> (2)` for the second), its playthrough `<that>#1`.
 */
export function parsePlaynite(text: string): ImportRow[] {
  const distinct = distinctKeys()
  return rowsOfCsv(text, COLUMNS, ['title'], (field, line) => {
    const title = textOf(field('title'))
    if (title === null) return untitledRow(line)
    return gameRowOfRecord(field, { key: distinct(titleKeyOf(title)), line, title })
  })
}

function gameRowOfRecord(field: Field, at: { key: string; line: number; title: string }): GameRow {
  const row = gameRowOf(at.key, at.line, { title: at.title, year: yearOf(field('releaseDate')) })
  const hours = minutesOfHours(field('hours'))
  const seconds = minutesOfSeconds(field('seconds'))
  const minutes = hours ?? seconds
  const reading = readingOf(textOf(field('status')), minutes, row)
  if (reading.status) row.statuses.push(reading.status)
  if (booleanOf(field('favorite'))) row.statuses.push('liked')
  row.rating = halfStarsOf(numberOf(field('score')), 100)

  const lastPlayedOn = dayOf(field('lastActivity'))
  const platforms = field('platforms').text.split(',').filter((platform) => platform.trim() !== '')
  if (reading.playthrough) {
    row.playthroughs.push(
      playthroughOf({
        key: `${at.key}#1`,
        status: reading.playthrough,
        completion: reading.completion,
        // A game on several platforms does not say which one it was played on.
        platform: platforms.length === 1 ? platformOf(platforms[0]) : null,
        storefront: storefrontOf(field('source').text),
        notes: textOf(field('notes')),
        totalMinutes: minutes !== null && minutes > 0 ? minutes : null,
        lastPlayedOn,
      }),
    )
  }
  return row
}

/**
 * What a completion status means here. A blank one is the backlog, unless the game was played; a status someone
 * renamed cannot be known, so it is read as played (shelved, if there is time to keep) and the row says so.
 */
function readingOf(status: string | null, minutes: number | null, row: GameRow): Reading {
  const played = minutes !== null && minutes > 0
  if (status === null) return played ? READINGS.played! : READINGS['not played']!
  const reading = READINGS[status.toLowerCase()]
  if (reading) return reading
  row.notes.push(`The completion status "${status}" is not one of Playnite's own: read as played.`)
  return { status: 'played', playthrough: played ? 'shelved' : null, completion: null }
}
