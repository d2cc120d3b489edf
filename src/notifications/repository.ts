import { sql, type Insertable, type RawBuilder } from 'kysely'
import type { Static } from 'typebox'
import type { Db } from '../db/database.js'
import { jsonAggregates, parseJson, type JsonColumn } from '../db/json.js'
import type { NotificationKind, NotificationsTable } from '../db/tables.js'
import { timestamp } from '../db/time.js'
import { GAME_SUMMARY_COLUMNS } from '../games/repository.js'
import type { GameSummary } from '../games/schemas.js'
import type { UserBadge } from '../users/schemas.js'
import { ACTORS_SHOWN, type Notification } from './schemas.js'

export type NewNotification = Omit<Insertable<NotificationsTable>, 'id' | 'created_at'>

/** Tells someone what another person did to them or to their review or list: one insert, none for one's own doing. */
export async function notify(db: Db, notification: NewNotification): Promise<void> {
  if (notification.user_id === notification.actor_id) return
  await db.insertInto('notifications').values({ ...notification, created_at: timestamp() }).execute()
}

/**
 * Takes back the notifications of an action undone (a like taken back, an unfollow, a comment deleted), read or
 * not: they would say something no longer true. Matches every field given.
 */
export async function withdrawNotifications(
  db: Db,
  match: { user_id: number; kind: NotificationKind } & Partial<Pick<NewNotification, 'actor_id' | 'entry_id' | 'list_id' | 'comment_id'>>,
): Promise<void> {
  let query = db.deleteFrom('notifications').where('user_id', '=', match.user_id).where('kind', '=', match.kind)
  for (const column of ['actor_id', 'entry_id', 'list_id', 'comment_id'] as const) {
    const value = match[column]
    if (value != null) query = query.where(column, '=', value)
  }
  await query.execute()
}

/** What a notification is about, as SQL: the review's or the list's id, nothing (0) for a follow. */
const targetOf = (alias: string) => `coalesce(${alias}.entry_id, ${alias}.list_id, 0)`
/** 1 when the notification is read (its id at or below the person's mark `mark`), else 0, as SQL. */
const readFlagOf = (alias: string, mark: string) => `case when ${alias}.id <= ${mark} then 1 else 0 end`

const REVIEW_KINDS: NotificationKind[] = ['review_like', 'review_comment']
const LIST_KINDS: NotificationKind[] = ['list_like', 'list_comment']

/**
 * A page of someone's notifications, newest first, grouped: those of one kind about one thing (a review, a list,
 * or the person for follows) and all read or all unread are one item, with the latest few people and the counts.
 * One query: the groups, what they are about, and their people (as JSON, correlated to each group).
 */
export async function findNotifications(db: Db, userId: number, beforeId: number | undefined, count: number): Promise<Notification[]> {
  const target = sql.raw<number>(targetOf('n'))
  const readFlag = sql.raw<number>(readFlagOf('n', 'coalesce(r.read_up_to, 0)'))
  const groups = db
    .selectFrom('notifications as n')
    .leftJoin('notification_reads as r', 'r.user_id', 'n.user_id')
    .where('n.user_id', '=', userId)
    .groupBy(['n.user_id', 'n.kind', target, readFlag, 'r.read_up_to'])
    .select((eb) => [
      'n.user_id',
      'n.kind',
      target.as('target_id'),
      readFlag.as('is_read'),
      sql<number>`coalesce(r.read_up_to, 0)`.as('read_up_to'),
      eb.fn.max('n.id').as('latest_id'),
      eb.fn.max('n.created_at').as('created_at'),
      eb.fn.countAll<number | string>().as('count'),
      eb.fn.count<number | string>('n.actor_id').distinct().as('actor_count'),
    ])
    .$if(beforeId !== undefined, (query) => query.having((eb) => eb.fn.max('n.id'), '<', beforeId as number))
    .orderBy('latest_id', 'desc')
    .limit(count)
  const actors = jsonAggregates(db).objects(
    { id: 'u.id', username: 'u.username', gravatar: 'u.gravatar' },
    `from (select m.actor_id, max(m.id) as last_id from notifications m
        where m.user_id = g.user_id and m.id <= g.latest_id and m.kind = g.kind
          and ${targetOf('m')} = g.target_id and ${readFlagOf('m', 'g.read_up_to')} = g.is_read
        group by m.actor_id order by last_id desc limit ${ACTORS_SHOWN}) as a
      join users u on u.id = a.actor_id`,
    'a.last_id desc',
  ) as RawBuilder<JsonColumn<Static<typeof UserBadge>[]>>
  const rows = await db
    .selectFrom(groups.as('g'))
    .leftJoin('journal_entries as e', (join) => join.onRef('e.id', '=', 'g.target_id').on('g.kind', 'in', REVIEW_KINDS))
    .leftJoin('games', 'games.id', 'e.game_id')
    .leftJoin('lists as l', (join) => join.onRef('l.id', '=', 'g.target_id').on('g.kind', 'in', LIST_KINDS))
    .select([
      'g.kind',
      'g.is_read',
      'g.latest_id',
      'g.created_at',
      'g.count',
      'g.actor_count',
      actors.as('actors'),
      'e.id as entry_id',
      ...GAME_SUMMARY_COLUMNS,
      'l.id as list_id',
      'l.title as list_title',
    ])
    .orderBy('g.latest_id', 'desc')
    .execute()
  return rows.map(({ kind, is_read, latest_id, created_at, count, actor_count, actors, entry_id, list_id, list_title, ...game }) => ({
    id: latest_id as number,
    kind,
    read: !!is_read,
    created_at: created_at as string,
    actors: parseJson(actors),
    actor_count: Number(actor_count),
    count: Number(count),
    review: entry_id === null ? null : { id: entry_id, game: game as GameSummary },
    list: list_id === null ? null : { id: list_id, title: list_title as string },
  }))
}

/** How many items the person's unread notifications make, grouped as findNotifications groups them. */
export async function countUnread(db: Db, userId: number): Promise<number> {
  const mark = db.selectFrom('notification_reads').select('read_up_to').where('user_id', '=', userId)
  const unreadGroups = db
    .selectFrom('notifications as n')
    .select('n.kind')
    .where('n.user_id', '=', userId)
    .where('n.id', '>', (eb) => eb.fn.coalesce(mark, sql<number>`0`))
    .groupBy(['n.kind', sql.raw(targetOf('n'))])
  const row = await db
    .selectFrom(unreadGroups.as('u'))
    .select((eb) => eb.fn.countAll<number | string>().as('unread'))
    .executeTakeFirstOrThrow()
  return Number(row.unread)
}

/**
 * Marks the person's notifications read up to `upTo` (all without it): the mark only moves forward, and never
 * past their newest notification, so that later ones arrive unread. Run it in a transaction.
 */
export async function markRead(db: Db, userId: number, upTo: number | undefined): Promise<void> {
  const newest = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('user_id', '=', userId)
    .$if(upTo !== undefined, (query) => query.where('id', '<=', upTo as number))
    .executeTakeFirst()
  if (newest?.id == null) return
  await db
    .insertInto('notification_reads')
    .values({ user_id: userId, read_up_to: newest.id })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        read_up_to: sql<number>`case when excluded.read_up_to > notification_reads.read_up_to then excluded.read_up_to else notification_reads.read_up_to end`,
      }),
    )
    .execute()
}
