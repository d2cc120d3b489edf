import { Type } from 'typebox'
import type { ActivityType } from '../db/tables.js'
import { GameSummary } from '../games/schemas.js'
import { CursorQuery, Page } from '../http/cursor.js'
import { Nullable } from '../http/schemas.js'
import { UserBadge } from '../users/schemas.js'

/** Something a person did, with whatever it is about: the feed's items and a profile's activity. */
export const ActivityItem = Type.Object({
  id: Type.Integer(),
  type: Type.Unsafe<ActivityType>(
    Type.String({
      enum: ['played', 'liked', 'backlog', 'wishlist', 'rating', 'journal', 'review', 'review_like', 'list', 'follow'],
      description: 'What happened; says which of the fields below are set',
    }),
  ),
  created_at: Type.String({ format: 'date-time' }),
  user: UserBadge,
  game: Nullable(Type.Object(GameSummary.properties)),
  rating: Nullable(Type.Number({ description: 'Stars, for ratings and rated journal entries' })),
  entry: Nullable(
    Type.Object({
      id: Type.Integer(),
      user_id: Type.Integer(),
      entry_type: Type.String(),
      date: Type.String(),
      review: Nullable(Type.String()),
      spoilers: Type.Boolean(),
    }),
  ),
  list: Nullable(Type.Object({ id: Type.Integer(), title: Type.String() })),
  target: Nullable(Type.Object({ id: Type.Integer(), username: Type.String() }, { description: 'The person followed, for follows' })),
})

export const ActivityQuery = Type.Object(CursorQuery, { additionalProperties: false })
export const ActivityPage = Page(ActivityItem)
