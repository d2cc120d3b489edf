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

/**
 * GameReferenceFields as the original Overworld web client sends them to its action and rating routes: beside
 * `igdb` and `name`, the `slug`, `cover_id` and `backdrop_id` of its own IGDB look-up.
 */
const OriginalClientReferenceFields = {
  ...GameReferenceFields,
  slug: Type.Optional(
    Type.String({
      maxLength: MAX_GAME_NAME_LENGTH,
      description: "With `igdb` and `name`: the new game's IGDB slug, kept when it is lower-case words joined by dashes; ignored for a game we have",
    }),
  ),
  cover_id: Type.Optional(
    Nullable(Type.String({ maxLength: 100, description: "With `igdb` and `name`: the IGDB image id of the new game's cover; ignored for a game we have" })),
  ),
  backdrop_id: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'Accepted from the original client, and ignored' }))),
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
    ...OriginalClientReferenceFields,
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
  { ...OriginalClientReferenceFields, rating: Nullable(Stars) },
  { additionalProperties: false },
)

export const RatingResult = Type.Object({
  game: Type.Integer(),
  user: Type.Integer(),
  rating: Nullable(Type.Number({ description: '0.5 to 5 stars; null when not rated' })),
})

export const FavoriteBody = Type.Object({ ...OriginalClientReferenceFields }, { additionalProperties: false })

export const MAX_FAVORITES = 5

export const Favorites = Type.Array(GameSummary, { maxItems: MAX_FAVORITES })
