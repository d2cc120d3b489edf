import { Type, type Static } from 'typebox'
import { Nullable } from '../http/schemas.js'
import { MAX_GAME_NAME_LENGTH } from './input.js'
import { PLATFORMS, type Platform } from './platforms.js'
import { PerCompletion } from '../stats/schemas.js'

/** A game as lists show it. */
export const GameSummary = Type.Object({
  id: Type.Integer(),
  igdb: Nullable(Type.String({ description: 'IGDB id, when known' })),
  name: Type.String(),
  slug: Type.String(),
  cover_url: Nullable(Type.String()),
})
export type GameSummary = Static<typeof GameSummary>

export const SearchHit = Type.Object({
  ...GameSummary.properties,
  release_year: Nullable(Type.Integer()),
})

/** A game as a proposal of one answers it. */
export const CatalogGame = Type.Object({
  ...SearchHit.properties,
  platforms: Type.Array(Type.String()),
})
export type CatalogGame = Static<typeof CatalogGame>

/** The earliest year a proposed game may give: the first video games are from the late 1940s and the 1950s. */
const FIRST_GAME_YEAR = 1947
/** Games are announced a few years ahead at most. */
const YEARS_AHEAD = 10

export const GameProposalBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: MAX_GAME_NAME_LENGTH, description: "The game's title" }),
    release_year: Type.Integer({ minimum: FIRST_GAME_YEAR, maximum: new Date().getUTCFullYear() + YEARS_AHEAD }),
    platforms: Type.Optional(
      Type.Array(Type.Unsafe<Platform>({ type: 'string', enum: [...PLATFORMS] }), {
        maxItems: 20,
        uniqueItems: true,
        description: "The platforms it came out on, by the catalog's names",
      }),
    ),
  },
  { additionalProperties: false },
)

export const GameProposalConflict = Type.Object({
  detail: Type.String(),
  game: CatalogGame,
})

export const SEARCH_NAME_MAX_LENGTH = 200
export const DEFAULT_SEARCH_LIMIT = 10
const SearchName = Type.String({ minLength: 1, maxLength: SEARCH_NAME_MAX_LENGTH })
const SearchLimit = Type.Integer({ minimum: 1, maximum: 50, default: DEFAULT_SEARCH_LIMIT })

export const SearchParams = Type.Object({ name: SearchName })
export const SearchQuery = Type.Object({ limit: SearchLimit }, { additionalProperties: false })

export const SearchPageQuery = Type.Object({ q: SearchName, limit: SearchLimit }, { additionalProperties: false })
export const SearchPage = Type.Object({
  results: Type.Array(SearchHit),
  total: Type.Integer({
    description: 'How many games match: every name with the query in it, and the typo matches among the closest names',
  }),
})

export const GameParams = Type.Object({
  idOrSlug: Type.String({ maxLength: 200, description: 'Our numeric id or the slug' }),
})

/** What the signed-in viewer has done with a game. */
export const ViewerState = Type.Object({
  played: Type.Boolean(),
  liked: Type.Boolean(),
  backlog: Type.Boolean(),
  wishlist: Type.Boolean(),
  favorite: Type.Boolean(),
  rating: Nullable(Type.Number({ description: '0.5 to 5 stars' })),
})
export type ViewerState = Static<typeof ViewerState>

/** A community median of fewer people's times would say more about them than about the game. */
export const TIME_TO_BEAT_MIN_PEOPLE = 3

export const GameDetails = Type.Object({
  ...GameSummary.properties,
  summary: Nullable(Type.String()),
  first_release_date: Nullable(Type.String({ description: 'YYYY-MM-DD, when the day is known' })),
  release_year: Nullable(Type.Integer()),
  platforms: Type.Array(Type.String()),
  genres: Type.Array(Type.String()),
  developers: Type.Array(Type.String()),
  community: Type.Object({
    average_rating: Nullable(Type.Number()),
    ratings: Type.Integer(),
    histogram: Type.Array(Type.Integer(), {
      minItems: 10,
      maxItems: 10,
      description: 'How many ratings of 0.5, 1, 1.5 … 5 stars, in that order',
    }),
    players: Type.Integer(),
    likes: Type.Integer(),
    backlogs: Type.Integer(),
    wishlists: Type.Integer(),
    reviews: Type.Integer(),
    playing_now: Type.Integer({ description: 'People with a playthrough of it going on (status "playing")' }),
    time_to_beat: PerCompletion(
      Type.Object({
        hours: Nullable(
          Type.Number({
            description: `Median hours of the people's finished playthroughs at this level, once ${TIME_TO_BEAT_MIN_PEOPLE} or more have finished at it`,
          }),
        ),
        people: Type.Integer({ description: 'People who have finished it at this level; each counts once, by their latest such playthrough' }),
      }),
    ),
  }),
  viewer: Type.Optional(ViewerState),
})
export type GameDetails = Static<typeof GameDetails>

/** The most popular games one request may ask for. */
export const MAX_POPULAR = 50

export const PopularQuery = Type.Object(
  {
    period: Type.Union([Type.Literal('week'), Type.Literal('month'), Type.Literal('all')], { default: 'week' }),
    limit: Type.Integer({ minimum: 1, maximum: MAX_POPULAR, default: 20 }),
  },
  { additionalProperties: false },
)

export const PopularGame = Type.Object({
  ...GameSummary.properties,
  release_year: Nullable(Type.Integer()),
  interactions: Type.Integer({ description: 'Actions people took on the game in the period' }),
})
export type PopularGame = Static<typeof PopularGame>
export type PopularPeriod = Static<typeof PopularQuery>['period']

/**
 * A game's community rating counts in the "highest rated" order once this many people have rated it: fewer would
 * put any game one person gave five stars at the top.
 */
export const DISCOVER_MIN_RATINGS = 3

const DiscoverSort = Type.Union(
  [Type.Literal('popular_week'), Type.Literal('popular'), Type.Literal('rating'), Type.Literal('newest'), Type.Literal('name')],
  {
    default: 'popular_week',
    description:
      'popular_week: most activity in the last 7 days; popular: most people with it in their library; ' +
      `rating: highest average rating, among games rated by ${DISCOVER_MIN_RATINGS} or more people only; ` +
      'newest: latest release first; name: A to Z',
  },
)
export type DiscoverSort = Static<typeof DiscoverSort>

const FilterName = (what: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: `Only games with this ${what}, spelled as the catalog spells it` }))
const Year = { minimum: 1940, maximum: 2100 }

export const DiscoverQuery = Type.Object(
  {
    genre: FilterName('genre'),
    platform: FilterName('platform'),
    developer: FilterName('developer'),
    year: Type.Optional(Type.Integer({ ...Year, description: 'Only games first released this year' })),
    decade: Type.Optional(Type.Integer({ ...Year, multipleOf: 10, description: 'Only games first released in this decade: 1990 for the 1990s' })),
    sort: DiscoverSort,
    page: Type.Integer({ minimum: 1, maximum: 1000, default: 1 }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 24 }),
  },
  { additionalProperties: false },
)
export type DiscoverQuery = Static<typeof DiscoverQuery>

export const DiscoverGame = Type.Object({
  ...GameSummary.properties,
  release_year: Nullable(Type.Integer()),
  average_rating: Nullable(Type.Number({ description: `0.5 to 5 stars, once ${DISCOVER_MIN_RATINGS} or more people have rated it` })),
  ratings: Type.Integer(),
})
export type DiscoverGame = Static<typeof DiscoverGame>

export const DiscoverPage = Type.Object({
  results: Type.Array(DiscoverGame),
  total: Type.Integer({ description: 'How many games match the filters (for "rating", only those rated enough)' }),
  page: Type.Integer(),
  pages: Type.Integer(),
})
export type DiscoverPage = Static<typeof DiscoverPage>

const FilterCount = <T extends import('typebox').TSchema>(value: T) => Type.Object({ value, games: Type.Integer() })

export const DiscoverFilters = Type.Object({
  genres: Type.Array(FilterCount(Type.String()), { description: 'Every genre of the catalog, with how many games have it, most first' }),
  platforms: Type.Array(FilterCount(Type.String())),
  decades: Type.Array(FilterCount(Type.Integer()), { description: 'Newest first' }),
})
export type DiscoverFilters = Static<typeof DiscoverFilters>
