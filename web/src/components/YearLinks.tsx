import { Link } from 'react-router'
import { today } from '../lib/format'

/** Links to the years in review: the years with play or finishes, and this one. */
export function YearLinks({ username, years, current }: { username: string; years: number[]; current?: number }) {
  const thisYear = Number(today().slice(0, 4))
  const all = [...new Set([...years, thisYear, ...(current ? [current] : [])])].sort((a, b) => b - a)
  return (
    <nav className="year-links" aria-label="Years in review">
      <h2 className="section-title">Year in review</h2>
      <ul>
        {all.map((year) => (
          <li key={year}>
            <Link to={`/u/${username}/year/${year}`} aria-current={year === current ? 'page' : undefined}>
              {year}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}
