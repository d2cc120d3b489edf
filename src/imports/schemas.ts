import { Type, type Static } from 'typebox'
import { CursorQuery } from '../http/cursor.js'
import { Id, MAX_ID, Nullable } from '../http/schemas.js'
import { GameSummary } from '../games/schemas.js'
import { MAX_IMPORT_ROWS } from './parse.js'
import { IMPORT_SOURCES } from './rows.js'

/** An upload's size bound: on the upload route only (every other route keeps the small default). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024

const OUTCOMES = ['added', 'updated', 'unchanged', 'unmatched', 'skipped', 'failed'] as const

export const ImportSourceChoice = Type.Enum(IMPORT_SOURCES, { description: 'Where the file comes from' })

export const UploadQuery = Type.Object({ source: ImportSourceChoice }, { additionalProperties: false })

export const SteamFetchBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 100, description: 'A Steam Web API key, used for this import only and never stored' }),
    steam_id: Type.String({ pattern: '^\\d{17}$', description: 'The SteamID64 of the profile (its game details must be public)' }),
  },
  { additionalProperties: false },
)

export const ImportStatusChoice = Type.Enum(['uploading', 'matching', 'ready', 'committing', 'done', 'cancelled', 'failed'], {
  description:
    "uploading: the file's rows are being stored; matching: its games are being found; ready: the preview is " +
    'complete; committing: being written; done; cancelled; failed (see error)',
})

export const ImportCreated = Type.Object({ id: Type.Integer(), status: ImportStatusChoice })

export const ImportSummary = Type.Object({
  added: Type.Integer({ description: 'Rows that write something new' }),
  updated: Type.Integer({ description: 'Rows that change what an earlier import of this source wrote' }),
  unchanged: Type.Integer({ description: 'Matched rows that change nothing' }),
  unmatched: Type.Integer({ description: 'Rows with no game' }),
  skipped: Type.Integer({ description: 'Rows not imported, each with its reason' }),
  failed: Type.Integer({ description: 'Rows the commit could not write, each with its reason' }),
  rounded: Type.Integer({ description: 'Rows whose rating was rounded to the nearest half star' }),
})

const ImportFields = {
  id: Type.Integer(),
  source: ImportSourceChoice,
  status: ImportStatusChoice,
  progress: Type.Object({ done: Type.Integer(), total: Type.Integer() }),
  summary: ImportSummary,
  options: Type.Object({ backlog_unplayed: Type.Boolean({ description: "Steam: unplayed games go to the backlog" }) }),
  error: Nullable(Type.String()),
  created_at: Type.String(),
  expires_at: Type.String({ description: 'An upload not committed by then is forgotten' }),
}

export const ImportItem = Type.Object(ImportFields)
export type ImportItem = Static<typeof ImportItem>

export const ImportList = Type.Object({ results: Type.Array(ImportItem) })

export const ImportRowItem = Type.Object({
  position: Type.Integer({ description: 'The row in file order, from 1' }),
  key: Type.String({ description: 'The row key, stable between exports of the same history (for `matches`)' }),
  kind: Type.Enum(['game', 'list', 'favorites', 'follow', 'skipped']),
  line: Nullable(Type.Integer({ description: 'The line of the file (CSV)' })),
  title: Type.String({ description: 'The game (or list, or person) as the file names it' }),
  game: Nullable(GameSummary),
  matched_by: Nullable(Type.String({ description: 'steam, igdb, slug, name, picked (by you) or new (added to the catalog at commit)' })),
  outcome: Type.Enum(OUTCOMES),
  reason: Nullable(Type.String({ description: 'Why the row is unmatched, skipped or failed' })),
  rounded: Type.Boolean(),
  changes: Type.Array(Type.String(), { description: 'What the row does, in words' }),
  notes: Type.Array(Type.String(), { description: 'What the file said that could not be taken as it was' }),
})
export type ImportRowItem = Static<typeof ImportRowItem>

export const ImportDetail = Type.Object({
  ...ImportFields,
  rows: Type.Array(ImportRowItem),
  next: Nullable(Type.String({ description: 'Cursor of the next page of rows; null on the last' })),
})

export const ImportParams = Type.Object({ id: Id })
export const ImportRowParams = Type.Object({ id: Id, position: Type.Integer({ minimum: 1, maximum: MAX_IMPORT_ROWS }) })

export const ImportDetailQuery = Type.Object(
  {
    outcome: Type.Optional(Type.Enum(OUTCOMES)),
    ...CursorQuery,
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
)

const GameChoice = Type.Union([Type.Integer({ minimum: 1, maximum: MAX_ID }), Type.Literal('new'), Type.Null()], {
  description: 'A game id, "new" (add the row\'s game to the catalog, within your allowance of new games), or null (leave it unmatched)',
})

export const PickBody = Type.Object({ game: GameChoice }, { additionalProperties: false })

export const CommitBody = Type.Object(
  {
    matches: Type.Optional(
      Type.Record(Type.String({ maxLength: 500 }), GameChoice, {
        maxProperties: MAX_IMPORT_ROWS,
        description: 'Games for rows, by row key: what the preview found is kept for the rows not named',
      }),
    ),
    backlog_unplayed: Type.Optional(Type.Boolean({ description: 'Steam: put games never played on the backlog (default true)' })),
  },
  { additionalProperties: false },
)
