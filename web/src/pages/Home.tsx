import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { lazy, Suspense } from 'react'
import { Link, useLocation } from 'react-router'
import { api, unwrap } from '../api/client'
import { cursorPaging, pageQuery } from '../api/pages'
import { useAuth } from '../auth'
import { FeedItem } from '../components/FeedItem'
import { GameCard, GameGrid } from '../components/GameCover'
import { Empty, ErrorState, GridSkeleton, LoadMore, Skeleton } from '../components/States'
import { useTitle } from '../lib/hooks'

// Only signed-in people see it: a first visit does not load it (nor the session buttons and dialog it holds).
const NowPlaying = lazy(() => import('../components/NowPlaying'))
const PeopleYouMayKnow = lazy(() => import('../components/PeopleYouMayKnow'))

const PERIOD_LABEL = { week: 'this week', month: 'this month', all: 'of all time' } as const

/** The most active games this week, or of all time while the week is quiet. */
function usePopular() {
  return useQuery({
    queryKey: ['popular'],
    queryFn: async ({ signal }) => {
      for (const period of ['week', 'all'] as const) {
        const games = await unwrap(api.GET('/api/games/popular/', { params: { query: { period, limit: 12 } }, signal }))
        if (games.length > 0 || period === 'all') return { period, games }
      }
      return { period: 'all' as const, games: [] }
    },
  })
}

function Popular() {
  const popular = usePopular()
  return (
    <section className="section" aria-labelledby="popular-heading">
      <h2 id="popular-heading" className="section-title">
        Popular {popular.data ? PERIOD_LABEL[popular.data.period] : ''}
      </h2>
      {popular.isPending ? (
        <GridSkeleton count={12} />
      ) : popular.isError ? (
        <ErrorState error={popular.error} retry={() => popular.refetch()} />
      ) : popular.data.games.length === 0 ? (
        <Empty>Nothing yet: be the first to log a game.</Empty>
      ) : (
        <GameGrid label="Popular games">
          {popular.data.games.map((game) => (
            <GameCard key={game.id} game={game} caption={game.release_year ?? undefined} />
          ))}
        </GameGrid>
      )}
    </section>
  )
}

function Feed() {
  const feed = useInfiniteQuery({
    queryKey: ['feed'],
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET('/api/feed/', { params: { query: pageQuery(30, pageParam) }, signal })),
    ...cursorPaging,
  })
  const items = feed.data?.pages.flatMap((page) => page.results) ?? []
  return (
    <section className="section" aria-labelledby="feed-heading">
      <h2 id="feed-heading" className="section-title">
        From people you follow
      </h2>
      {feed.isPending ? (
        <Skeleton lines={5} />
      ) : feed.isError ? (
        <ErrorState error={feed.error} retry={() => feed.refetch()} />
      ) : items.length === 0 ? (
        <Empty>
          Your feed is empty. Follow people to see what they play — search for them by name, or find them through the reviews on any game page.
        </Empty>
      ) : (
        <>
          <ul className="feed">
            {items.map((item) => (
              <FeedItem key={item.id} item={item} />
            ))}
          </ul>
          <LoadMore hasNext={feed.hasNextPage} loading={feed.isFetchingNextPage} onClick={() => feed.fetchNextPage()} />
        </>
      )}
    </section>
  )
}

/** "Welcome" right after signing up (the sign-up page says so in the history entry), "Welcome back" after that. */
function useWelcome(username: string | undefined): string {
  const state: unknown = useLocation().state
  const greeting = (state as { newAccount?: boolean } | null)?.newAccount ? 'Welcome' : 'Welcome back'
  return username ? `${greeting}, ${username}` : greeting
}

export default function Home() {
  useTitle(undefined)
  const auth = useAuth()
  const welcome = useWelcome(auth.user?.username)
  if (auth.signedIn) {
    return (
      <div className="home home-signed-in">
        <h1 className="page-title">{welcome}</h1>
        {auth.user && (
          <Suspense fallback={<Skeleton lines={2} />}>
            <NowPlaying username={auth.user.username} />
          </Suspense>
        )}
        <Popular />
        <Suspense fallback={null}>
          <PeopleYouMayKnow />
        </Suspense>
        <Feed />
      </div>
    )
  }
  return (
    <div className="home">
      <section className="hero">
        <h1>Track the games you’ve played. Save those you want to play. Tell your friends what’s good.</h1>
        <p className="lede">
          Overworld is a diary for your gaming life: log what you play, rate and review it, keep a backlog and a
          wishlist, make lists, and follow friends to see what they’re playing.
        </p>
        <p className="hero-actions">
          <Link to="/signup" className="button button-large">
            Get started — it’s free
          </Link>
          <Link to="/signin" className="button button-ghost button-large">
            Sign in
          </Link>
        </p>
      </section>
      <Popular />
    </div>
  )
}
