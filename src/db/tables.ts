import type { Generated } from 'kysely'

/** The database as the query layer sees it. Timestamps are ISO-8601 strings in UTC on both databases. */
export interface Tables {
  users: UsersTable
  auth_tokens: AuthTokensTable
  follows: FollowsTable
  games: GamesTable
  game_statuses: GameStatusesTable
  favorites: FavoritesTable
}

export interface UsersTable {
  id: Generated<number>
  username: string
  /** Case-folded username: the unique key, so `Madeline` and `madeline` are one name. */
  username_key: string
  email: string
  /** Case-folded email: the unique key. */
  email_key: string
  password_hash: string
  bio: string | null
  location: string | null
  twitter: string | null
  gravatar: string
  created_at: string
}

export interface AuthTokensTable {
  /** SHA-256 of the token, hex; the token itself is never stored. */
  digest: string
  /** The token's first characters, to find its row without storing the token. */
  token_key: string
  user_id: number
  created_at: string
  expires_at: string | null
}

export interface FollowsTable {
  follower_id: number
  followee_id: number
  created_at: string
}

export interface GamesTable {
  id: Generated<number>
  igdb: string | null
  slug: string
  name: string
  summary: string | null
  first_release_date: string | null
  /** JSON arrays of names, stored as text. */
  platforms: string
  genres: string
  developers: string
  cover_url: string | null
  created_at: string
}

export type GameStatus = 'played' | 'liked' | 'backlog' | 'wishlist'

export interface GameStatusesTable {
  user_id: number
  game_id: number
  status: GameStatus
  created_at: string
}

export interface FavoritesTable {
  user_id: number
  game_id: number
  position: number
}
