import { useQuery } from '@tanstack/react-query'
import { Link, useParams } from 'react-router'
import { api, unwrap } from '../api/client'
import type { GameSummary, YearReview as Review } from '../api/types'
import { BarList, ColumnChart, StatTiles, timed } from '../components/Charts'
import { GameCover } from '../components/GameCover'
import { Empty, ErrorState, NotFoundState, Skeleton } from '../components/States'
import { Stars } from '../components/Stars'
import { YearLinks } from '../components/YearLinks'
import { formatDay, plural, today } from '../lib/format'
import { useTitle } from '../lib/hooks'
import { COMPLETION_LABELS, formatHours, keysOf } from '../lib/playtime'

const FIRST_YEAR = 1970

/** The year of the address, when the server could have a review of it (1970 to next year). */
function yearOf(text: string): number | null {
  if (!/^\d{4}$/.test(text)) return null
  const year = Number(text)
  return year >= FIRST_YEAR && year <= Number(today().slice(0, 4)) + 1 ? year : null
}

const monthName = (month: number) => new Date(2000, month - 1, 1).toLocaleString(undefined, { month: 'short' })

/** A game in a highlight or a top list: its cover, its name as a link, and what to say about it. */
function GameLine({ game, children }: { game: GameSummary; children: React.ReactNode }) {
  return (
    <div className="year-game">
      <GameCover game={game} size="xs" decorative />
      <div>
        <Link to={`/games/${game.slug}`} className="year-game-name">
          {game.name}
        </Link>
        <div className="year-game-sub">{children}</div>
      </div>
    </div>
  )
}

function Highlights({ review }: { review: Review }) {
  const { longest_playthrough: longest, first_finish: first, last_finish: last } = review
  const highlights: [string, React.ReactNode][] = []
  if (longest) {
    highlights.push([
      'Longest playthrough',
      <GameLine game={longest.game}>
        {formatHours(longest.hours)}
        {longest.platform && <> · {longest.platform}</>}
      </GameLine>,
    ])
  }
  if (first) highlights.push(['First finish', <GameLine game={first.game}>{formatDay(first.date)}</GameLine>])
  if (last && (!first || last.date !== first.date || last.game.id !== first.game.id)) {
    highlights.push(['Last finish', <GameLine game={last.game}>{formatDay(last.date)}</GameLine>])
  }
  if (highlights.length === 0) return null
  return (
    <ul className="year-highlights">
      {highlights.map(([title, body]) => (
        <li key={title} className="chart">
          <h2 className="year-highlight-title">{title}</h2>
          {body}
        </li>
      ))}
    </ul>
  )
}

function GameList({ title, empty, children }: { title: string; empty: string; children: React.ReactNode[] }) {
  return (
    <section className="chart" aria-label={title}>
      <h2 className="year-highlight-title">{title}</h2>
      {children.length === 0 ? <p className="empty">{empty}</p> : <ol className="year-games">{children}</ol>}
    </section>
  )
}

function Numbers({ review }: { review: Review }) {
  const tiles: [string, string][] = [
    [formatHours(review.hours), 'played'],
    [review.games_finished.toLocaleString(), review.games_finished === 1 ? 'game finished' : 'games finished'],
    [review.finished.toLocaleString(), review.finished === 1 ? 'playthrough finished' : 'playthroughs finished'],
    [review.started.toLocaleString(), review.started === 1 ? 'playthrough started' : 'playthroughs started'],
  ]
  return <StatTiles tiles={tiles} label="The year in numbers" />
}

function Card({ review }: { review: Review }) {
  const url = `/api/users/${encodeURIComponent(review.username)}/year/${review.year}.svg`
  return (
    <section className="section year-card" aria-labelledby="card-heading">
      <h2 id="card-heading" className="section-title">
        Share it
      </h2>
      <img
        src={url}
        width={1200}
        height={630}
        alt={`${review.username}’s ${review.year} on Overworld: ${formatHours(review.hours)} played, ${plural(review.games_finished, 'game')} finished`}
      />
      <p>
        <a className="button" href={url} download={`overworld-${review.username}-${review.year}.svg`}>
          Download the card (SVG)
        </a>
      </p>
    </section>
  )
}

function ReviewBody({ review }: { review: Review }) {
  const empty = review.hours === 0 && review.finished === 0 && review.started === 0
  if (empty) return <Empty>Nothing played, started or finished in {review.year} yet.</Empty>
  return (
    <>
      <Numbers review={review} />
      <div className="charts">
        <ColumnChart title="Hours per month" bars={review.months.map((m) => ({ label: monthName(m.month), value: m.hours }))} />
        <ColumnChart alt title="Finished per month" bars={review.months.map((m) => ({ label: monthName(m.month), value: m.finished }))} />
        <BarList title="Top platforms" items={timed(review.top_platforms)} format={formatHours} />
        <BarList title="Top genres" items={timed(review.top_genres)} format={formatHours} />
        <BarList
          title="Completions"
          items={keysOf(COMPLETION_LABELS).map((level) => ({ name: COMPLETION_LABELS[level], value: review.completions[level] }))}
        />
        <GameList title="Most played" empty="No play sessions this year.">
          {review.top_games.map(({ game, hours }) => (
            <li key={game.id}>
              <GameLine game={game}>{formatHours(hours)}</GameLine>
            </li>
          ))}
        </GameList>
        <GameList title="Best rated" empty="Rate the games you finish to see them here.">
          {review.best_rated.map(({ game, rating, finished_on }) => (
            <li key={game.id}>
              <GameLine game={game}>
                <Stars rating={rating} /> · finished {formatDay(finished_on)}
              </GameLine>
            </li>
          ))}
        </GameList>
      </div>
      <Highlights review={review} />
    </>
  )
}

export default function YearReview() {
  const { username = '', year: yearText = '' } = useParams()
  const year = yearOf(yearText)
  useTitle(year ? `${username}’s ${year}` : undefined)
  const review = useQuery({
    queryKey: ['year', username, year],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/users/{username}/year/{year}', { params: { path: { username, year: year ?? FIRST_YEAR } }, signal })),
    enabled: year !== null,
  })
  // The years worth a link: those with play or finishes (the stats tab asks the same).
  const stats = useQuery({
    queryKey: ['stats', username],
    queryFn: ({ signal }) => unwrap(api.GET('/api/users/{username}/stats', { params: { path: { username } }, signal })),
    enabled: year !== null,
  })
  if (year === null) return <NotFoundState />
  if (review.isPending) return <Skeleton lines={6} />
  if (review.isError) return <ErrorState error={review.error} retry={() => review.refetch()} what="person" />
  const years = [...(stats.data?.hours_per_year ?? []), ...(stats.data?.finished_per_year ?? [])].map((y) => y.year)
  return (
    <div className="year-page">
      <header className="year-header">
        <p className="year-kicker">
          <Link to={`/u/${review.data.username}`}>{review.data.username}</Link>
        </p>
        <h1>{review.data.year} in review</h1>
      </header>
      <ReviewBody review={review.data} />
      <Card review={review.data} />
      <YearLinks username={review.data.username} years={years} current={year} />
    </div>
  )
}
