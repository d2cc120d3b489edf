import { Type, type Static } from 'typebox'
import { GameReferenceFields } from '../actions/schemas.js'
import { GameSummary } from '../games/schemas.js'
import { CursorQuery } from '../http/cursor.js'
import { Id, Nullable } from '../http/schemas.js'
import { UserBadge } from '../users/schemas.js'

export const MAX_LIST_GAMES = 1000
export const PREVIEW_SIZE = 5


const Title = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '\\S',
  'x-error-message': 'This field may not be blank.',
})

const Description = Nullable(Type.String({ maxLength: 5000, description: 'null or "" clears it' }))

export const ListItemInput = Type.Object(
  {
    ...GameReferenceFields,
    note: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  },
  { additionalProperties: false },
)
export type ListItemInput = Static<typeof ListItemInput>

const listGamesOptions = {
  maxItems: MAX_LIST_GAMES,
  description: `The games in list order, at most ${MAX_LIST_GAMES}, each once`,
}

export const CreateListBody = Type.Object(
  {
    title: Title,
    description: Type.Optional(Description),
    ranked: Type.Boolean({ default: false, description: 'Whether the order is a ranking' }),
    games: Type.Array(ListItemInput, { ...listGamesOptions, default: [] }),
  },
  { additionalProperties: false },
)
export type CreateListBody = Static<typeof CreateListBody>

export const UpdateListBody = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    ranked: Type.Optional(Type.Boolean()),
    games: Type.Optional(
      Type.Array(ListItemInput, {
        ...listGamesOptions,
        description: `Replaces all the games of the list, in this order (to reorder, add, remove or edit notes); at most ${MAX_LIST_GAMES}, each once`,
      }),
    ),
  },
  { additionalProperties: false },
)
export type UpdateListBody = Static<typeof UpdateListBody>

/** A list id in the path: looked up, not validated, so an odd one is simply not found. */
export const ListParams = Type.Object({ id: Type.String({ maxLength: 50 }) })

export const ListCommentParams = Type.Object({ id: Type.String({ maxLength: 50 }), commentId: Id })

export const ListLikeResult = Type.Object({ list: Type.Integer(), liked: Type.Boolean(), like_count: Type.Integer() })

export const UserListsParams = Type.Object({ username: Type.String({ maxLength: 300 }) })

export const UserListsQuery = Type.Object({ ...CursorQuery }, { additionalProperties: false })

const ListFields = {
  id: Type.Integer(),
  title: Type.String(),
  description: Nullable(Type.String()),
  ranked: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  like_count: Type.Integer(),
  comment_count: Type.Integer(),
}

export const ListItem = Type.Object({
  position: Type.Integer({ minimum: 1, description: '1 for the first game' }),
  note: Nullable(Type.String()),
  game: GameSummary,
})
export type ListItem = Static<typeof ListItem>

export const ListDetail = Type.Object({
  ...ListFields,
  user: UserBadge,
  games: Type.Array(ListItem),
  game_count: Type.Integer(),
  liked_by_me: Type.Optional(Type.Boolean({ description: 'With a token: whether you like the list' })),
})
export type ListDetail = Static<typeof ListDetail>

export const ListSummary = Type.Object({
  ...ListFields,
  game_count: Type.Integer(),
  preview: Type.Array(GameSummary, { maxItems: PREVIEW_SIZE, description: `The first ${PREVIEW_SIZE} games` }),
})
export type ListSummary = Static<typeof ListSummary>
