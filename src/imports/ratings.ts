import type { ImportedRating } from './rows.js'

/**
 * A rating on a source's scale (0–scaleMax) as half stars (1–10): to the nearest half star, halves up; a value that
 * is not nothing never becomes nothing (0.5 stars at least). Blank, 0 or not a number: no rating.
 */
export function halfStarsOf(value: number | null, scaleMax: number): ImportedRating | null {
  if (value === null || !Number.isFinite(value) || value <= 0) return null
  const exact = Math.min(value, scaleMax) * (10 / scaleMax)
  // The scale's arithmetic (4.3 × 2 = 8.6000000001) must not make a whole number look rounded.
  const tidy = Math.round(exact * 1e6) / 1e6
  return { halfStars: Math.max(1, Math.floor(tidy + 0.5)), rounded: !Number.isInteger(tidy) }
}
