import { Type, type Static, type TSchema } from 'typebox'
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

/** One value for each completion level (COMPLETION_LEVELS). */
export function PerCompletion<T extends TSchema>(schema: T) {
  return Type.Object({ main: schema, main_extras: schema, completionist: schema, mastered: schema })
}

/** Time spent on something named (a platform, a genre), in hours to a tenth. */
export const NamedHours = Type.Object({ name: Type.String(), hours: Type.Number() })

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
  hours_per_year: Type.Array(Type.Object({ year: Type.Integer(), hours: Type.Number() }), {
    description: "Hours of their play sessions each year (by the session's date), oldest year first",
  }),
  hours_per_platform: Type.Array(NamedHours, {
    description: "Hours of their play sessions on each platform (the playthrough's), most first; playthroughs without one are left out",
  }),
})
export type Stats = Static<typeof Stats>
