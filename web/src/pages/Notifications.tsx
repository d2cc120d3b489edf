import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { Link } from 'react-router'
import { api, unwrap } from '../api/client'
import { cursorPaging, pageQuery } from '../api/pages'
import type { Notification } from '../api/types'
import { useAuth } from '../auth'
import { Avatar } from '../components/Avatar'
import { UNREAD_KEY } from '../components/NotificationsLink'
import { RequireAuth } from '../components/RequireAuth'
import { Empty, ErrorState, LoadMore, Skeleton } from '../components/States'
import { plural, timeAgo } from '../lib/format'
import { useTitle } from '../lib/hooks'

/** "ada", "ada and bob", "ada and 9 others": the latest person, and how many more. */
function who(item: Notification): React.ReactNode {
  const [first, second] = item.actors
  if (!first) return 'Someone'
  const name = (user: { username: string }) => <strong>{user.username}</strong>
  if (item.actor_count === 1) return name(first)
  if (item.actor_count === 2 && second) return <>{name(first)} and {name(second)}</>
  return <>{name(first)} and {plural(item.actor_count - 1, 'other')}</>
}

/** What happened, and the link to where it happened. */
function what(item: Notification, me: string): { text: React.ReactNode; to: string } {
  const game = item.review?.game
  const list = item.list
  switch (item.kind) {
    case 'follow':
      return { text: 'followed you', to: item.actor_count === 1 && item.actors[0] ? `/u/${item.actors[0].username}` : `/u/${me}/network` }
    case 'review_like':
    case 'review_comment':
      return {
        text: <>{item.kind === 'review_like' ? 'liked' : 'commented on'} your review of {game?.name ?? 'a game'}</>,
        to: game ? `/games/${game.slug}` : `/u/${me}/reviews`,
      }
    case 'list_like':
    case 'list_comment':
      return {
        text: <>{item.kind === 'list_like' ? 'liked' : 'commented on'} your list “{list?.title}”</>,
        to: list ? `/lists/${list.id}` : `/u/${me}/lists`,
      }
  }
}

function NotificationItem({ item, me }: { item: Notification; me: string }) {
  const { text, to } = what(item, me)
  return (
    <li className={`feed-item notification${item.read ? '' : ' notification-unread'}`}>
      <span className="notification-avatars" aria-hidden="true">
        {item.actors.map((actor) => (
          <Avatar key={actor.id} src={actor.gravatar} name={actor.username} size={28} />
        ))}
      </span>
      <p className="feed-line">
        {!item.read && <span className="notification-new">New</span>}
        <Link to={to}>
          {who(item)} {text}
        </Link>{' '}
        <time className="feed-time" dateTime={item.created_at}>
          {timeAgo(item.created_at)}
        </time>
      </p>
    </li>
  )
}

function NotificationList({ me }: { me: string }) {
  const queryClient = useQueryClient()
  const notifications = useInfiniteQuery({
    queryKey: ['notifications', 'list'],
    queryFn: ({ pageParam, signal }) => unwrap(api.GET('/api/notifications/', { params: { query: pageQuery(20, pageParam) }, signal })),
    ...cursorPaging,
    // Looked at again on every visit: what was read or taken back since must show.
    staleTime: 0,
  })
  const markRead = useMutation({
    mutationFn: (upTo: number) => unwrap(api.POST('/api/notifications/read', { body: { up_to: upTo } })),
    onSuccess: (unread) => queryClient.setQueryData(UNREAD_KEY, unread),
  })
  // Seen once shown: marked read up to the newest shown, so that any arriving meanwhile stay unread. The items
  // keep their look until the page is next loaded, so that the new ones stand out.
  const newest = notifications.data?.pages[0]?.results[0]
  const { mutate } = markRead
  useEffect(() => {
    if (newest && !newest.read) mutate(newest.id)
  }, [newest, mutate])
  if (notifications.isPending) return <Skeleton lines={4} />
  if (notifications.isError) return <ErrorState error={notifications.error} retry={() => notifications.refetch()} />
  const items = notifications.data.pages.flatMap((p) => p.results)
  if (items.length === 0) return <Empty>Nothing yet. Follows, likes and comments on your reviews and lists show up here.</Empty>
  return (
    <>
      <ul className="feed notifications">
        {items.map((item) => (
          <NotificationItem key={item.id} item={item} me={me} />
        ))}
      </ul>
      <LoadMore
        hasNext={notifications.hasNextPage}
        loading={notifications.isFetchingNextPage}
        onClick={() => notifications.fetchNextPage()}
      />
    </>
  )
}

export default function Notifications() {
  useTitle('Notifications')
  const auth = useAuth()
  return (
    <RequireAuth>
      <h1 className="page-title">Notifications</h1>
      {auth.user ? <NotificationList me={auth.user.username} /> : <Skeleton lines={4} />}
    </RequireAuth>
  )
}
