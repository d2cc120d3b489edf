/** "★★★½" for 3.5. */
export function starText(rating: number): string {
  const whole = Math.floor(rating)
  return '★'.repeat(whole) + (rating - whole >= 0.5 ? '½' : '')
}

export function starLabel(rating: number): string {
  return `${rating} star${rating === 1 ? '' : 's'}`
}

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' })

/** "17 Mar 2024" for "2024-03-17" (a calendar day, not shifted by the time zone). */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  if (!y || !m || !d) return day
  return dateFormat.format(new Date(y, m - 1, d))
}

/** "3 h ago", "2 d ago", or the date. */
export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000)
  if (seconds < 60) return 'just now'
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`
  if (seconds < 7 * 86400) return `${Math.floor(seconds / 86400)} d ago`
  return dateFormat.format(new Date(iso))
}

/** Today as YYYY-MM-DD in the person's own time zone. */
export function today(): string {
  const now = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`
}
