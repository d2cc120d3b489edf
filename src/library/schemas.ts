import { Type } from 'typebox'
import { GameSummary } from '../games/schemas.js'
import { CursorQuery, Page } from '../http/cursor.js'

export const LibraryQuery = Type.Object(
  {
    status: Type.Union([Type.Literal('played'), Type.Literal('liked'), Type.Literal('backlog'), Type.Literal('wishlist')]),
    ...CursorQuery,
  },
  { additionalProperties: false },
)

export const LibraryPage = Page(
  Type.Object({ game: GameSummary, added_at: Type.String({ format: 'date-time' }) }),
)

export const RatingsQuery = Type.Object(CursorQuery, { additionalProperties: false })

export const RatingsPage = Page(
  Type.Object({
    game: GameSummary,
    rating: Type.Number({ description: '0.5 to 5 stars' }),
    rated_at: Type.String({ format: 'date-time' }),
  }),
)
