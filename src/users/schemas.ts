import { Type, type Static } from 'typebox'
import { MAX_FAVORITES } from '../actions/schemas.js'
import { GameSummary } from '../games/schemas.js'
import { CursorQuery, Page } from '../http/cursor.js'
import { Id, Nullable } from '../http/schemas.js'
import { StatsCounts } from '../stats/schemas.js'

// Letters, digits and @ . + - _ (Django's username rule). Blank is left to minLength so it gets its own message.
const USERNAME_PATTERN = '^[\\p{L}\\p{M}\\p{N}_@.+-]*$'

export const Username = Type.String({
  minLength: 1,
  maxLength: 150,
  pattern: USERNAME_PATTERN,
  'x-error-message': 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
  examples: ['madeline'],
})

export const Email = Type.String({ minLength: 1, maxLength: 254, format: 'email', examples: ['madeline@example.com'] })

export const Password = Type.String({ minLength: 1, description: '8 to 1024 characters; not common, not all digits.' })

/** A username as a path parameter: looked up, not validated, so an odd one is simply not found. */
export const UsernameParams = Type.Object({ username: Type.String({ maxLength: 300 }) })

export const RegisterBody = Type.Object({ username: Username, email: Email, password: Password }, { additionalProperties: false })
export type RegisterBody = Static<typeof RegisterBody>

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 254, description: 'The username or the email of the account.' }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
)

/** How a person is shown wherever they appear beside something: their name and their avatar. */
export const UserBadge = Type.Object({ id: Type.Integer(), username: Type.String(), gravatar: Type.String() })

export const AccountUser = Type.Object({ id: Type.Integer(), username: Type.String(), email: Type.String() })

export const CurrentUser = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: Type.String(),
  gravatar: Type.String({ format: 'uri' }),
})

export const AuthResult = Type.Object({
  user: AccountUser,
  token: Type.String({ description: 'Send as `Authorization: Token <token>` (or `Bearer <token>`).' }),
  expiry: Nullable(Type.String({ format: 'date-time', description: 'When the token stops working; null: never.' })),
  device_token: Type.String({
    description:
      'This device is now known to the account: send it back as `X-Device-Token` (the web app gets it as an HttpOnly cookie) ' +
      'when signing in or confirming your password, and guesses by strangers never lock you out.',
  }),
})

export const Profile = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: Type.Optional(Type.String({ description: 'Present only when the viewer is this user.' })),
  use_gravatar: Type.Optional(
    Type.Boolean({ description: 'Whether the avatar is the Gravatar of the email; present only when the viewer is this user.' }),
  ),
  bio: Nullable(Type.String()),
  location: Nullable(Type.String()),
  twitter: Nullable(Type.String()),
  gravatar: Type.String(),
  played: Type.Array(GameSummary),
  liked: Type.Array(GameSummary),
  backlog: Type.Array(GameSummary),
  wishlist: Type.Array(GameSummary),
  playing: Type.Array(GameSummary, { description: 'The games of the playthroughs they are playing now, the newest playthrough first' }),
  favorites: Type.Array(GameSummary),
  following: Type.Array(Type.Integer(), { description: 'Ids of the users this user follows, in follow order.' }),
  followers: Type.Array(Type.Integer(), { description: 'Ids of the users following this user, in follow order.' }),
  stats: StatsCounts,
  me: Type.Optional(CurrentUser),
  followingUser: Type.Optional(Type.Boolean({ description: 'Whether the viewer follows this user.' })),
})
export type Profile = Static<typeof Profile>

const TWITTER_PATTERN = '^@?[A-Za-z0-9_]{0,15}$'

export const ProfileUpdateBody = Type.Object(
  {
    username: Type.Optional(Username),
    email: Type.Optional(Email),
    bio: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    location: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
    twitter: Type.Optional(
      Nullable(
        Type.String({
          pattern: TWITTER_PATTERN,
          'x-error-message': 'Enter a valid Twitter handle: up to 15 letters, digits or underscores.',
        }),
      ),
    ),
    use_gravatar: Type.Optional(
      Type.Boolean({
        description:
          'Show the Gravatar of your email as your avatar, kept in step with every email change. Off by default: ' +
          'a Gravatar is public and lets anyone confirm a guess of your email; without it your avatar is a random face.',
      }),
    ),
    refreshAvatar: Type.Optional(
      Type.Boolean({ description: 'A new random avatar; with use_gravatar on, your email’s Gravatar again.' }),
    ),
    favorites: Type.Optional(
      Type.Array(Id, {
        maxItems: MAX_FAVORITES,
        uniqueItems: true,
        description: 'Game ids of your favorites showcase, in order; replaces the current one',
      }),
    ),
  },
  { additionalProperties: false },
)
export type ProfileUpdateBody = Static<typeof ProfileUpdateBody>

export const FollowBody = Type.Object({ username: Type.String({ minLength: 1, maxLength: 300 }) }, { additionalProperties: false })

export const EmptyList = Type.Array(Type.Never(), { maxItems: 0, description: 'Always `[]`, as the contract shows.' })

export const ExportQuery = Type.Object(
  { format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }) },
  { additionalProperties: false },
)

export const ChangePasswordBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 1024 }),
    new_password: Type.String({ minLength: 1, description: '8 to 1024 characters; not common, not all digits.' }),
  },
  { additionalProperties: false },
)

export const DeleteAccountBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1024, description: 'Your password, to confirm' }) },
  { additionalProperties: false },
)

export const FollowsQuery = Type.Object(CursorQuery, { additionalProperties: false })

export const FollowsPage = Page(
  Type.Object({
    user: UserBadge,
    bio: Nullable(Type.String()),
    followed_at: Type.String({ format: 'date-time', description: 'When the follow was made' }),
    followed_by_me: Type.Optional(Type.Boolean({ description: 'With a token: whether you follow this person' })),
  }),
)
