import { Type, type Static } from 'typebox'
import { GameReferenceFields } from '../actions/schemas.js'
import type { PlaythroughStatus, Storefront } from '../db/tables.js'
import { PLATFORMS } from '../games/platforms.js'
import { GameSummary } from '../games/schemas.js'
import { CursorQuery } from '../http/cursor.js'
import { Id, Nullable } from '../http/schemas.js'
import { DateInput } from '../journal/schemas.js'
import { COMPLETION_LEVELS } from '../stats/playtime.js'
import { UserBadge } from '../users/schemas.js'

export const PLAYTHROUGH_STATUSES: readonly PlaythroughStatus[] = ['playing', 'finished', 'shelved', 'abandoned']
export const STOREFRONTS: readonly Storefront[] = ['steam', 'gog', 'epic', 'playstation', 'xbox', 'nintendo', 'itch', 'physical', 'other']

export const MAX_DIFFICULTY_LENGTH = 100
export const MAX_NOTES_LENGTH = 5_000
export const MAX_SESSION_NOTE_LENGTH = 1_000
/** A day has 1,440 minutes: no session is longer. */
export const MAX_SESSION_MINUTES = 1_440
/** Far beyond any real correction (100,000 minutes is 69 days of play), short of overflowing a total. */
export const MAX_ADJUSTMENT_MINUTES = 100_000
/** Per account and per playthrough: far beyond real play, short of what would make pages and exports crawl. */
export const MAX_PLAYTHROUGHS = 10_000
export const MAX_SESSIONS = 5_000

const choice = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], description })

/** One of `values`, or null (Nullable would leave null out of the enum, and so refuse it). */
const choiceOrNull = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T | null>({ type: ['string', 'null'], enum: [...values, null], description })

const STATUS_DESCRIPTION = 'playing, finished, shelved (put aside, may come back) or abandoned'
const Status = choice(PLAYTHROUGH_STATUSES, STATUS_DESCRIPTION)
const CompletionChoice = choiceOrNull(
  COMPLETION_LEVELS,
  'How far you got: main story, main story and extras, completionist (100%) or mastered; only for a finished playthrough',
)
const PlatformChoice = choiceOrNull(PLATFORMS, "One of the catalog's platform names")
const StorefrontChoice = choiceOrNull(STOREFRONTS, 'Where the game came from')

/** The fields of a playthrough a person writes, and may later edit; each may be left out. */
const PlaythroughFields = {
  platform: Type.Optional(PlatformChoice),
  storefront: Type.Optional(StorefrontChoice),
  status: Type.Optional(choice(PLAYTHROUGH_STATUSES, `${STATUS_DESCRIPTION}; a new playthrough is playing unless told`)),
  completion: Type.Optional(CompletionChoice),
  started_on: Type.Optional(Nullable({ ...DateInput, description: 'YYYY-MM-DD; not in the future' })),
  finished_on: Type.Optional(
    Nullable({ ...DateInput, description: 'YYYY-MM-DD, when it ended (finished, shelved or abandoned); not before started_on, not in the future' }),
  ),
  replay: Type.Optional(Type.Boolean({ description: 'You had played the game before' })),
  difficulty: Type.Optional(Nullable(Type.String({ maxLength: MAX_DIFFICULTY_LENGTH }))),
  notes: Type.Optional(Nullable(Type.String({ maxLength: MAX_NOTES_LENGTH }))),
  adjustment_minutes: Type.Optional(
    Type.Integer({
      minimum: -MAX_ADJUSTMENT_MINUTES,
      maximum: MAX_ADJUSTMENT_MINUTES,
      description: "Minutes added to (or, negative, taken from) the sessions' sum; the total never goes below 0",
    }),
  ),
}

export const PlaythroughCreateBody = Type.Object({ ...GameReferenceFields, ...PlaythroughFields }, { additionalProperties: false })
export type PlaythroughCreateBody = Static<typeof PlaythroughCreateBody>

export const PlaythroughUpdateBody = Type.Object(PlaythroughFields, { additionalProperties: false })
export type PlaythroughUpdateBody = Static<typeof PlaythroughUpdateBody>

export const SessionBody = Type.Object(
  {
    date: DateInput,
    minutes: Type.Integer({ minimum: 1, maximum: MAX_SESSION_MINUTES, description: 'How long you played, 1 to 1,440 minutes' }),
    note: Type.Optional(Nullable(Type.String({ maxLength: MAX_SESSION_NOTE_LENGTH }))),
  },
  { additionalProperties: false },
)
export type SessionBody = Static<typeof SessionBody>

export const PlaythroughParams = Type.Object({ id: Id })
export const SessionParams = Type.Object({ id: Id, session_id: Id })

export const UserPlaythroughsQuery = Type.Object(
  {
    game: Type.Optional({ ...Id, description: 'Only the playthroughs of this game (our id)' }),
    status: Type.Optional(Status),
    ...CursorQuery,
  },
  { additionalProperties: false },
)

export const PlayingQuery = Type.Object(CursorQuery, { additionalProperties: false })

export const PlaySession = Type.Object({
  id: Type.Integer(),
  date: Type.String({ description: 'YYYY-MM-DD' }),
  minutes: Type.Integer(),
  note: Nullable(Type.String()),
  source: Type.String({ description: 'manual, or the import it came from' }),
  created_at: Type.String({ format: 'date-time' }),
})
export type PlaySession = Static<typeof PlaySession>

export const Playthrough = Type.Object({
  id: Type.Integer(),
  user: UserBadge,
  game: GameSummary,
  platform: Nullable(Type.String()),
  storefront: StorefrontChoice,
  status: Status,
  completion: CompletionChoice,
  started_on: Nullable(Type.String({ description: 'YYYY-MM-DD' })),
  finished_on: Nullable(Type.String({ description: 'YYYY-MM-DD' })),
  replay: Type.Boolean(),
  difficulty: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  adjustment_minutes: Type.Integer(),
  minutes: Type.Integer({ description: 'The time played: the sum of the sessions plus adjustment_minutes' }),
  session_count: Type.Integer(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
})
export type Playthrough = Static<typeof Playthrough>

export const PlaythroughDetail = Type.Object({
  ...Playthrough.properties,
  sessions: Type.Array(PlaySession, { description: 'Newest first' }),
})
export type PlaythroughDetail = Static<typeof PlaythroughDetail>

export const SessionResult = Type.Object({
  session: PlaySession,
  playthrough: Playthrough,
})
