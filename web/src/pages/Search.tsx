import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useSearchParams } from 'react-router'
import { api, unwrap } from '../api/client'
import { GameCard, GameGrid } from '../components/GameCover'
import { PeopleResults } from '../components/People'
import { ProposeGame } from '../components/ProposeGame'
import { Empty, ErrorState, GridSkeleton } from '../components/States'
import { useTitle } from '../lib/hooks'

export default function Search() {
  const [params, setParams] = useSearchParams()
  const query = (params.get('q') ?? '').trim()
  useTitle(query ? `Search: ${query}` : 'Search')
  const search = useQuery({
    queryKey: ['search-page', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/games/search/', { params: { query: { q: query, limit: 50 } }, signal })),
    enabled: query.length > 0,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  })
  return (
    <div className="search-page">
      <h1 className="page-title">{query ? <>Games matching “{query}”</> : 'Search games'}</h1>
      <form
        role="search"
        className="search-form"
        onSubmit={(event) => {
          event.preventDefault()
          const value = new FormData(event.currentTarget).get('q')
          setParams(value ? { q: String(value) } : {})
        }}
      >
        <label htmlFor="search-page-q" className="visually-hidden">
          Game name
        </label>
        <input id="search-page-q" name="q" type="search" defaultValue={query} key={query} placeholder="Game name" />
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <PeopleResults query={query} limit={6} />
      {!query ? (
        <Empty>Type a game’s name: typos are fine.</Empty>
      ) : search.isPending ? (
        <GridSkeleton count={12} />
      ) : search.isError ? (
        <ErrorState error={search.error} retry={() => search.refetch()} />
      ) : search.data.total === 0 ? (
        <Empty>No games match “{query}”.</Empty>
      ) : (
        <>
          <p className="search-count" role="status">
            {search.data.total === 1 ? '1 game matches' : `${search.data.total.toLocaleString()} games match`}
            {search.data.total > search.data.results.length && `: the best ${search.data.results.length} are shown`}
          </p>
          <GameGrid label="Results">
            {search.data.results.map((hit) => (
              <GameCard key={hit.id} game={hit} caption={hit.release_year ?? undefined} />
            ))}
          </GameGrid>
        </>
      )}
      {query && search.isSuccess && <ProposeGame name={query} />}
    </div>
  )
}
