import type { Completion, PlaythroughStatus } from '../../db/tables.js'
import { halfStarsOf } from '../ratings.js'
import { ImportFormatError, type GameRow, type ImportRow } from '../rows.js'
import {
  addReview,
  dayOf,
  distinctKeys,
  gameRowOf,
  minutesOfClock,
  numberOf,
  platformOf,
  playthroughOf,
  storefrontOf,
  textOf,
  titleKeyOf,
  untitledRow,
  type FileValue,
} from './common.js'
import { rowsOfCsv, type CsvField } from './csv.js'

const COLUMNS = {
  title: ['Title'],
  platform: ['Platform'],
  playing: ['Playing'],
  backlog: ['Backlog'],
  completed: ['Completed'],
  retired: ['Retired'],
  retiredNotes: ['Retired Notes'],
  startedOn: ['Start Date'],
  finishedOn: ['Completion Date'],
  number: ['Playthrough'],
  progress: ['Progress'],
  main: ['Main Story'],
  mainNotes: ['Main Story Notes'],
  mainExtras: ['Main + Extras'],
  mainExtrasNotes: ['Main + Extras Notes'],
  completionist: ['Completionist'],
  completionistNotes: ['Completionist Notes'],
  generalNotes: ['General Notes'],
  storefront: ['Storefront'],
  review: ['Review'],
  reviewNotes: ['Review Notes'],
} as const

type Field = CsvField<typeof COLUMNS>

/** The completion levels, highest first: a finished playthrough is of the highest one it has a time for. */
const LEVELS = [
  { completion: 'completionist', time: 'completionist', notes: 'completionistNotes' },
  { completion: 'main_extras', time: 'mainExtras', notes: 'mainExtrasNotes' },
  { completion: 'main', time: 'main', notes: 'mainNotes' },
] as const satisfies readonly { completion: Completion; time: keyof typeof COLUMNS; notes: keyof typeof COLUMNS }[]

/**
 * HowLongToBeat's CSV: one row per playthrough (a game played twice has two rows), statuses as marks, times as
 * `H:MM:SS`. HLTB's own lists (Replay, Custom…) are not statuses here and are not read.
 *
 * Keys: HLTB has no id. A row, and its playthrough, is `<title>|<platform>#<playthrough number>` (the title as
 * titleKeyOf makes it, the platform as written, lower case; a blank number is 1); its review `<that>#review`.
 */
export function parseHltb(text: string): ImportRow[] {
  const distinct = distinctKeys()
  return rowsOfCsv(text, COLUMNS, ['title'], (field, line) => {
    const title = textOf(field('title'))
    if (title === null) return untitledRow(line)
    const number = playthroughNumberOf(field('number'))
    const key = distinct(`${titleKeyOf(title)}|${field('platform').text.trim().toLowerCase()}#${number}`)
    return gameRowOfRecord(field, { key, line, title, number })
  })
}

function gameRowOfRecord(field: Field, at: { key: string; line: number; title: string; number: number }): GameRow {
  const row = gameRowOf(at.key, at.line, { title: at.title })
  const marked = (name: keyof typeof COLUMNS) => field(name).text.trim() !== ''
  if (marked('completed') || marked('retired')) row.statuses.push('played')
  if (marked('backlog')) row.statuses.push('backlog')
  row.rating = halfStarsOf(numberOf(field('review')), 100)

  // Every time is read, so that a malformed one is refused even where a higher level's time wins.
  const levels = LEVELS.map((level) => ({ ...level, minutes: minutesOfClock(field(level.time)) }))
  const level = marked('completed') ? levels.find((candidate) => candidate.minutes !== null) : undefined
  const progress = minutesOfClock(field('progress'))
  const status: PlaythroughStatus | null = marked('playing')
    ? 'playing'
    : marked('completed')
      ? 'finished'
      : marked('retired')
        ? 'abandoned'
        : progress !== null && progress > 0
          ? 'shelved'
          : null
  const startedOn = dayOf(field('startedOn'))
  const finishedOn = dayOf(field('finishedOn'))
  const minutes = status === 'finished' ? (level?.minutes ?? null) : progress
  const notes = [
    status === 'finished' && level ? textOf(field(level.notes)) : null,
    textOf(field('retiredNotes')),
    textOf(field('generalNotes')),
  ].filter((note) => note !== null)
  const playthrough = status
    ? playthroughOf({
        key: at.key,
        status,
        completion: status === 'finished' ? (level?.completion ?? null) : null,
        platform: platformOf(field('platform').text),
        storefront: storefrontOf(field('storefront').text),
        startedOn,
        finishedOn: status === 'playing' ? null : finishedOn,
        replay: at.number > 1,
        notes: notes.join('\n\n') || null,
        totalMinutes: minutes !== null && minutes > 0 ? minutes : null,
      })
    : null
  if (playthrough) row.playthroughs.push(playthrough)

  addReview(row, {
    key: `${at.key}#review`,
    text: textOf(field('reviewNotes')),
    spoilers: false,
    startedOn,
    finishedOn,
    playthrough,
    platform: playthrough?.platform ?? null,
  })
  return row
}

/** The `Playthrough` cell: a whole number from 1; blank is 1. */
function playthroughNumberOf(value: FileValue): number {
  const text = value.text.trim()
  if (!text) return 1
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new ImportFormatError(`The ${value.name} "${text}" is not a playthrough number (1, 2…).`, value.line, value.column)
  }
  return Number(text)
}
