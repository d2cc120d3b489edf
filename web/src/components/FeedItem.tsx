import { Link } from 'react-router'
import type { FeedItem as Item } from '../api/types'
import { useAuth } from '../auth'
import { timeAgo } from '../lib/format'
import { Avatar } from './Avatar'
import { GameCover } from './GameCover'
import { Stars } from './Stars'
import { ReviewText } from './ReviewText'

function GameLink({ item }: { item: Item }) {
  if (!item.game) return <>a game</>
  return <Link to={`/games/${item.game.slug}`}>{item.game.name}</Link>
}

/** What happened, after the person's name; `viewerId`: who is reading, whom a follow may be of. */
function what(item: Item, viewerId: number | undefined): React.ReactNode {
  switch (item.type) {
    case 'played':
      return <>played <GameLink item={item} /></>
    case 'liked':
      return <>liked <GameLink item={item} /></>
    case 'backlog':
      return <>added <GameLink item={item} /> to their backlog</>
    case 'wishlist':
      return <>wishlisted <GameLink item={item} /></>
    case 'rating':
      return <>rated <GameLink item={item} /></>
    case 'journal':
      return (
        <>
          {item.entry ? `${item.entry.entry_type} ` : 'logged '}
          <GameLink item={item} />
        </>
      )
    case 'review':
      return <>reviewed <GameLink item={item} /></>
    case 'review_like':
      return <>liked a review of <GameLink item={item} /></>
    case 'list':
      return item.list ? <>made a list, <Link to={`/lists/${item.list.id}`}>{item.list.title}</Link></> : <>made a list</>
    case 'follow':
      if (item.target && item.target.id === viewerId) return <>followed you</>
      return item.target ? <>followed <Link to={`/u/${item.target.username}`}>{item.target.username}</Link></> : <>followed someone</>
    default:
      return <>did something</>
  }
}

export function FeedItem({ item }: { item: Item }) {
  const auth = useAuth()
  return (
    <li className="feed-item">
      <Link to={`/u/${item.user.username}`} className="feed-avatar" tabIndex={-1} aria-hidden="true">
        <Avatar src={item.user.gravatar} name={item.user.username} size={36} />
      </Link>
      <div className="feed-body">
        <p className="feed-line">
          <Link to={`/u/${item.user.username}`} className="feed-user">
            {item.user.username}
          </Link>{' '}
          {what(item, auth.user?.id)} {item.rating != null && <Stars rating={item.rating} />}{' '}
          <time className="feed-time" dateTime={item.created_at}>
            {timeAgo(item.created_at)}
          </time>
        </p>
        {item.type === 'review' && item.entry?.review && (
          <ReviewText text={item.entry.review} spoilers={item.entry.spoilers} compact />
        )}
      </div>
      {item.game && (
        <Link to={`/games/${item.game.slug}`} className="feed-cover" tabIndex={-1} aria-hidden="true">
          <GameCover game={item.game} size="sm" decorative />
        </Link>
      )}
    </li>
  )
}
