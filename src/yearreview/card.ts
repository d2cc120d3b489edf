import type { YearReview } from './schemas.js'

/** Characters XML 1.0 cannot hold at all, escaped or not: they are dropped. */
const NOT_IN_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

/** Text as XML character data or an attribute value. */
export function xmlEscape(text: string): string {
  return text.replace(NOT_IN_XML, '').replace(/[&<>"']/g, (character) => ENTITIES[character]!)
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' })

/** At most `max` characters as people see them (an emoji or an accented letter is one), with … when cut. */
function clip(text: string, max: number): string {
  const parts = Array.from(graphemes.segment(text), (part) => part.segment)
  return parts.length <= max ? text : `${parts.slice(0, max - 1).join('').trimEnd()}…`
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 })

const WIDTH = 1200
const HEIGHT = 630
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
const COLORS = { background: '#14181c', text: '#ffffff', muted: '#9ab', accent: '#40bcf4', bar: '#00e054', rule: '#2c3440' }
const MONTH_LETTERS = 'JFMAMJJASOND'
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * One line of text. Every name (the person's, a game's, a platform's) is a text element of its own: a name
 * written right to left then lays out by itself and cannot reorder the words around it.
 */
function text(x: number, y: number, content: string, attributes: { size: number; fill?: string; weight?: number; anchor?: 'start' | 'middle' | 'end' }) {
  const { size, fill = COLORS.text, weight = 400, anchor = 'start' } = attributes
  return `<text x="${x}" y="${y}" font-size="${size}" font-weight="${weight}" fill="${fill}" text-anchor="${anchor}">${xmlEscape(content)}</text>`
}

function figure(x: number, value: string, label: string) {
  return [text(x, 330, value, { size: 64, weight: 700 }), text(x, 366, label, { size: 22, fill: COLORS.muted })].join('')
}

/** Twelve bars, one per month, as tall as its share of the busiest month's hours. */
function monthChart(months: YearReview['months']) {
  const [left, baseline, barWidth, gap, tallest] = [60, 580, 34, 12, 90]
  const most = Math.max(...months.map((month) => month.hours))
  const bars = months.map(({ month, hours, finished }, i) => {
    const x = left + i * (barWidth + gap)
    const height = most > 0 ? Math.max(hours > 0 ? 2 : 0, Math.round((hours / most) * tallest)) : 0
    const label = `${MONTH_NAMES[i]}: ${numberFormat.format(hours)} h, ${finished} finished`
    return [
      `<rect x="${x}" y="${baseline - height}" width="${barWidth}" height="${height}" rx="3" fill="${COLORS.bar}"><title>${xmlEscape(label)}</title></rect>`,
      text(x + barWidth / 2, baseline + 26, MONTH_LETTERS[month - 1]!, { size: 18, fill: COLORS.muted, anchor: 'middle' }),
    ].join('')
  })
  const width = 12 * barWidth + 11 * gap
  return `<g>${bars.join('')}<rect x="${left}" y="${baseline}" width="${width}" height="2" fill="${COLORS.rule}"/></g>`
}

function topGames(games: YearReview['top_games']) {
  const heading = text(700, 150, 'Most played', { size: 24, fill: COLORS.muted, weight: 600 })
  if (games.length === 0) return heading + text(700, 200, 'No play sessions logged this year', { size: 26, fill: COLORS.muted })
  const lines = games.map(({ game, hours }, i) => {
    const y = 200 + i * 52
    return text(700, y, clip(game.name, 22), { size: 26 }) + text(1140, y, `${numberFormat.format(hours)} h`, { size: 26, fill: COLORS.accent, anchor: 'end' })
  })
  return heading + lines.join('')
}

/** A person's year in review as a shareable SVG card (1200×630, the size link previews use), drawn without a browser. */
export function renderYearCard(review: YearReview): string {
  const platform = review.top_platforms[0]?.name ?? '—'
  const summary = `${review.username}'s ${review.year} on Overworld: ${review.games_finished} games finished, ${numberFormat.format(review.hours)} hours played`
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="card-title" font-family="${FONT}">`,
    `<title id="card-title">${xmlEscape(summary)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="${COLORS.background}"/>`,
    text(60, 84, 'OVERWORLD · YEAR IN REVIEW', { size: 22, fill: COLORS.accent, weight: 700 }),
    text(60, 150, clip(review.username, 24), { size: 48, weight: 700 }),
    text(60, 212, String(review.year), { size: 44, fill: COLORS.muted, weight: 300 }),
    figure(60, String(review.games_finished), review.games_finished === 1 ? 'game finished' : 'games finished'),
    figure(290, numberFormat.format(review.hours), review.hours === 1 ? 'hour played' : 'hours played'),
    text(60, 420, 'Top platform', { size: 22, fill: COLORS.muted }),
    text(60, 456, clip(platform, 30), { size: 30, weight: 600 }),
    monthChart(review.months),
    topGames(review.top_games),
    '</svg>',
  ]
  return parts.join('\n')
}
