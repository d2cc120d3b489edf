import { latestDateOnEarth, isCalendarDate } from '../journal/input.js'
import { MAX_PLATFORM_LENGTH, MAX_REVIEW_LENGTH } from '../journal/schemas.js'
import { MAX_DIFFICULTY_LENGTH, MAX_NOTES_LENGTH, MAX_SESSION_MINUTES, MAX_SESSIONS } from '../playthroughs/schemas.js'
import { parseBackloggdJson } from './formats/backloggd-json.js'
import { parseBackloggdCsv } from './formats/backloggd.js'
import { parseGrouvee } from './formats/grouvee.js'
import { parseHltb } from './formats/hltb.js'
import { parseOverworldExport } from './formats/overworld.js'
import { parsePlaynite } from './formats/playnite.js'
import { parseSteam } from './formats/steam.js'
import { ImportFormatError, type GameRow, type ImportedEntry, type ImportedPlaythrough, type ImportRow, type ImportSource } from './rows.js'

/** Rows one file may have: more than any real library, few enough to match and commit within minutes. */
export const MAX_IMPORT_ROWS = 20_000

export type FileFormat = 'csv' | 'json'

const PARSERS: Record<ImportSource, Partial<Record<FileFormat, (text: string) => ImportRow[]>>> = {
  steam: { json: parseSteam },
  backloggd: { csv: parseBackloggdCsv, json: parseBackloggdJson },
  grouvee: { csv: parseGrouvee },
  hltb: { csv: parseHltb },
  playnite: { csv: parsePlaynite },
  overworld: { json: parseOverworldExport },
}

/** A file's format when nothing else says it (no type, no telling name): JSON starts with `{` or `[`. */
export function formatOfContent(bytes: Uint8Array): FileFormat {
  const first = Buffer.from(bytes.subarray(0, 64)).toString('utf8').replace(/^\uFEFF/, '').trimStart()[0]
  return first === '{' || first === '[' ? 'json' : 'csv'
}

/** The formats each source's files come in. */
export function formatsOf(source: ImportSource): FileFormat[] {
  return Object.keys(PARSERS[source]) as FileFormat[]
}

/**
 * Reads an uploaded file into rows, or throws ImportFormatError saying what is wrong and where. The rows are made
 * safe to store whatever the file says (see safeRows). CPU-heavy for big files: servers run it off the main thread
 * (parse-worker.ts).
 */
export function readImportFile(source: ImportSource, format: FileFormat, bytes: Uint8Array): ImportRow[] {
  const parse = PARSERS[source][format]
  if (!parse) throw new ImportFormatError(`A ${source} import is a ${formatsOf(source).join(' or ')} file, not ${format}.`, null, null)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ImportFormatError('The file is not UTF-8 text: export it again, or save it as UTF-8.', null, null)
  }
  // PostgreSQL cannot store NUL, and no export means one.
  const rows = parse(text.replaceAll('\u0000', ''))
  if (rows.length === 0) throw new ImportFormatError('The file has no rows to import.', null, null)
  if (rows.length > MAX_IMPORT_ROWS) {
    throw new ImportFormatError(`The file has ${rows.length.toLocaleString('en')} rows; at most ${MAX_IMPORT_ROWS.toLocaleString('en')} can be imported at once.`, null, null)
  }
  return safeRows(rows)
}

/**
 * Holds rows to what Overworld stores, whatever the file says: a second row with the same key is reported, not
 * imported twice; dates that are not real or are in the future, times out of bounds and over-long text are left
 * out or cut, each with a note the preview shows.
 */
function safeRows(rows: ImportRow[]): ImportRow[] {
  const firstLine = new Map<string, number | null>()
  return rows.map((row) => {
    const id = `${row.kind}:${row.key}`
    if (firstLine.has(id)) {
      const line = firstLine.get(id)
      return { kind: 'skipped', key: `${row.key}#line${row.line ?? ''}`, line: row.line, title: titleForSkip(row), reason: `The same ${row.kind} appears earlier in the file${line ? ` (line ${line})` : ''}: only the first is imported.` }
    }
    firstLine.set(id, row.line)
    return row.kind === 'game' ? safeGameRow(row) : row
  })
}

function titleForSkip(row: ImportRow): string {
  if (row.kind === 'game') return row.game.title ?? '(no name)'
  if (row.kind === 'follow') return row.username
  if (row.kind === 'favorites') return 'Favorites'
  return row.title
}

const cut = (text: string | null, max: number) => (text !== null && text.length > max ? text.slice(0, max) : text)

function safeDay(day: string | null, what: string, notes: string[]): string | null {
  if (day === null) return null
  if (!/^\d{4}-\d\d-\d\d$/.test(day) || !isCalendarDate(day)) {
    notes.push(`${what} ${day} is not a real day: left out.`)
    return null
  }
  if (day > latestDateOnEarth()) {
    notes.push(`${what} ${day} is in the future: left out.`)
    return null
  }
  return day
}

function safeGameRow(row: GameRow): GameRow {
  const notes = [...row.notes]
  const playthroughs = row.playthroughs.map((playthrough) => safePlaythrough(playthrough, notes))
  const journal = row.journal.flatMap((entry): ImportedEntry[] => {
    const date = safeDay(entry.date, 'The journal entry of', notes)
    if (date === null) return []
    return [{ ...entry, date, review: cut(entry.review, MAX_REVIEW_LENGTH), platform: cut(entry.platform, MAX_PLATFORM_LENGTH) }]
  })
  return { ...row, playthroughs, journal, notes }
}

function safePlaythrough(playthrough: ImportedPlaythrough, notes: string[]): ImportedPlaythrough {
  let startedOn = safeDay(playthrough.startedOn, 'The start date', notes)
  const finishedOn = safeDay(playthrough.finishedOn, 'The finish date', notes)
  if (startedOn !== null && finishedOn !== null && finishedOn < startedOn) {
    notes.push(`It says it was finished (${finishedOn}) before it was started (${startedOn}): the start date is left out.`)
    startedOn = null
  }
  const sessions = playthrough.sessions
    .filter((session) => safeDay(session.date, 'A session of', notes) !== null && session.minutes > 0)
    .slice(0, MAX_SESSIONS)
    .map((session) => ({ ...session, minutes: Math.min(Math.round(session.minutes), MAX_SESSION_MINUTES) }))
  const total = playthrough.totalMinutes
  return {
    ...playthrough,
    completion: playthrough.status === 'finished' ? playthrough.completion : null,
    startedOn,
    finishedOn,
    lastPlayedOn: safeDay(playthrough.lastPlayedOn, 'The last played date', notes),
    difficulty: cut(playthrough.difficulty, MAX_DIFFICULTY_LENGTH),
    notes: cut(playthrough.notes, MAX_NOTES_LENGTH),
    totalMinutes: total === null || !Number.isFinite(total) || total < 0 ? null : Math.round(total),
    sessions,
    adjustmentMinutes: Math.round(playthrough.adjustmentMinutes) || 0,
  }
}
