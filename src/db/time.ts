let lastMicros = 0

/**
 * The current time as an ISO-8601 string with microseconds, strictly increasing within the process: rows
 * written in the same millisecond (two quick follows) still sort in the order they were written.
 */
export function timestamp(): string {
  lastMicros = Math.max(Date.now() * 1000, lastMicros + 1)
  const millis = Math.floor(lastMicros / 1000)
  const micros = String(lastMicros % 1000).padStart(3, '0')
  return new Date(millis).toISOString().replace('Z', `${micros}Z`)
}

/** A time `hours` from now, in the same format. */
export function hoursFromNow(hours: number): string {
  return timestampAt(Date.now() + hours * 3_600_000)
}

/** A moment, in milliseconds since the epoch, in the same format. */
export function timestampAt(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace('Z', '000Z')
}
