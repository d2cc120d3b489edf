import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { Link, useLocation, useParams } from 'react-router'
import { api, unwrap } from '../api/client'
import type { GameDetails, ViewerState } from '../api/types'
import { useAuth } from '../auth'
import { GameCover } from '../components/GameCover'
import { LogDialog } from '../components/LogDialog'
import { PlayPanel } from '../components/Playthroughs'
import { RatingInput } from '../components/RatingInput'
import { Reviews } from '../components/Reviews'
import { ErrorState, Skeleton } from '../components/States'
import { formatDay, plural } from '../lib/format'
import { useGame } from '../lib/game'
import { useTitle } from '../lib/hooks'
import { COMPLETION_LABELS, formatHours, keysOf } from '../lib/playtime'

type StatusKind = 'played' | 'liked' | 'backlog' | 'wishlist'
type ToggleKind = StatusKind | 'favorite'

const TOGGLES: { kind: ToggleKind; on: string; off: string; icon: string }[] = [
  { kind: 'played', on: 'Played', off: 'Played', icon: '◉' },
  { kind: 'liked', on: 'Liked', off: 'Like', icon: '♥' },
  { kind: 'backlog', on: 'In backlog', off: 'Backlog', icon: '☰' },
  { kind: 'wishlist', on: 'Wishlisted', off: 'Wishlist', icon: '✦' },
  { kind: 'favorite', on: 'Favorite', off: 'Favorite', icon: '★' },
]

async function setStatus(kind: ToggleKind, game: number, value: boolean): Promise<Partial<ViewerState>> {
  const body = { game, value }
  switch (kind) {
    case 'played': {
      const result = await unwrap(api.POST('/api/actions/log/', { body }))
      return result.removedFromBacklog ? { played: result.value, backlog: false } : { played: result.value }
    }
    case 'liked':
      return { liked: (await unwrap(api.POST('/api/actions/like/', { body }))).value }
    case 'backlog':
      return { backlog: (await unwrap(api.POST('/api/actions/backlog/', { body }))).value }
    case 'wishlist':
      return { wishlist: (await unwrap(api.POST('/api/actions/wishlist/', { body }))).value }
    case 'favorite':
      if (value) await unwrap(api.POST('/api/actions/favorites/add/', { body: { game } }))
      else await unwrap(api.POST('/api/actions/favorites/remove/', { body: { game } }))
      return { favorite: value }
  }
}

function ViewerPanel({ game }: { game: GameDetails }) {
  const queryClient = useQueryClient()
  const viewer = game.viewer
  const [logOpen, setLogOpen] = useState(false)
  const [rating, setRating] = useState<number | null>(viewer?.rating ?? null)
  const [status, setStatusText] = useState('')
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  const key = ['game', game.slug, true]

  useEffect(() => setRating(viewer?.rating ?? null), [viewer?.rating])
  useEffect(() => () => clearTimeout(timer.current), [])

  const patchViewer = (patch: Partial<ViewerState>) =>
    queryClient.setQueryData<GameDetails>(key, (old) => (old?.viewer ? { ...old, viewer: { ...old.viewer, ...patch } } : old))

  const toggle = useMutation({
    mutationFn: ({ kind, value }: { kind: ToggleKind; value: boolean }) => setStatus(kind, game.id, value),
    onSuccess: (patch) => {
      patchViewer(patch)
      setStatusText('Saved.')
      void queryClient.invalidateQueries({ queryKey: ['game', game.slug] })
    },
  })

  const rate = useMutation({
    mutationFn: (value: number | null) => unwrap(api.POST('/api/actions/ratings/', { body: { game: game.id, rating: value } })),
    onSuccess: (result) => {
      patchViewer({ rating: result.rating })
      setStatusText(result.rating == null ? 'Rating removed.' : `Rated ${result.rating} stars.`)
      void queryClient.invalidateQueries({ queryKey: ['game', game.slug] })
    },
  })

  function onRate(value: number | null) {
    setRating(value)
    // Arrow keys step through the stars one by one: save once the person settles.
    clearTimeout(timer.current)
    timer.current = setTimeout(() => rate.mutate(value), 450)
  }

  if (!viewer) return null
  const error = toggle.error ?? rate.error
  return (
    <section className="panel viewer-panel" aria-labelledby="viewer-heading">
      <h2 id="viewer-heading" className="visually-hidden">
        Your activity
      </h2>
      <div className="actions-grid">
        {TOGGLES.map(({ kind, on, off, icon }) => {
          const pressed = viewer[kind]
          return (
            <button
              key={kind}
              type="button"
              className="toggle"
              data-kind={kind}
              aria-pressed={pressed}
              disabled={toggle.isPending && toggle.variables?.kind === kind}
              onClick={() => toggle.mutate({ kind, value: !pressed })}
            >
              <span className="toggle-icon" aria-hidden="true">
                {icon}
              </span>
              {pressed ? on : off}
            </button>
          )
        })}
      </div>
      <RatingInput label="Your rating" value={rating} onChange={onRate} />
      <p className="visually-hidden" role="status">
        {status}
      </p>
      {error && (
        <p className="panel-error" role="alert">
          {error.message}
        </p>
      )}
      <button type="button" className="button button-wide log-button" onClick={() => setLogOpen(true)}>
        Log or review…
      </button>
      <LogDialog
        game={game}
        open={logOpen}
        onClose={() => setLogOpen(false)}
        onLogged={() => {
          setLogOpen(false)
          setStatusText('Logged.')
        }}
      />
    </section>
  )
}

function Community({ game }: { game: GameDetails }) {
  const { community } = game
  const max = Math.max(1, ...community.histogram)
  return (
    <section className="panel" aria-labelledby="community-heading">
      <h2 id="community-heading" className="section-title">
        Ratings
      </h2>
      <div className="community-average">
        <strong>{community.average_rating != null ? community.average_rating.toFixed(1) : '–'}</strong>
        <span>{plural(community.ratings, 'rating')}</span>
      </div>
      <figure className="histogram-figure">
        <div className="histogram" role="img" aria-label={histogramLabel(community.histogram)}>
          {community.histogram.map((count, i) => (
            <div
              key={i}
              className="histogram-bar"
              data-nonzero={count > 0}
              style={{ height: `${Math.max(3, (count / max) * 100)}%` }}
              title={`${plural(count, 'rating')} of ${(i + 1) / 2} stars`}
            />
          ))}
        </div>
        <div className="histogram-axis" aria-hidden="true">
          <span>½</span>
          <span>★★★★★</span>
        </div>
      </figure>
      <ul className="counts">
        <li>
          <strong>{community.players.toLocaleString()}</strong> played
        </li>
        <li>
          <strong>{community.likes.toLocaleString()}</strong> likes
        </li>
        <li>
          <strong>{community.reviews.toLocaleString()}</strong> reviews
        </li>
        <li>
          <strong>{community.backlogs.toLocaleString()}</strong> backlogs
        </li>
        <li>
          <strong>{community.wishlists.toLocaleString()}</strong> wishlists
        </li>
      </ul>
    </section>
  )
}

/** How long people took to finish it, per completion level, and how many are playing it now. */
function TimeToBeat({ game }: { game: GameDetails }) {
  const { time_to_beat: times, playing_now: playingNow } = game.community
  return (
    <section className="panel" aria-labelledby="time-heading">
      <h2 id="time-heading" className="section-title">
        Time to beat
      </h2>
      <dl className="time-to-beat">
        {keysOf(COMPLETION_LABELS).map((level) => {
          const { hours, people } = times[level]
          return (
            <div key={level}>
              <dt>{COMPLETION_LABELS[level]}</dt>
              <dd>
                {hours != null ? <strong>{formatHours(hours)}</strong> : <span className="muted">Not enough data</span>}
                {people > 0 && <span className="muted"> · {plural(people, 'person', 'people')}</span>}
              </dd>
            </div>
          )
        })}
      </dl>
      <p className="playing-now">
        <strong>{playingNow.toLocaleString()}</strong> {playingNow === 1 ? 'person is' : 'people are'} playing it now
      </p>
    </section>
  )
}

function histogramLabel(histogram: number[]): string {
  const parts = histogram.map((count, i) => (count > 0 ? `${(i + 1) / 2} stars: ${count}` : null)).filter(Boolean)
  return parts.length ? `Rating distribution. ${parts.join('; ')}` : 'No ratings yet'
}

function SignInPrompt() {
  const location = useLocation()
  return (
    <section className="panel">
      <p>
        <Link to={`/signin?next=${encodeURIComponent(location.pathname)}`}>Sign in</Link> to log, rate or review this
        game.
      </p>
      <Link to="/signup" className="button button-wide">
        Create an account
      </Link>
    </section>
  )
}

export default function Game() {
  const { slug = '' } = useParams()
  const game = useGame(slug)
  const auth = useAuth()
  useTitle(game.data?.name)
  if (game.isPending) {
    return <Skeleton lines={6} cover />
  }
  if (game.isError) {
    return <ErrorState error={game.error} retry={() => game.refetch()} what="game" />
  }
  const g = game.data
  return (
    <article className="game-page">
      <div className="game-hero">
        <GameCover game={g} size="lg" />
        <div className="game-main">
          <div className="game-heading">
            <h1 className="game-title">{g.name}</h1>
            <p className="game-meta">
              {g.release_year && (
                <time dateTime={g.first_release_date ?? String(g.release_year)}>
                  {g.first_release_date ? formatDay(g.first_release_date) : g.release_year}
                </time>
              )}
              {g.developers.length > 0 && <> · by {g.developers.join(', ')}</>}
            </p>
          </div>
          <div className="game-details">
            {g.summary && <p className="game-summary">{g.summary}</p>}
            <dl className="facts">
              <TagFact label="Platforms" values={g.platforms} />
              <TagFact label="Genres" values={g.genres} />
              {g.developers.length > 0 && (
                <>
                  <dt>Developers</dt>
                  <dd>{g.developers.join(', ')}</dd>
                </>
              )}
            </dl>
          </div>
        </div>
        <aside className="game-side">
          {auth.signedIn ? <ViewerPanel game={g} /> : <SignInPrompt />}
          {auth.user && <PlayPanel game={g} username={auth.user.username} />}
          <Community game={g} />
          <TimeToBeat game={g} />
        </aside>
      </div>
      <Reviews slug={g.slug} />
    </article>
  )
}

/** One line of the facts list: a label and its values as tags; nothing when there are none. */
function TagFact({ label, values }: { label: string; values: string[] }) {
  if (values.length === 0) return null
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <ul className="tags">
          {values.map((value) => (
            <li key={value} className="tag">
              {value}
            </li>
          ))}
        </ul>
      </dd>
    </>
  )
}
