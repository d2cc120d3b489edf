import { Type } from 'typebox'
import { MAX_GAME_NAME_LENGTH } from '../games/input.js'
import { GameSummary } from '../games/schemas.js'
import { Id, Nullable } from '../http/schemas.js'

/** How a request names a game: our id, or an IGDB id (plus its name, to add a game we do not have yet). */
export const GameReferenceFields = {
  game: Type.Optional({ ...Id, description: 'Our game id' }),
  igdb: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'IGDB id, instead of `game`' })),
  name: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: MAX_GAME_NAME_LENGTH,
      description: 'With `igdb`: the name, to add a game not in the catalog (provisionally: it ranks below catalog games in search, and goes when nobody uses it)',
    }),
  ),
}

export const GameReferenceQuery = Type.Object(
  {
    game: GameReferenceFields.game,
    igdb: GameReferenceFields.igdb,
  },
  { additionalProperties: false },
)

export const StatusBody = Type.Object(
  {
    ...GameReferenceFields,
    value: Type.Optional(Type.Boolean({ description: 'Set (true) or clear (false); without it the status toggles' })),
  },
  { additionalProperties: false },
)

export const StatusResult = Type.Object({
  game: Type.Integer(),
  user: Type.Integer(),
  action: Type.String(),
  value: Type.Boolean(),
  removedFromBacklog: Type.Optional(Type.Boolean({ description: 'Marking a game played takes it off the backlog' })),
})

/** 0.5 to 5 stars in half steps. */
export const Stars = Type.Number({ minimum: 0.5, maximum: 5, multipleOf: 0.5 })

export const RatingBody = Type.Object(
  { ...GameReferenceFields, rating: Nullable(Stars) },
  { additionalProperties: false },
)

export const RatingResult = Type.Object({
  game: Type.Integer(),
  user: Type.Integer(),
  rating: Nullable(Type.Number({ description: '0.5 to 5 stars; null when not rated' })),
})

export const FavoriteBody = Type.Object({ ...GameReferenceFields }, { additionalProperties: false })

export const MAX_FAVORITES = 5

export const Favorites = Type.Array(GameSummary, { maxItems: MAX_FAVORITES })
