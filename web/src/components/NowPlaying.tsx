// The home page's "Playing now": the signed-in person's playthroughs going on, time added in one press.
import { useInfiniteQuery } from '@tanstack/react-query'
import { Link } from 'react-router'
import { api, unwrap } from '../api/client'
import { cursorPaging, pageQuery } from '../api/pages'
import { formatMinutes } from '../lib/playtime'
import { GameCover } from './GameCover'
import { SessionButtons } from './PlaySession'
import { Empty, ErrorState, LoadMore, Skeleton } from './States'

export default function NowPlaying({ username }: { username: string }) {
  const playing = useInfiniteQuery({
    queryKey: ['playing', username],
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET('/api/users/{username}/playing', { params: { path: { username }, query: pageQuery(12, pageParam) }, signal })),
    ...cursorPaging,
  })
  const items = playing.data?.pages.flatMap((page) => page.results) ?? []
  return (
    <section className="section" aria-labelledby="playing-heading">
      <h2 id="playing-heading" className="section-title">
        Playing now
      </h2>
      {playing.isPending ? (
        <Skeleton lines={2} />
      ) : playing.isError ? (
        <ErrorState error={playing.error} retry={() => playing.refetch()} />
      ) : items.length === 0 ? (
        <Empty>Nothing on the go. Press “Start playing” on a game’s page to track your time here.</Empty>
      ) : (
        <>
          <ul className="now-playing">
            {items.map((p) => (
              <li key={p.id} className="now-playing-item">
                <GameCover game={p.game} size="sm" decorative />
                <div className="now-playing-body">
                  <Link to={`/games/${p.game.slug}`} className="now-playing-name">
                    {p.game.name}
                  </Link>
                  <p className="now-playing-sub">
                    {p.platform && <>{p.platform} · </>}
                    {formatMinutes(p.minutes)} played
                  </p>
                  <SessionButtons playthrough={p} />
                </div>
              </li>
            ))}
          </ul>
          <LoadMore hasNext={playing.hasNextPage} loading={playing.isFetchingNextPage} onClick={() => playing.fetchNextPage()} />
        </>
      )}
    </section>
  )
}
