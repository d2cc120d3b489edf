// Hand-made SVG and CSS charts: small, accessible (each has a text alternative), no library needed.

export interface Bar {
  label: string
  value: number
}

/** Vertical bars with a label under each and the value above. */
export function ColumnChart({ bars, title, alt = false }: { bars: Bar[]; title: string; alt?: boolean }) {
  const width = 320
  const height = 150
  const top = 16
  const bottom = 20
  const max = Math.max(1, ...bars.map((b) => b.value))
  const slot = width / Math.max(1, bars.length)
  const barWidth = Math.min(36, slot * 0.7)
  const summary = bars.map((b) => `${b.label}: ${b.value}`).join(', ')
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}. ${summary}`}>
        {bars.map((bar, i) => {
          const h = ((height - top - bottom) * bar.value) / max
          const x = i * slot + (slot - barWidth) / 2
          const y = height - bottom - h
          return (
            <g key={i}>
              <rect className={alt ? 'chart-bar chart-bar-alt' : 'chart-bar'} x={x} y={y} width={barWidth} height={Math.max(h, 1)} rx={2} />
              {bar.value > 0 && (
                <text className="chart-value" x={x + barWidth / 2} y={y - 4} textAnchor="middle">
                  {bar.value}
                </text>
              )}
              <text className="chart-label" x={x + barWidth / 2} y={height - 5} textAnchor="middle">
                {bar.label}
              </text>
            </g>
          )
        })}
      </svg>
    </figure>
  )
}

/** Horizontal bars, for named amounts (platforms, genres), each shown with `format`. */
export function BarList({
  items,
  title,
  format = (value) => value.toLocaleString(),
}: {
  items: { name: string; value: number }[]
  title: string
  format?: (value: number) => string
}) {
  const max = Math.max(1, ...items.map((i) => i.value))
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {items.length === 0 ? (
        <p className="empty">Nothing yet.</p>
      ) : (
        <ul className="hbars">
          {items.map((item) => (
            <li key={item.name} className="hbar">
              <span className="hbar-name">{item.name}</span>
              <span className="hbar-track" aria-hidden="true">
                <span className="hbar-fill" style={{ width: `${(item.value / max) * 100}%` }} />
              </span>
              <span>{format(item.value)}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  )
}

/** Named counts (the API's `{name, count}`) as BarList items. */
export const counted = (items: { name: string; count: number }[]) => items.map(({ name, count }) => ({ name, value: count }))

/** Named hours (the API's `{name, hours}`) as BarList items. */
export const timed = (items: { name: string; hours: number }[]) => items.map(({ name, hours }) => ({ name, value: hours }))

/** The most columns, up to `most`, that leave no tile alone on the last row. */
function tileColumns(count: number, most: number): number {
  for (let columns = Math.min(most, count); columns > 1; columns--) if (count % columns !== 1) return columns
  return Math.min(most, count)
}

/** Big numbers with what they count, in tiles: as many a row as fit a wide or a narrow screen (see styles.css). */
export function StatTiles({ tiles, label }: { tiles: [number | string, string][]; label?: string }) {
  const columns = { '--tile-columns': tileColumns(tiles.length, 5), '--tile-columns-narrow': tileColumns(tiles.length, 3) }
  return (
    <ul className="stat-tiles stat-tiles-balanced" aria-label={label} style={columns as React.CSSProperties}>
      {tiles.map(([value, what]) => (
        <li key={what}>
          <strong>{value}</strong>
          <span>{what}</span>
        </li>
      ))}
    </ul>
  )
}
