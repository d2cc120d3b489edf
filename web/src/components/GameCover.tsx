import { Link } from 'react-router'
import { placeholderColors } from '../lib/color'

export interface CoverGame {
  name: string
  slug: string
  cover_url: string | null
}

type Size = 'xs' | 'sm' | 'md' | 'lg'

/** A game's cover art, or a generated placeholder: its title on a colour derived from its slug. */
export function GameCover({ game, size = 'md', decorative = false }: { game: CoverGame; size?: Size; decorative?: boolean }) {
  const alt = decorative ? '' : game.name
  if (game.cover_url) {
    return <img className={`cover cover-${size}`} src={game.cover_url} alt={alt} loading="lazy" decoding="async" />
  }
  const { from, to } = placeholderColors(game.slug)
  return (
    <div
      className={`cover cover-${size} cover-placeholder`}
      style={{ backgroundImage: `linear-gradient(160deg, ${from}, ${to})` }}
      role={decorative ? undefined : 'img'}
      aria-label={decorative ? undefined : game.name}
      aria-hidden={decorative || undefined}
    >
      {size !== 'xs' && <span className="cover-title">{game.name}</span>}
    </div>
  )
}

/** A cover that links to the game, with its name (for grids and rows). */
export function GameCard({ game, caption, size = 'md' }: { game: CoverGame; caption?: React.ReactNode; size?: Size }) {
  return (
    <li className="game-card">
      <Link to={`/games/${game.slug}`} className="game-card-link">
        <GameCover game={game} size={size} decorative />
        <span className="game-card-name">{game.name}</span>
      </Link>
      {caption && <span className="game-card-caption">{caption}</span>}
    </li>
  )
}

export function GameGrid({ children, label }: { children: React.ReactNode; label?: string }) {
  return (
    <ul className="game-grid" aria-label={label}>
      {children}
    </ul>
  )
}
