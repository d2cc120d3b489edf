import type { Completion } from '../../db/tables.js'
import { halfStarsOf } from '../ratings.js'
import { ImportFormatError, type GameRow, type ImportedPlaythrough, type ImportRow } from '../rows.js'
import {
  addReview,
  dayOf,
  gameRowOf,
  numberOf,
  platformOf,
  playthroughOf,
  requiredTextOf,
  textOf,
  yearOf,
  type FileValue,
} from './common.js'
import { rowsOfCsv, type CsvField } from './csv.js'

const COLUMNS = {
  id: ['id'],
  title: ['name'],
  shelves: ['shelves'],
  platforms: ['platforms'],
  rating: ['rating'],
  review: ['review'],
  reviewPlatform: ['review_platform'],
  dates: ['dates'],
  releaseDate: ['release_date'],
  igdb: ['igdb_id'],
} as const

type Field = CsvField<typeof COLUMNS>

const LIBRARY_SHELVES = { played: 'played', backlog: 'backlog', 'wish list': 'wishlist' } as const

const COMPLETIONS: Record<string, Completion> = {
  'main story': 'main',
  'main story + extras': 'main_extras',
  '100% completion': 'completionist',
}

/**
 * Grouvee's `collection.csv`: one row per game, its shelves, platforms and play dates as JSON in cells.
 *
 * Keys: a row is Grouvee's `id`, its playthroughs `<id>#1`, `<id>#2`… (their order in `dates`, from 1), its review
 * `<id>#review`.
 */
export function parseGrouvee(text: string): ImportRow[] {
  return rowsOfCsv(text, COLUMNS, ['id', 'title'], gameRowOfRecord)
}

function gameRowOfRecord(field: Field, line: number): GameRow {
  const id = requiredTextOf(field('id'))
  const row = gameRowOf(id, line, {
    title: textOf(field('title')),
    year: yearOf(field('releaseDate')),
    igdb: textOf(field('igdb')),
  })
  const shelves = Object.keys(jsonOf(field('shelves'), 'object')).map((shelf) => shelf.trim().toLowerCase())
  for (const [shelf, status] of Object.entries(LIBRARY_SHELVES)) {
    if (shelves.includes(shelf)) row.statuses.push(status)
  }
  row.rating = halfStarsOf(numberOf(field('rating')), 5)

  // The platform is the game's, not a playthrough's: it tells only when there is one.
  const platforms = Object.keys(jsonOf(field('platforms'), 'object'))
  const platform = platforms.length === 1 ? platformOf(platforms[0]) : null
  row.playthroughs = playthroughsOf(field('dates'), { id, platform, playing: shelves.includes('playing'), row })

  // The review is of the last play that ended, else of the last one begun.
  const latestFirst = [...row.playthroughs].reverse()
  const reviewed =
    latestFirst.find((playthrough) => playthrough.finishedOn !== null) ??
    latestFirst.find((playthrough) => playthrough.startedOn !== null) ??
    null
  addReview(row, {
    key: `${id}#review`,
    text: textOf(field('review')),
    spoilers: false,
    startedOn: reviewed?.startedOn ?? null,
    finishedOn: reviewed?.finishedOn ?? null,
    playthrough: reviewed,
    platform: platformOf(field('reviewPlatform').text) ?? reviewed?.platform ?? null,
  })
  return row
}

/**
 * One playthrough per `dates` object, in order; the second and later are replays. One not finished is shelved,
 * unless it is the last and the game is on the Playing shelf. A game on that shelf with no dates at all still gets
 * the playthrough the shelf says is going on.
 */
function playthroughsOf(
  dates: FileValue,
  game: { id: string; platform: string | null; playing: boolean; row: GameRow },
): ImportedPlaythrough[] {
  const plays = jsonOf(dates, 'array')
  if (plays.length === 0) {
    return game.playing ? [playthroughOf({ key: `${game.id}#1`, status: 'playing', platform: game.platform })] : []
  }
  return plays.map((play, index) => {
    if (typeof play !== 'object' || play === null || Array.isArray(play)) refuse(dates, 'an object for each playthrough')
    const fields = play as Record<string, unknown>
    const inCell = (name: string): FileValue => ({ ...dates, name: `${name} in ${dates.name}`, text: String(fields[name] ?? '') })
    const finishedOn = dayOf(inCell('date_finished'))
    const status = finishedOn ? 'finished' : game.playing && index === plays.length - 1 ? 'playing' : 'shelved'
    const minutes = Math.round((numberOf(inCell('seconds_played')) ?? 0) / 60)
    return playthroughOf({
      key: `${game.id}#${index + 1}`,
      status,
      completion: status === 'finished' ? completionOf(textOf(inCell('level_of_completion')), game.row) : null,
      platform: game.platform,
      startedOn: dayOf(inCell('date_started')),
      finishedOn,
      replay: index > 0,
      totalMinutes: minutes > 0 ? minutes : null,
    })
  })
}

function completionOf(level: string | null, row: GameRow): Completion | null {
  if (level === null) return null
  const completion = COMPLETIONS[level.toLowerCase()]
  if (completion) return completion
  row.notes.push(`The level of completion "${level}" is not one Overworld knows: the playthrough has none.`)
  return null
}

/** A cell holding JSON: blank is empty, anything that does not parse as the expected kind is refused. */
function jsonOf(value: FileValue, kind: 'object'): Record<string, unknown>
function jsonOf(value: FileValue, kind: 'array'): unknown[]
function jsonOf(value: FileValue, kind: 'object' | 'array'): Record<string, unknown> | unknown[] {
  const text = value.text.trim()
  if (!text) return kind === 'array' ? [] : {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    refuse(value, `valid JSON (${(error as Error).message})`)
  }
  const isArray = Array.isArray(parsed)
  if (typeof parsed !== 'object' || parsed === null || isArray !== (kind === 'array')) {
    refuse(value, kind === 'array' ? 'a JSON array' : 'a JSON object')
  }
  return parsed as Record<string, unknown> | unknown[]
}

function refuse(value: FileValue, expected: string): never {
  throw new ImportFormatError(`The ${value.name} cell is not ${expected}.`, value.line, value.column)
}
