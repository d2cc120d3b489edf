import { halfStarsOf } from '../ratings.js'
import type { GameRow, ImportRow } from '../rows.js'
import {
  addReview,
  booleanOf,
  dayOf,
  gameRowOf,
  minutesOfHoursAndMinutes,
  numberOf,
  platformOf,
  playthroughOf,
  requiredTextOf,
  textOf,
} from './common.js'
import { rowsOfCsv, type CsvField } from './csv.js'

const COLUMNS = {
  id: ['ID'],
  title: ['Game Name'],
  played: ['Played'],
  playing: ['Currently Playing'],
  backlog: ['In Backlog'],
  wishlist: ['In Wishlist'],
  liked: ['Liked'],
  rating: ['Rating'],
  mastered: ['Mastered'],
  startedOn: ['Start Date'],
  finishedOn: ['Finish Date'],
  hoursPlayed: ['Hours Played'],
  minutesPlayed: ['Minutes Played'],
  hoursToFinish: ['Hours to Finish'],
  minutesToFinish: ['Minutes to Finish'],
  hoursToMaster: ['Hours to Master'],
  minutesToMaster: ['Minutes to Master'],
  replay: ['Replay'],
  review: ['Review'],
  spoilers: ['Review Contains Spoilers'],
  // Not one of the exporter's columns, but some files carry it: the playthrough's platform.
  platform: ['Platform'],
} as const

type Field = CsvField<typeof COLUMNS>

/**
 * Backloggd's CSV, as the community exporter writes it: one row per game, with its first playthrough only.
 *
 * Keys: a row is Backloggd's `ID` (an IGDB id: Backloggd names games by IGDB's ids), its playthrough `<ID>#1`, its
 * review `<ID>#review`. The exporter's JSON holds every playthrough, numbered from 1 in the same order, so the CSV
 * and the JSON of one history find each other's playthrough and review instead of writing them twice.
 */
export function parseBackloggdCsv(text: string): ImportRow[] {
  return rowsOfCsv(text, COLUMNS, ['id', 'title'], gameRowOfRecord)
}

function gameRowOfRecord(field: Field, line: number): GameRow {
  const id = requiredTextOf(field('id'))
  const row = gameRowOf(id, line, { title: textOf(field('title')), igdb: id })
  const played = booleanOf(field('played'))
  const playing = booleanOf(field('playing'))
  if (played) row.statuses.push('played')
  if (booleanOf(field('liked'))) row.statuses.push('liked')
  if (booleanOf(field('backlog'))) row.statuses.push('backlog')
  if (booleanOf(field('wishlist'))) row.statuses.push('wishlist')
  row.rating = halfStarsOf(numberOf(field('rating')), 10)

  const startedOn = dayOf(field('startedOn'))
  const finishedOn = dayOf(field('finishedOn'))
  const minutes = firstTimeOf(field)
  const status = playing ? 'playing' : finishedOn ? 'finished' : 'shelved'
  // A playthrough needs something the person did: a date or a time, beyond the Played flag (which is a status).
  const playthrough =
    (played || playing) && (startedOn || finishedOn || minutes)
      ? playthroughOf({
          key: `${id}#1`,
          status,
          completion: status === 'finished' ? (booleanOf(field('mastered')) ? 'mastered' : 'main') : null,
          platform: platformOf(field('platform').text),
          startedOn,
          finishedOn: status === 'playing' ? null : finishedOn,
          replay: booleanOf(field('replay')),
          totalMinutes: minutes,
        })
      : null
  if (playthrough) row.playthroughs.push(playthrough)

  addReview(row, {
    key: `${id}#review`,
    text: textOf(field('review')),
    spoilers: booleanOf(field('spoilers')),
    startedOn,
    finishedOn,
    playthrough,
    platform: playthrough?.platform ?? null,
  })
  return row
}

/** The time played, else the time to master, else the time to finish; a time of 0 is none. */
function firstTimeOf(field: Field): number | null {
  const times = [
    minutesOfHoursAndMinutes(field('hoursPlayed'), field('minutesPlayed')),
    minutesOfHoursAndMinutes(field('hoursToMaster'), field('minutesToMaster')),
    minutesOfHoursAndMinutes(field('hoursToFinish'), field('minutesToFinish')),
  ]
  return times.find((minutes) => minutes !== null && minutes > 0) ?? null
}
