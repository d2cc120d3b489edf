import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useSearchParams } from 'react-router'
import { api, unwrap } from '../api/client'
import type { paths } from '../api/schema'
import type { Ok } from '../api/types'
import { GameCard, GameGrid } from '../components/GameCover'
import { Empty, ErrorState, GridSkeleton } from '../components/States'
import { useTitle } from '../lib/hooks'

type DiscoverQuery = NonNullable<paths['/api/games/discover/']['get']['parameters']['query']>
type Sort = NonNullable<DiscoverQuery['sort']>
type Filters = Ok<'/api/games/discover/filters/'>

const SORTS: [Sort, string][] = [
  ['popular_week', 'Popular this week'],
  ['popular', 'Popular all time'],
  ['rating', 'Highest rated'],
  ['newest', 'Newest releases'],
  ['name', 'A to Z'],
]

/** The filters the URL names, as the API reads them: the URL is the page's whole state. */
function queryOf(params: URLSearchParams): DiscoverQuery {
  const text = (name: string) => params.get(name) || undefined
  const number = (name: string) => (params.get(name) ? Number(params.get(name)) : undefined)
  const sort = params.get('sort')
  return {
    genre: text('genre'),
    platform: text('platform'),
    developer: text('developer'),
    year: number('year'),
    decade: number('decade'),
    sort: SORTS.some(([value]) => value === sort) ? (sort as Sort) : undefined,
    page: number('page'),
  }
}

export default function Discover() {
  const [params, setParams] = useSearchParams()
  const query = queryOf(params)
  useTitle('Discover games')
  const filters = useQuery({
    queryKey: ['discover-filters'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/games/discover/filters/', { signal })),
    staleTime: 5 * 60_000,
  })
  const games = useQuery({
    queryKey: ['discover', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/games/discover/', { params: { query }, signal })),
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  })
  /** A new URL with one field changed (or removed, when empty); any change but the page's starts at page 1. */
  const change = (name: string, value: string | number | undefined) => {
    const next = new URLSearchParams(params)
    if (value === undefined || value === '') next.delete(name)
    else next.set(name, String(value))
    if (name !== 'page') next.delete('page')
    setParams(next)
  }

  return (
    <div className="discover-page">
      <h1 className="page-title">Discover games</h1>
      <form className="discover-filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
        <FilterSelect label="Genre" value={query.genre} options={filters.data?.genres} onChange={(value) => change('genre', value)} />
        <FilterSelect label="Platform" value={query.platform} options={filters.data?.platforms} onChange={(value) => change('platform', value)} />
        <FilterSelect
          label="Decade"
          value={query.decade === undefined ? undefined : String(query.decade)}
          options={filters.data?.decades.map(({ value, games }) => ({ value: String(value), games }))}
          format={(decade) => `${decade}s`}
          onChange={(value) => change('decade', value)}
        />
        <label className="discover-field">
          <span>Sort by</span>
          <select value={query.sort ?? 'popular_week'} onChange={(event) => change('sort', event.target.value)}>
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ActiveFilters query={query} remove={(name) => change(name, undefined)} />
      {games.isPending ? (
        <GridSkeleton count={12} />
      ) : games.isError ? (
        <ErrorState error={games.error} retry={() => games.refetch()} />
      ) : (
        <>
          <p className="discover-count" role="status">
            {games.data.total === 1 ? '1 game' : `${games.data.total.toLocaleString()} games`}
            {query.sort === 'rating' && ' rated by 3 or more people'}
          </p>
          {games.data.results.length === 0 ? (
            <Empty>No games match these filters.</Empty>
          ) : (
            <GameGrid label="Games">
              {games.data.results.map((game) => (
                <GameCard
                  key={game.id}
                  game={game}
                  caption={query.sort === 'rating' && game.average_rating !== null ? `★ ${game.average_rating}` : (game.release_year ?? undefined)}
                />
              ))}
            </GameGrid>
          )}
          <Pages page={games.data.page} pages={games.data.pages} go={(page) => change('page', page === 1 ? undefined : page)} />
        </>
      )}
    </div>
  )
}

function FilterSelect({
  label,
  value,
  options,
  format = (option) => option,
  onChange,
}: {
  label: string
  value: string | undefined
  options: Filters['genres'] | undefined
  format?: (value: string) => string
  onChange: (value: string) => void
}) {
  // A value from a link (a game's chip) may not be among the options yet, or at all: it stays selectable.
  const known = options ?? []
  const shown = value === undefined || known.some((option) => option.value === value) ? known : [{ value, games: 0 }, ...known]
  return (
    <label className="discover-field">
      <span>{label}</span>
      <select value={value ?? ''} onChange={(event) => onChange(event.target.value)}>
        <option value="">Any</option>
        {shown.map((option) => (
          <option key={option.value} value={option.value}>
            {format(option.value)}
            {option.games > 0 && ` (${option.games})`}
          </option>
        ))}
      </select>
    </label>
  )
}

/** The developer and year, which have no select of their own, as chips that take them off. */
function ActiveFilters({ query, remove }: { query: DiscoverQuery; remove: (name: 'developer' | 'year') => void }) {
  const active = [
    query.developer && { name: 'developer' as const, label: `Developer: ${query.developer}` },
    query.year && { name: 'year' as const, label: `Year: ${query.year}` },
  ].filter((filter) => !!filter)
  if (active.length === 0) return null
  return (
    <ul className="tags discover-active" aria-label="Other filters">
      {active.map(({ name, label }) => (
        <li key={name} className="tag">
          {label}{' '}
          <button type="button" className="link-button" aria-label={`Remove ${label}`} onClick={() => remove(name)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  )
}

function Pages({ page, pages, go }: { page: number; pages: number; go: (page: number) => void }) {
  if (pages <= 1) return null
  return (
    <nav className="discover-pages" aria-label="Pages">
      <button type="button" className="button button-small" disabled={page <= 1} onClick={() => go(page - 1)}>
        Previous
      </button>
      <span>
        Page {page} of {pages}
      </span>
      <button type="button" className="button button-small" disabled={page >= pages} onClick={() => go(page + 1)}>
        Next
      </button>
    </nav>
  )
}
