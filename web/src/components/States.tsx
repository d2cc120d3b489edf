import { Link } from 'react-router'
import { ApiError } from '../api/client'

export function Skeleton({ lines = 3, cover = false }: { lines?: number; cover?: boolean }) {
  return (
    <div className="skeleton" role="status" aria-busy="true" aria-label="Loading">
      {cover && <div className="skeleton-block skeleton-cover" />}
      <div className="skeleton-lines">
        {Array.from({ length: lines }, (_, i) => (
          <div key={i} className="skeleton-block skeleton-line" style={{ width: `${90 - i * 15}%` }} />
        ))}
      </div>
    </div>
  )
}

export function GridSkeleton({ count = 12 }: { count?: number }) {
  return (
    <ul className="game-grid" aria-busy="true" aria-label="Loading">
      {Array.from({ length: count }, (_, i) => (
        <li key={i} className="game-card">
          <div className="skeleton-block cover cover-md" />
        </li>
      ))}
    </ul>
  )
}

export function ErrorState({ error, retry, what }: { error: unknown; retry?: () => void; what?: string }) {
  if (error instanceof ApiError && error.status === 404) return <NotFoundState what={what} />
  const message = error instanceof Error ? error.message : 'Something went wrong.'
  return (
    <div className="state state-error" role="alert">
      <h2>That didn’t work</h2>
      <p>{message}</p>
      {retry && (
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  )
}

export function NotFoundState({ what = 'page' }: { what?: string }) {
  return (
    <div className="state state-not-found">
      <p className="state-code" aria-hidden="true">
        404
      </p>
      <h1>We couldn’t find that {what}</h1>
      <p>It may have been renamed or deleted, or the link is mistyped.</p>
      <p>
        <Link to="/" className="button">
          Back home
        </Link>{' '}
        <Link to="/search" className="button button-ghost">
          Search games
        </Link>
      </p>
    </div>
  )
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="empty">{children}</p>
}

export function LoadMore({
  hasNext,
  loading,
  onClick,
}: {
  hasNext: boolean
  loading: boolean
  onClick: () => void
}) {
  if (!hasNext) return null
  return (
    <div className="load-more">
      <button type="button" className="button button-ghost" onClick={onClick} disabled={loading}>
        {loading ? 'Loading…' : 'Load more'}
      </button>
    </div>
  )
}
