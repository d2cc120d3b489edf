import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { Link, NavLink, useParams, useSearchParams } from 'react-router'
import { api, unwrap } from '../api/client'
import { cursorPaging, pageQuery } from '../api/pages'
import type { LibraryStatus, PlaythroughStatus, Profile as ProfileData } from '../api/types'
import { useAuth } from '../auth'
import { Avatar } from '../components/Avatar'
import { BarList, ColumnChart, counted, StatTiles, timed } from '../components/Charts'
import { EntryActions } from '../components/EntryActions'
import { FeedItem } from '../components/FeedItem'
import { GameCard, GameCover, GameGrid } from '../components/GameCover'
import { FollowButton, Person } from '../components/People'
import { YearLinks } from '../components/YearLinks'
import { ReviewItem } from '../components/Reviews'
import { Empty, ErrorState, GridSkeleton, LoadMore, NotFoundState, Skeleton } from '../components/States'
import { Stars } from '../components/Stars'
import { formatDay, plural } from '../lib/format'
import { useTitle } from '../lib/hooks'
import { formatHours, keysOf, playthroughFacts, playthroughTime, STATUS_LABELS } from '../lib/playtime'
import { ApiError } from '../api/client'

const TABS = [
  ['', 'Activity'],
  ['journal', 'Journal'],
  ['games', 'Games'],
  ['playthroughs', 'Playthroughs'],
  ['reviews', 'Reviews'],
  ['lists', 'Lists'],
  ['network', 'Network'],
  ['stats', 'Stats'],
] as const

type Tab = (typeof TABS)[number][0]

export function useProfile(username: string) {
  const auth = useAuth()
  return useQuery({
    queryKey: ['profile', username, auth.signedIn],
    queryFn: ({ signal }) => unwrap(api.GET('/api/users/{username}', { params: { path: { username } }, signal })),
    enabled: username.length > 0,
  })
}

function Header({ profile }: { profile: ProfileData }) {
  const auth = useAuth()
  const isMe = auth.user?.id === profile.id
  const twitter = profile.twitter?.replace(/^@/, '')
  return (
    <header className="profile-header">
      <Avatar src={profile.gravatar} name={profile.username} size={96} />
      <div>
        <h1 className="profile-name">{profile.username}</h1>
        <p className="profile-meta">
          {profile.location && <span><span className="visually-hidden">Location: </span>{profile.location}</span>}
          {twitter && (
            <a href={`https://twitter.com/${encodeURIComponent(twitter)}`} rel="noopener noreferrer me" target="_blank">
              @{twitter}
              <span className="visually-hidden"> on Twitter (opens in a new tab)</span>
            </a>
          )}
        </p>
        {profile.bio && <p className="profile-bio">{profile.bio}</p>}
        <div className="profile-actions">
          {isMe ? (
            <Link to="/settings" className="button button-ghost button-small">
              Edit profile
            </Link>
          ) : auth.signedIn ? (
            <FollowButton username={profile.username} following={profile.followingUser ?? false} />
          ) : null}
        </div>
      </div>
      <ul className="profile-stats">
        <li>
          <Link to={`/u/${profile.username}/games`}>
            <strong>{profile.stats.played}</strong>
            <span>Games</span>
          </Link>
        </li>
        <li>
          <Link to={`/u/${profile.username}/lists`}>
            <strong>{profile.stats.lists}</strong>
            <span>Lists</span>
          </Link>
        </li>
        <li>
          <Link to={`/u/${profile.username}/network?show=following`}>
            <strong>{profile.stats.following}</strong>
            <span>Following</span>
          </Link>
        </li>
        <li>
          <Link to={`/u/${profile.username}/network?show=followers`}>
            <strong>{profile.stats.followers}</strong>
            <span>Followers</span>
          </Link>
        </li>
      </ul>
    </header>
  )
}

function Favorites({ profile }: { profile: ProfileData }) {
  if (profile.favorites.length === 0) return null
  return (
    <section className="section" aria-labelledby="favorites-heading">
      <h2 id="favorites-heading" className="section-title">
        Favorite games
      </h2>
      <ul className="favorites">
        {profile.favorites.map((game) => (
          <GameCard key={game.id} game={game} />
        ))}
      </ul>
    </section>
  )
}

function PlayingShelf({ profile }: { profile: ProfileData }) {
  if (profile.playing.length === 0) return null
  return (
    <section className="section" aria-labelledby="playing-heading">
      <h2 id="playing-heading" className="section-title">
        Playing now
      </h2>
      <ul className="favorites" aria-label={`${profile.username} is playing`}>
        {profile.playing.map((game) => (
          <GameCard key={game.id} game={game} />
        ))}
      </ul>
    </section>
  )
}

/** What the person did: played, liked, rated, reviewed, listed, followed… */
function Activity({ username }: { username: string }) {
  const activity = useInfiniteQuery({
    queryKey: ['activity', username],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/activity/user/{username}', {
          params: { path: { username }, query: pageQuery(30, pageParam) },
          signal,
        }),
      ),
    ...cursorPaging,
  })
  const items = activity.data?.pages.flatMap((p) => p.results) ?? []
  if (activity.isPending) return <Skeleton lines={5} />
  if (activity.isError) return <ErrorState error={activity.error} retry={() => activity.refetch()} />
  if (items.length === 0) return <Empty>Nothing here yet.</Empty>
  return (
    <>
      <ul className="feed" aria-label={`What ${username} did`}>
        {items.map((item) => (
          <FeedItem key={item.id} item={item} />
        ))}
      </ul>
      <LoadMore hasNext={activity.hasNextPage} loading={activity.isFetchingNextPage} onClick={() => activity.fetchNextPage()} />
    </>
  )
}

function Journal({ username }: { username: string }) {
  const journal = useInfiniteQuery({
    queryKey: ['journal', username],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/users/profile/{username}/activity', {
          params: { path: { username }, query: pageQuery(30, pageParam) },
          signal,
        }),
      ),
    ...cursorPaging,
  })
  const items = journal.data?.pages.flatMap((p) => p.results) ?? []
  if (journal.isPending) return <Skeleton lines={5} />
  if (journal.isError) return <ErrorState error={journal.error} retry={() => journal.refetch()} />
  if (items.length === 0) return <Empty>No journal entries yet.</Empty>
  return (
    <>
      <ol className="diary" aria-label="Journal">
        {items.map((entry) => {
          const [y, m, d] = entry.date.split('-')
          const month = new Date(Number(y), Number(m) - 1, 1).toLocaleString(undefined, { month: 'short' })
          return (
            <li key={entry.id} className="diary-item">
              <time className="diary-date" dateTime={entry.date} aria-label={formatDay(entry.date)}>
                <strong>{Number(d)}</strong>
                {month} {y}
              </time>
              <GameCover game={entry.game} size="xs" decorative />
              <div className="diary-game">
                <Link to={`/games/${entry.game.slug}`}>{entry.game.name}</Link>
                <div className="diary-sub">
                  {entry.entry_type}
                  {entry.platform && <> · {entry.platform}</>}
                  {entry.review && <> · reviewed</>}
                  {entry.liked && <> · ♥ liked</>}
                </div>
                <EntryActions entry={entry} />
              </div>
              <Stars rating={entry.rating} />
            </li>
          )
        })}
      </ol>
      <LoadMore hasNext={journal.hasNextPage} loading={journal.isFetchingNextPage} onClick={() => journal.fetchNextPage()} />
    </>
  )
}

function Reviews({ username }: { username: string }) {
  const auth = useAuth()
  const reviews = useInfiniteQuery({
    queryKey: ['reviews', 'of', username, auth.signedIn],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/users/{username}/reviews', {
          params: { path: { username }, query: pageQuery(20, pageParam) },
          signal,
        }),
      ),
    ...cursorPaging,
  })
  const items = reviews.data?.pages.flatMap((p) => p.results) ?? []
  if (reviews.isPending) return <Skeleton lines={5} />
  if (reviews.isError) return <ErrorState error={reviews.error} retry={() => reviews.refetch()} />
  if (items.length === 0) return <Empty>No reviews yet.</Empty>
  return (
    <>
      <ul className="review-list">
        {items.map((entry) => (
          <ReviewItem key={entry.id} review={entry} showGame />
        ))}
      </ul>
      <LoadMore hasNext={reviews.hasNextPage} loading={reviews.isFetchingNextPage} onClick={() => reviews.fetchNextPage()} />
    </>
  )
}

const STATUSES: [LibraryStatus, string][] = [
  ['played', 'Played'],
  ['liked', 'Liked'],
  ['backlog', 'Backlog'],
  ['wishlist', 'Wishlist'],
]

function Games({ username }: { username: string }) {
  const [params] = useSearchParams()
  const requested = params.get('status')
  const status: LibraryStatus = STATUSES.some(([s]) => s === requested) ? (requested as LibraryStatus) : 'played'
  const games = useInfiniteQuery({
    queryKey: ['library', username, status],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/users/{username}/games', {
          params: { path: { username }, query: { status, ...pageQuery(48, pageParam) } },
          signal,
        }),
      ),
    ...cursorPaging,
  })
  const items = games.data?.pages.flatMap((p) => p.results) ?? []
  return (
    <>
      <nav className="segmented games-filter" aria-label="Which games">
        {STATUSES.map(([value, label]) => (
          <Link key={value} to={`?status=${value}`} aria-current={value === status ? 'page' : undefined} replace>
            {label}
          </Link>
        ))}
      </nav>
      {games.isPending ? (
        <GridSkeleton />
      ) : games.isError ? (
        <ErrorState error={games.error} retry={() => games.refetch()} />
      ) : items.length === 0 ? (
        <Empty>No games here yet.</Empty>
      ) : (
        <>
          <GameGrid label={`${status} games`}>
            {items.map((item) => (
              <GameCard key={item.game.id} game={item.game} />
            ))}
          </GameGrid>
          <LoadMore hasNext={games.hasNextPage} loading={games.isFetchingNextPage} onClick={() => games.fetchNextPage()} />
        </>
      )}
    </>
  )
}

const PLAYTHROUGH_STATUSES = keysOf(STATUS_LABELS)

function Playthroughs({ username }: { username: string }) {
  const [params] = useSearchParams()
  const requested = params.get('status')
  const status = PLAYTHROUGH_STATUSES.find((s) => s === requested)
  const playthroughs = useInfiniteQuery({
    queryKey: ['playthroughs', username, status ?? 'all'],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/users/{username}/playthroughs', {
          params: { path: { username }, query: { ...(status ? { status } : {}), ...pageQuery(30, pageParam) } },
          signal,
        }),
      ),
    ...cursorPaging,
  })
  const items = playthroughs.data?.pages.flatMap((p) => p.results) ?? []
  const filters: [PlaythroughStatus | undefined, string][] = [[undefined, 'All'], ...PLAYTHROUGH_STATUSES.map((s): [PlaythroughStatus, string] => [s, STATUS_LABELS[s]])]
  return (
    <>
      <nav className="segmented games-filter playthrough-filter" aria-label="Which playthroughs">
        {filters.map(([value, label]) => (
          <Link key={label} to={{ search: value ? `?status=${value}` : '' }} aria-current={value === status ? 'page' : undefined} replace>
            {label}
          </Link>
        ))}
      </nav>
      {playthroughs.isPending ? (
        <Skeleton lines={4} />
      ) : playthroughs.isError ? (
        <ErrorState error={playthroughs.error} retry={() => playthroughs.refetch()} />
      ) : items.length === 0 ? (
        <Empty>No playthroughs here yet.</Empty>
      ) : (
        <>
          <ol className="diary" aria-label="Playthroughs">
            {items.map((p) => (
              <li key={p.id} className="diary-item playthrough-row">
                <GameCover game={p.game} size="xs" decorative />
                <div className="diary-game">
                  <Link to={`/games/${p.game.slug}`}>{p.game.name}</Link>
                  <div className="diary-sub">{playthroughFacts(p).join(' · ')}</div>
                </div>
                <span className="playthrough-row-time">{playthroughTime(p)}</span>
              </li>
            ))}
          </ol>
          <LoadMore
            hasNext={playthroughs.hasNextPage}
            loading={playthroughs.isFetchingNextPage}
            onClick={() => playthroughs.fetchNextPage()}
          />
        </>
      )}
    </>
  )
}

function Lists({ username, isMe }: { username: string; isMe: boolean }) {
  const lists = useInfiniteQuery({
    queryKey: ['lists', username],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/users/{username}/lists', {
          params: { path: { username }, query: pageQuery(24, pageParam) },
          signal,
        }),
      ),
    ...cursorPaging,
  })
  const items = lists.data?.pages.flatMap((p) => p.results) ?? []
  return (
    <>
      {isMe && (
        <p>
          <Link to="/lists/new" className="button button-small">
            New list
          </Link>
        </p>
      )}
      {lists.isPending ? (
        <Skeleton lines={3} />
      ) : lists.isError ? (
        <ErrorState error={lists.error} retry={() => lists.refetch()} />
      ) : items.length === 0 ? (
        <Empty>No lists yet.</Empty>
      ) : (
        <>
          <ul className="list-cards">
            {items.map((list) => (
              <li key={list.id} className="list-card">
                <Link to={`/lists/${list.id}`}>
                  <span className="list-card-stack" aria-hidden="true">
                    {list.preview.length === 0 ? (
                      <span className="list-card-empty" />
                    ) : (
                      list.preview.map((game) => <GameCover key={game.id} game={game} size="md" decorative />)
                    )}
                  </span>
                  <span className="list-card-title">{list.title}</span>
                  <span className="list-card-sub">
                    {plural(list.game_count, 'game')}
                    {list.ranked && ' · ranked'}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <LoadMore hasNext={lists.hasNextPage} loading={lists.isFetchingNextPage} onClick={() => lists.fetchNextPage()} />
        </>
      )}
    </>
  )
}

const DIRECTIONS = [
  ['following', 'Following'],
  ['followers', 'Followers'],
] as const

function Network({ profile }: { profile: ProfileData }) {
  const [params] = useSearchParams()
  const direction = params.get('show') === 'followers' ? 'followers' : 'following'
  const auth = useAuth()
  const people = useInfiniteQuery({
    queryKey: ['follows', profile.username, direction, auth.signedIn],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET(`/api/users/{username}/${direction}`, {
          params: { path: { username: profile.username }, query: pageQuery(30, pageParam) },
          signal,
        }),
      ),
    ...cursorPaging,
  })
  const items = people.data?.pages.flatMap((p) => p.results) ?? []
  return (
    <>
      <nav className="segmented games-filter" aria-label="Following or followers">
        {DIRECTIONS.map(([value, label]) => (
          <Link key={value} to={`?show=${value}`} aria-current={value === direction ? 'page' : undefined} replace>
            {label} <span className="segmented-count">{value === 'followers' ? profile.stats.followers : profile.stats.following}</span>
          </Link>
        ))}
      </nav>
      {people.isPending ? (
        <Skeleton lines={4} />
      ) : people.isError ? (
        <ErrorState error={people.error} retry={() => people.refetch()} />
      ) : items.length === 0 ? (
        <Empty>
          {direction === 'followers'
            ? `Nobody follows ${profile.username} yet.`
            : `${profile.username} doesn’t follow anyone yet.`}
        </Empty>
      ) : (
        <>
          <ul className="people" aria-label={direction === 'followers' ? `People following ${profile.username}` : `People ${profile.username} follows`}>
            {items.map((item) => (
              <Person
                key={item.user.id}
                user={item.user}
                about={item.bio}
                action={
                  auth.user &&
                  item.user.id !== auth.user.id && <FollowButton username={item.user.username} following={item.followed_by_me ?? false} />
                }
              />
            ))}
          </ul>
          <LoadMore hasNext={people.hasNextPage} loading={people.isFetchingNextPage} onClick={() => people.fetchNextPage()} />
        </>
      )}
    </>
  )
}

const HALF_STARS = ['½', '1', '1½', '2', '2½', '3', '3½', '4', '4½', '5']

function StatsTab({ username }: { username: string }) {
  const stats = useQuery({
    queryKey: ['stats', username],
    queryFn: ({ signal }) => unwrap(api.GET('/api/users/{username}/stats', { params: { path: { username } }, signal })),
  })
  if (stats.isPending) return <Skeleton lines={6} />
  if (stats.isError) return <ErrorState error={stats.error} retry={() => stats.refetch()} />
  const { counts } = stats.data
  const tiles: [number | string, string][] = [
    [counts.played, 'played'],
    [counts.completed, 'finished'],
    [counts.backlog, 'in backlog'],
    [counts.wishlist, 'wishlisted'],
    [counts.liked, 'liked'],
    [counts.ratings, 'ratings'],
    [counts.average_rating != null ? counts.average_rating.toFixed(1) : '–', 'average rating'],
    [counts.reviews, 'reviews'],
    [counts.journal_entries, 'journal entries'],
    [counts.lists, 'lists'],
  ]
  return (
    <div>
      <StatTiles tiles={tiles} />
      <div className="charts">
        {stats.data.finished_per_year.length > 0 ? (
          <ColumnChart
            title="Games finished per year"
            bars={stats.data.finished_per_year.map((y) => ({ label: String(y.year), value: y.count }))}
          />
        ) : (
          <figure className="chart">
            <figcaption>Games finished per year</figcaption>
            <p className="empty">Log a game as finished to start this chart.</p>
          </figure>
        )}
        <ColumnChart
          alt
          title="Ratings (stars)"
          bars={stats.data.rating_distribution.map((count, i) => ({ label: HALF_STARS[i] ?? '', value: count }))}
        />
        <BarList title="Top platforms" items={counted(stats.data.top_platforms)} />
        <BarList title="Top genres" items={counted(stats.data.top_genres)} />
        {stats.data.hours_per_year.length > 0 && (
          <ColumnChart
            title="Hours played per year"
            bars={stats.data.hours_per_year.map((y) => ({ label: String(y.year), value: y.hours }))}
          />
        )}
        {stats.data.hours_per_platform.length > 0 && (
          <BarList title="Hours per platform" items={timed(stats.data.hours_per_platform)} format={formatHours} />
        )}
      </div>
      <YearLinks
        username={username}
        years={[...stats.data.hours_per_year.map((y) => y.year), ...stats.data.finished_per_year.map((y) => y.year)]}
      />
    </div>
  )
}

export default function Profile() {
  const { username = '', tab = '' } = useParams()
  const profile = useProfile(username)
  const auth = useAuth()
  useTitle(profile.data ? profile.data.username : username)
  if (profile.isPending) return <Skeleton lines={4} cover />
  if (profile.isError) {
    if (profile.error instanceof ApiError && profile.error.status === 404) return <NotFoundState what="person" />
    return <ErrorState error={profile.error} retry={() => profile.refetch()} />
  }
  if (!TABS.some(([t]) => t === tab)) return <NotFoundState />
  const p = profile.data
  const current = tab as Tab
  const base = `/u/${p.username}`
  return (
    <div className="profile-page">
      <Header profile={p} />
      <Favorites profile={p} />
      <PlayingShelf profile={p} />
      <nav className="tabs" aria-label="Profile sections">
        {TABS.map(([t, label]) => (
          <NavLink key={t} to={t ? `${base}/${t}` : base} end aria-current={t === current ? 'page' : undefined}>
            {label}
          </NavLink>
        ))}
      </nav>
      <section aria-label={TABS.find(([t]) => t === current)?.[1]}>
        {current === '' && <Activity username={p.username} />}
        {current === 'journal' && <Journal username={p.username} />}
        {current === 'games' && <Games username={p.username} />}
        {current === 'playthroughs' && <Playthroughs username={p.username} />}
        {current === 'reviews' && <Reviews username={p.username} />}
        {current === 'lists' && <Lists username={p.username} isMe={auth.user?.id === p.id} />}
        {current === 'network' && <Network profile={p} />}
        {current === 'stats' && <StatsTab username={p.username} />}
      </section>
    </div>
  )
}
