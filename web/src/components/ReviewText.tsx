import { useState } from 'react'

/** A review's text; one with spoilers stays hidden until the reader asks for it. */
export function ReviewText({ text, spoilers, compact = false }: { text: string; spoilers: boolean; compact?: boolean }) {
  const [shown, setShown] = useState(!spoilers)
  if (!shown) {
    return (
      <p className="review-spoiler">
        This review may contain spoilers.{' '}
        <button type="button" className="link-button" onClick={() => setShown(true)}>
          Show the review
        </button>
      </p>
    )
  }
  return <div className={`review-text${compact ? ' review-text-compact' : ''}`}>{text.split(/\n{2,}/).map((p, i) => <p key={i}>{p}</p>)}</div>
}
