import { Type, type Static } from 'typebox'
import { Nullable } from '../http/schemas.js'

export const StatsCounts = Type.Object({
  played: Type.Integer(),
  completed: Type.Integer({ description: 'Distinct games with a "finished" journal entry' }),
  backlog: Type.Integer(),
  wishlist: Type.Integer(),
  liked: Type.Integer(),
  playing: Type.Integer({ description: 'Distinct games of the playthroughs they are playing now' }),
  ratings: Type.Integer(),
  reviews: Type.Integer(),
  journal_entries: Type.Integer(),
  lists: Type.Integer(),
  followers: Type.Integer(),
  following: Type.Integer(),
  average_rating: Nullable(Type.Number({ description: 'Mean of their ratings, in stars' })),
})
export type StatsCounts = Static<typeof StatsCounts>

const NamedCount = Type.Object({ name: Type.String(), count: Type.Integer() })

export const Stats = Type.Object({
  counts: StatsCounts,
  finished_per_year: Type.Array(Type.Object({ year: Type.Integer(), count: Type.Integer() }), {
    description: 'Distinct games finished each year (from the journal), oldest year first',
  }),
  rating_distribution: Type.Array(Type.Integer(), {
    minItems: 10,
    maxItems: 10,
    description: 'How many of their ratings are 0.5, 1, 1.5 … 5 stars, in that order',
  }),
  top_platforms: Type.Array(NamedCount, { description: 'Platforms they logged playing on most, at most 5' }),
  top_genres: Type.Array(NamedCount, { description: 'Genres of the games they played most, at most 5' }),
})
export type Stats = Static<typeof Stats>
