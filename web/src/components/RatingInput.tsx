import { useId, useState } from 'react'
import { starLabel } from '../lib/format'

const STARS = [1, 2, 3, 4, 5] as const

/**
 * Half-star rating: ten radio buttons (0.5 … 5) drawn as five stars. Arrow keys move between them,
 * as in any radio group; "Clear" removes the rating.
 */
export function RatingInput({
  value,
  onChange,
  label = 'Rating',
  disabled = false,
  hideLegend = false,
}: {
  value: number | null
  onChange: (value: number | null) => void
  label?: string
  disabled?: boolean
  hideLegend?: boolean
}) {
  const name = useId()
  const [hover, setHover] = useState<number | null>(null)
  const shown = hover ?? value ?? 0
  return (
    <fieldset className="rating-input" disabled={disabled}>
      <legend className={hideLegend ? 'visually-hidden' : undefined}>{label}</legend>
      <div className="rating-row">
        <div className="rating-stars" onMouseLeave={() => setHover(null)}>
          {STARS.map((star) => {
            const fill = shown >= star ? 100 : shown >= star - 0.5 ? 50 : 0
            return (
              <span className="rating-star" key={star}>
                <span className="rating-glyph" aria-hidden="true">
                  ★<span className="rating-fill" style={{ width: `${fill}%` }}>★</span>
                </span>
                {[star - 0.5, star].map((half) => (
                  <label
                    key={half}
                    className={`rating-half ${half % 1 ? 'rating-half-left' : 'rating-half-right'}`}
                    onMouseEnter={() => setHover(half)}
                  >
                    <input
                      type="radio"
                      className="visually-hidden"
                      name={name}
                      value={half}
                      checked={value === half}
                      onChange={() => onChange(half)}
                    />
                    <span className="visually-hidden">{starLabel(half)}</span>
                  </label>
                ))}
              </span>
            )
          })}
        </div>
        {value != null && (
          <button type="button" className="link-button rating-clear" onClick={() => onChange(null)}>
            Clear<span className="visually-hidden"> rating</span>
          </button>
        )}
      </div>
    </fieldset>
  )
}
