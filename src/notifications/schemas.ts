import { Type, type Static } from 'typebox'
import type { NotificationKind } from '../db/tables.js'
import { GameSummary } from '../games/schemas.js'
import { CursorQuery } from '../http/cursor.js'
import { MAX_ID, Nullable } from '../http/schemas.js'
import { UserBadge } from '../users/schemas.js'

/** The people a grouped notification names; the others are counted. */
export const ACTORS_SHOWN = 3

export const NOTIFICATION_KINDS: readonly NotificationKind[] = ['follow', 'review_like', 'review_comment', 'list_like', 'list_comment']

export const Notification = Type.Object(
  {
    id: Type.Integer({ description: 'The newest notification of the group: mark read up to it' }),
    kind: Type.Unsafe<NotificationKind>(
      Type.String({
        enum: [...NOTIFICATION_KINDS],
        description: 'Someone followed you, liked or commented on your review, liked or commented on your list',
      }),
    ),
    read: Type.Boolean(),
    created_at: Type.String({ format: 'date-time', description: 'When the newest of the group happened' }),
    actors: Type.Array(UserBadge, { maxItems: ACTORS_SHOWN, description: `The latest ${ACTORS_SHOWN} people, latest first` }),
    actor_count: Type.Integer({ description: 'How many different people' }),
    count: Type.Integer({ description: 'How many notifications the group holds (a person may comment twice)' }),
    review: Nullable(
      Type.Object({ id: Type.Integer(), game: Type.Object(GameSummary.properties) }, { description: 'For review likes and comments' }),
    ),
    list: Nullable(Type.Object({ id: Type.Integer(), title: Type.String() }, { description: 'For list likes and comments' })),
  },
  {
    description:
      'Notifications of one kind about one thing (one review, one list, or you for follows), all unread or all read, as one item',
  },
)

export type Notification = Static<typeof Notification>

export const NotificationsQuery = Type.Object(CursorQuery, { additionalProperties: false })

export const ReadBody = Type.Object(
  {
    up_to: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_ID,
        description: "Marks read the notifications up to this id (an item's `id`); without it, all of them",
      }),
    ),
  },
  { additionalProperties: false },
)

export const UnreadCount = Type.Object({ unread: Type.Integer({ description: 'How many unread items (groups) there are' }) })
