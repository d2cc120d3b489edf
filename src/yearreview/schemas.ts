import { Type, type Static } from 'typebox'
import { GameSummary } from '../games/schemas.js'
import { Id, Nullable } from '../http/schemas.js'
import { NamedHours, PerCompletion } from '../stats/schemas.js'
import { UsernameParams } from '../users/schemas.js'

/** The first year a review can be asked for; the last is next year (anywhere on Earth), checked per request. */
export const FIRST_YEAR = 1970

export const YearParams = Type.Object({
  ...UsernameParams.properties,
  year: Type.Integer({ minimum: FIRST_YEAR, maximum: 9999, description: `${FIRST_YEAR} to next year` }),
})

const Hours = Type.Number({ description: 'Hours, to a tenth' })
const Day = Type.String({ description: 'YYYY-MM-DD' })

const Finish = Type.Object({ game: GameSummary, date: Day })

/** The most a review's top lists hold. */
export const YEAR_TOP = 5

export const YearReview = Type.Object({
  username: Type.String(),
  year: Type.Integer(),
  finished: Type.Integer({ description: 'Playthroughs finished in the year' }),
  games_finished: Type.Integer({ description: 'Different games among them' }),
  started: Type.Integer({ description: 'Playthroughs started in the year' }),
  hours: Type.Number({
    description: "Hours of the play sessions dated in the year (a playthrough's adjustment has no date: it is not counted)",
  }),
  months: Type.Array(Type.Object({ month: Type.Integer({ minimum: 1, maximum: 12 }), hours: Hours, finished: Type.Integer() }), {
    minItems: 12,
    maxItems: 12,
    description: 'January to December: hours of sessions and playthroughs finished',
  }),
  top_platforms: Type.Array(NamedHours, { description: `Platforms by hours in the year, at most ${YEAR_TOP}` }),
  top_genres: Type.Array(NamedHours, { description: `Genres of the games played, by hours in the year, at most ${YEAR_TOP}` }),
  top_games: Type.Array(Type.Object({ game: GameSummary, hours: Hours }), {
    description: `Games by hours in the year, at most ${YEAR_TOP}`,
  }),
  completions: PerCompletion(Type.Integer({ description: 'Playthroughs finished in the year at this level' })),
  longest_playthrough: Nullable(
    Type.Object(
      {
        id: Id,
        game: GameSummary,
        platform: Nullable(Type.String()),
        status: Type.String(),
        hours: Type.Number({ description: 'Its whole time, sessions of every year and adjustment' }),
      },
      { description: 'Of the playthroughs started, finished or played in the year, the one with the most time' },
    ),
  ),
  best_rated: Type.Array(
    Type.Object({ game: GameSummary, rating: Type.Number({ description: '0.5 to 5 stars' }), finished_on: Day }),
    { description: `Games finished in the year that they rated, best first, at most ${YEAR_TOP}; finished_on is their first finish that year` },
  ),
  first_finish: Nullable(Finish),
  last_finish: Nullable(Finish),
})
export type YearReview = Static<typeof YearReview>
