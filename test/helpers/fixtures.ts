import type { StatsCounts } from '../../src/stats/schemas.js'

/** The counts of someone who has done nothing yet. */
export const ZERO_COUNTS: StatsCounts = {
  played: 0,
  completed: 0,
  backlog: 0,
  wishlist: 0,
  liked: 0,
  ratings: 0,
  reviews: 0,
  journal_entries: 0,
  lists: 0,
  followers: 0,
  following: 0,
  average_rating: null,
}
