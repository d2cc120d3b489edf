import { Type, type Static } from 'typebox'
import { GameSummary } from '../games/schemas.js'
import { Nullable } from '../http/schemas.js'
import { UserBadge } from '../users/schemas.js'

export const PeopleSearchParams = Type.Object({
  query: Type.String({ minLength: 1, maxLength: 150, description: 'A username or part of one; case does not matter' }),
})

export const PeopleSearchQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 50, default: 20 }) },
  { additionalProperties: false },
)

/** A person as a list of people shows them: public data only. */
const Person = { user: UserBadge, bio: Nullable(Type.String()) }

export const PeopleSearchHits = Type.Array(
  Type.Object({
    ...Person,
    followers: Type.Integer({ description: 'How many people follow them' }),
    followed_by_me: Type.Optional(Type.Boolean({ description: 'With a token: whether you follow this person' })),
  }),
  {
    description:
      'The exact username first, then usernames starting with the query, then containing it (for 3 characters or more), ' +
      'then usernames that look like it; the most followed first within each.',
  },
)
export type PeopleSearchHits = Static<typeof PeopleSearchHits>

export const SuggestionsQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 20, default: 10 }) },
  { additionalProperties: false },
)

export const Suggestions = Type.Array(
  Type.Object({
    ...Person,
    why: Type.String({ examples: ['Followed by ada and 2 others you follow', 'Reviewed Hades, which you played'] }),
    followed_by: Type.Optional(
      Type.Object(
        {
          username: Type.String({ description: 'One of the people you follow who follow them' }),
          count: Type.Integer({ description: 'How many of the people you follow follow them' }),
        },
        { description: 'Present when people you follow follow them' },
      ),
    ),
    reviewed: Type.Optional(
      Type.Object(
        {
          game: GameSummary,
          count: Type.Integer({ description: 'How many of the games you played they reviewed lately' }),
        },
        { description: 'Present when they lately reviewed games you played: the game of their latest such review' },
      ),
    ),
  }),
  {
    description:
      'People followed by people you follow, the most followed among them first; then people who lately reviewed games ' +
      'you played. Never you, people you follow, or deactivated accounts.',
  },
)
export type Suggestions = Static<typeof Suggestions>
