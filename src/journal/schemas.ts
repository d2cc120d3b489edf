import { Type, type Static } from 'typebox'
import { GameReferenceFields, Stars } from '../actions/schemas.js'
import type { EntryType } from '../db/tables.js'
import { GameSummary } from '../games/schemas.js'
import { CursorQuery } from '../http/cursor.js'
import { Id, Nullable } from '../http/schemas.js'
import { UserBadge } from '../users/schemas.js'

export const ENTRY_TYPES: readonly EntryType[] = ['finished', 'started', 'played', 'abandoned', 'replayed']

/** The original Overworld's one-letter codes, accepted in either case. */
export const ENTRY_TYPE_CODES: Readonly<Record<string, EntryType>> = Object.fromEntries(
  ENTRY_TYPES.flatMap((type) => {
    const code = type.charAt(0)
    return [
      [code.toUpperCase(), type],
      [code, type],
    ]
  }),
)

export const MAX_REVIEW_LENGTH = 20_000
export const MAX_PLATFORM_LENGTH = 100
export const MAX_COMMENT_LENGTH = 5_000

const EntryTypeInput = Type.Enum([...ENTRY_TYPES, ...Object.keys(ENTRY_TYPE_CODES)], {
  description: 'finished, started, played, abandoned or replayed; or the one-letter code F, S, P, A or R',
})

const EntryTypeOutput = Type.Unsafe<EntryType>({ type: 'string', enum: [...ENTRY_TYPES] })

export const DateInput = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  'x-error-message': 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.',
  description: 'The day it happened, YYYY-MM-DD; not in the future',
  examples: ['2024-03-17'],
})

/** The fields of an entry a person writes, and may later edit. */
const EntryFields = {
  date: DateInput,
  entry_type: EntryTypeInput,
  platform: Type.Optional(Nullable(Type.String({ maxLength: MAX_PLATFORM_LENGTH }))),
  review: Type.Optional(
    Nullable(
      Type.String({ maxLength: MAX_REVIEW_LENGTH, description: 'With text the entry is a review; "" or null: none' }),
    ),
  ),
  spoilers: Type.Optional(Type.Boolean({ default: false, description: 'The review gives away the story' })),
  liked: Type.Optional(Type.Boolean({ default: false, description: 'Also puts the game in your liked list' })),
  rating: Type.Optional(Nullable({ ...Stars, description: '0.5 to 5 stars; also becomes your rating of the game' })),
  playthrough: Type.Optional(
    Nullable({ ...Id, description: 'The playthrough the entry is about: one of your own, of the same game; null: none' }),
  ),
}

export const EntryCreateBody = Type.Object(
  {
    ...GameReferenceFields,
    ...EntryFields,
  },
  { additionalProperties: false },
)
export type EntryCreateBody = Static<typeof EntryCreateBody>

export const EntryUpdateBody = Type.Object(
  {
    date: Type.Optional(EntryFields.date),
    entry_type: Type.Optional(EntryFields.entry_type),
    platform: EntryFields.platform,
    review: EntryFields.review,
    spoilers: Type.Optional(Type.Boolean()),
    liked: Type.Optional(Type.Boolean()),
    rating: EntryFields.rating,
    playthrough: EntryFields.playthrough,
  },
  { additionalProperties: false },
)
export type EntryUpdateBody = Static<typeof EntryUpdateBody>

export const EntryParams = Type.Object({ id: Id })
export const CommentParams = Type.Object({ id: Id, commentId: Id })

export const PageQuery = Type.Object(CursorQuery, { additionalProperties: false })

export const ReviewsQuery = Type.Object(
  {
    sort: Type.Union([Type.Literal('recent'), Type.Literal('popular')], {
      default: 'recent',
      description: 'recent: newest first; popular: most liked first',
    }),
    ...CursorQuery,
  },
  { additionalProperties: false },
)


export const Entry = Type.Object({
  id: Type.Integer(),
  user: UserBadge,
  game: GameSummary,
  date: Type.String({ description: 'YYYY-MM-DD' }),
  entry_type: EntryTypeOutput,
  platform: Nullable(Type.String()),
  review: Nullable(Type.String({ description: 'null when the entry is not a review' })),
  spoilers: Type.Boolean({ description: 'Clients hide the review text behind a warning' }),
  liked: Type.Boolean(),
  rating: Nullable(Type.Number({ description: '0.5 to 5 stars' })),
  like_count: Type.Integer(),
  comment_count: Type.Integer(),
  playthrough: Nullable(Type.Integer({ description: 'The id of the playthrough the entry is about, if any' })),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  liked_by_me: Type.Optional(Type.Boolean({ description: 'Reviews of a game, with a token: whether you liked it' })),
})
export type Entry = Static<typeof Entry>

export const LikeResult = Type.Object({
  review: Type.Integer(),
  liked: Type.Boolean(),
  like_count: Type.Integer(),
})

export const CommentBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: MAX_COMMENT_LENGTH }) },
  { additionalProperties: false },
)

export const Comment = Type.Object({
  id: Type.Integer(),
  user: UserBadge,
  body: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
})
export type Comment = Static<typeof Comment>
