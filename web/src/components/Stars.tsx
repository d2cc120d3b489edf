import { starLabel, starText } from '../lib/format'

/** A rating shown as stars, read out as "3.5 stars". */
export function Stars({ rating, className = '' }: { rating: number | null | undefined; className?: string }) {
  if (rating == null) return null
  return (
    <span className={`stars ${className}`} role="img" aria-label={starLabel(rating)}>
      {starText(rating)}
    </span>
  )
}
