import type { ColumnType, Generated } from 'kysely'

/** The database as the query layer sees it. Timestamps are ISO-8601 strings in UTC on both databases. */
export interface Tables {
  users: UsersTable
  auth_tokens: AuthTokensTable
  trusted_devices: TrustedDevicesTable
  follows: FollowsTable
  games: GamesTable
  game_statuses: GameStatusesTable
  favorites: FavoritesTable
  ratings: RatingsTable
  journal_entries: JournalEntriesTable
  review_likes: ReviewLikesTable
  review_comments: ReviewCommentsTable
  lists: ListsTable
  list_items: ListItemsTable
  list_likes: ListLikesTable
  list_comments: ListCommentsTable
  activities: ActivitiesTable
  feed_inbox: FeedInboxTable
  feed_deliveries: FeedDeliveriesTable
  retired_usernames: RetiredUsernamesTable
  game_additions: GameAdditionsTable
  catalog_version: CatalogVersionTable
  people_version: PeopleVersionTable
  feed_versions: FeedVersionsTable
  playthroughs: PlaythroughsTable
  play_sessions: PlaySessionsTable
  imports: ImportsTable
  import_rows: ImportRowsTable
  imported_items: ImportedItemsTable
  notifications: NotificationsTable
  notification_reads: NotificationReadsTable
}

/**
 * SQLite has no boolean type: booleans are written as 1/0 and read back as numbers. Compare with `!!value` in
 * code; response schemas turn them into JSON booleans.
 */
export type DbBoolean = ColumnType<boolean | number, boolean, boolean>

export interface UsersTable {
  id: Generated<number>
  username: string
  /** Case-folded username: the unique key, so `Madeline` and `madeline` are one name. */
  username_key: string
  /**
   * What the username looks like (src/users/usernames.ts): unique, so look-alike names cannot both be taken. NULL
   * only for accounts whose name already looked like an older account's when skeletons were introduced.
   */
  username_skeleton: string | null
  email: string
  /** Case-folded email: the unique key. */
  email_key: string
  password_hash: string
  bio: string | null
  location: string | null
  twitter: string | null
  /** The avatar's URL, as shown: made from avatar_seed, or from the email when use_gravatar is on. */
  gravatar: string
  /** 32 random hex digits: the avatar of someone who has not opted in to Gravatar. */
  avatar_seed: string
  use_gravatar: DbBoolean
  created_at: string
  /** Bumped by triggers whenever what the profile shows changes (migration 0008). */
  version: Generated<number>
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

/** A device that has signed in to the account (see src/auth/devices.ts). */
export interface TrustedDevicesTable {
  /** SHA-256 of the device token, hex; the token itself is never stored. */
  digest: string
  user_id: number
  created_at: string
  last_used_at: string
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
  /** YYYY-MM-DD when the day is known; otherwise only release_year is set. */
  first_release_date: string | null
  /** JSON arrays of names, stored as text. */
  platforms: string
  genres: string
  developers: string
  cover_url: string | null
  created_at: string
  /** The name as search compares it: lower case, without accents or punctuation. */
  search_name: string
  release_year: number | null
  /** How many people have the game in one of their lists; kept by database triggers. */
  popularity: Generated<number>
  /**
   * Added by an account naming a game the catalog lacked, not from catalog data (the shipped catalog, IGDB): it
   * ranks below catalog games in search and is deleted when nobody uses it any more.
   */
  provisional: ColumnType<boolean | number, boolean | undefined, boolean>
  /** Bumped by triggers whenever what the game page shows changes (migration 0008). */
  version: Generated<number>
  /** The game's Steam app id, when it is on Steam: how Steam libraries name games (migration 0011). */
  steam_app_id: number | null
}

/** One row: bumped by triggers whenever what a search of the catalog shows changes (migration 0008). */
export interface CatalogVersionTable {
  version: number
}

/** One row: bumped by triggers whenever a person's name, avatar or bio changes (migration 0017). */
export interface PeopleVersionTable {
  version: number
}

/** The version of each reader's feed, bumped by triggers whenever what it shows changes (migrations 0018 and 0019). */
export interface FeedVersionsTable {
  reader_id: number
  version: number
}

/** One game an account added to the catalog; rows older than a day are only kept until its next addition. */
export interface GameAdditionsTable {
  user_id: number
  created_at: string
}

export type GameStatus = 'played' | 'liked' | 'backlog' | 'wishlist'
export const GAME_STATUSES: readonly GameStatus[] = ['played', 'liked', 'backlog', 'wishlist']

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

/** A rating of 0.5 to 5 stars, stored as a whole number of half stars (1 to 10). */
export interface RatingsTable {
  user_id: number
  game_id: number
  half_stars: number
  created_at: string
  updated_at: string
}

export type EntryType = 'finished' | 'started' | 'played' | 'abandoned' | 'replayed'

/** A journal (diary) entry; one with review text is a review. */
export interface JournalEntriesTable {
  id: Generated<number>
  user_id: number
  game_id: number
  /** The day it happened, YYYY-MM-DD. */
  played_on: string
  entry_type: EntryType
  platform: string | null
  review: string | null
  spoilers: DbBoolean
  liked: DbBoolean
  half_stars: number | null
  /** Kept in step with review_likes, so reviews can be sorted by popularity without counting. */
  like_count: Generated<number>
  created_at: string
  updated_at: string
  /** The playthrough the entry is about, if any (migration 0009). */
  playthrough_id: number | null
}

export interface ReviewLikesTable {
  entry_id: number
  user_id: number
  created_at: string
}

export interface ReviewCommentsTable {
  id: Generated<number>
  entry_id: number
  user_id: number
  body: string
  created_at: string
}

export interface ListsTable {
  id: Generated<number>
  user_id: number
  title: string
  description: string | null
  ranked: DbBoolean
  created_at: string
  updated_at: string
  /** Kept in step with list_likes (migration 0012), as a review's like_count is. */
  like_count: Generated<number>
}

export interface ListItemsTable {
  list_id: number
  position: number
  game_id: number
  note: string | null
}

export interface ListLikesTable {
  list_id: number
  user_id: number
  created_at: string
}

export interface ListCommentsTable {
  id: Generated<number>
  list_id: number
  user_id: number
  body: string
  created_at: string
}

export type ActivityType =
  | 'played'
  | 'liked'
  | 'backlog'
  | 'wishlist'
  | 'rating'
  | 'journal'
  | 'review'
  | 'review_like'
  | 'list'
  | 'follow'

export interface ActivitiesTable {
  id: Generated<number>
  user_id: number
  type: ActivityType
  game_id: number | null
  entry_id: number | null
  list_id: number | null
  target_user_id: number | null
  half_stars: number | null
  created_at: string
}

/** One activity in one reader's feed (src/activity/inbox.ts). */
export interface FeedInboxTable {
  reader_id: number
  activity_id: number
}

/** An activity still being delivered to the feeds of its author's many followers, in the background. */
export interface FeedDeliveriesTable {
  activity_id: number
  /** Every follower whose id is at most this has the activity in their feed. */
  delivered_through: Generated<number>
}

/** A name an account renamed away from: until `retired_until`, no other account may take a look-alike of it. */
export interface RetiredUsernamesTable {
  skeleton: string
  user_id: number
  retired_until: string
}

export type PlaythroughStatus = 'playing' | 'finished' | 'shelved' | 'abandoned'
export type Completion = 'main' | 'main_extras' | 'completionist' | 'mastered'
export type Storefront = 'steam' | 'gog' | 'epic' | 'playstation' | 'xbox' | 'nintendo' | 'itch' | 'physical' | 'other'

/** One run of one game by one person (migration 0009). */
export interface PlaythroughsTable {
  id: Generated<number>
  user_id: number
  game_id: number
  /** One of the catalog's platform names. */
  platform: string | null
  storefront: Storefront | null
  status: PlaythroughStatus
  /** How far they got: only for a finished playthrough. */
  completion: Completion | null
  /** YYYY-MM-DD, never in the future; finished_on not before started_on. */
  started_on: string | null
  finished_on: string | null
  replay: DbBoolean
  difficulty: string | null
  notes: string | null
  /** Minutes added to (or, negative, taken from) the sum of the sessions: the playthrough's time is both. */
  adjustment_minutes: Generated<number>
  created_at: string
  updated_at: string
}

/** A dated stretch of play inside a playthrough. */
export interface PlaySessionsTable {
  id: Generated<number>
  playthrough_id: number
  /** YYYY-MM-DD. */
  played_on: string
  /** 1 to 1,440. */
  minutes: number
  note: string | null
  /** 'manual', or the import it came from (steam, backloggd, grouvee, hltb, playnite). */
  source: Generated<string>
  created_at: string
}

export type ImportStatus = 'uploading' | 'matching' | 'ready' | 'committing' | 'done' | 'cancelled' | 'failed'
export type ImportOutcome = 'added' | 'updated' | 'unchanged' | 'unmatched' | 'skipped' | 'failed'

/** An upload of a person's history from another tracker (src/imports/), kept until committed or a day old. */
export interface ImportsTable {
  id: Generated<number>
  user_id: number
  source: string
  status: ImportStatus
  /** Rows in the file; `done` of them are matched (status matching) or written (committing). */
  total: number
  done: Generated<number>
  /** JSON: what the person chose in the preview. */
  options: Generated<string>
  /** JSON: the counts of the preview, then of the commit. */
  summary: Generated<string>
  error: string | null
  /** A process working on the import holds it until then; past it, another process takes the work over. */
  lease_until: string | null
  created_at: string
  updated_at: string
  expires_at: string
}

/** One row of an import's file, parsed (src/imports/rows.ts), with its match and what it does. */
export interface ImportRowsTable {
  import_id: number
  position: number
  row_key: string
  kind: string
  line: number | null
  title: string
  /** JSON: the parsed row. */
  data: string
  game_id: number | null
  /** steam, igdb, slug, name, picked (by the person), new (added to the catalog). */
  matched_by: string | null
  /** Planned in the preview, what was done after the commit. */
  outcome: ImportOutcome
  reason: string | null
  /** JSON: what the row does, in words. */
  changes: Generated<string>
  rounded: DbBoolean
  committed: ColumnType<boolean | number, boolean | undefined, boolean>
}

/** What an import wrote, by source and source key: the next import of the same history finds it here. */
export interface ImportedItemsTable {
  user_id: number
  source: string
  /** game, playthrough, session, journal, list, favorites, follow. */
  kind: string
  item_key: string
  /** The game, playthrough, session, entry or list it became. */
  target_id: number | null
  /** JSON: the item as last imported. */
  snapshot: string
  updated_at: string
}

export type NotificationKind = 'follow' | 'review_like' | 'review_comment' | 'list_like' | 'list_comment'

/** Something `actor_id` did to `user_id` or to their review or list (migration 0013). */
export interface NotificationsTable {
  id: Generated<number>
  /** Who hears of it. */
  user_id: number
  actor_id: number
  kind: NotificationKind
  /** The review liked or commented on. */
  entry_id: number | null
  /** The list liked or commented on. */
  list_id: number | null
  /** The review's or list's comment, for a comment. */
  comment_id: number | null
  created_at: string
}

/** A person's notifications up to `read_up_to` (an id) are read. */
export interface NotificationReadsTable {
  user_id: number
  read_up_to: number
}
