import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../db/database.js'
import { timestamp } from '../db/time.js'

const DEVICE_TOKEN_PATTERN = /^[0-9a-f]{64}$/

/** An account remembers this many devices; signing in on another one forgets the least recently used. */
const DEVICES_PER_ACCOUNT = 20

export interface TrustedDevice {
  digest: string
  userId: number
}

function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** The device a token names, whichever account it belongs to; undefined for anything else. */
export async function findTrustedDevice(db: Db, token: string | undefined): Promise<TrustedDevice | undefined> {
  if (token === undefined || !DEVICE_TOKEN_PATTERN.test(token)) return undefined
  const row = await db
    .selectFrom('trusted_devices')
    .select(['digest', 'user_id'])
    .where('digest', '=', digestOf(token))
    .executeTakeFirst()
  return row && { digest: row.digest, userId: row.user_id }
}

/**
 * Remembers that this device signed in to the account, and answers the token it holds from now on: the one it
 * came with when that already named this account, else a new one (only its digest is stored).
 */
export async function trustDevice(db: Db, userId: number, known?: TrustedDevice, token?: string) {
  const now = timestamp()
  if (known && known.userId === userId && token !== undefined) {
    await db.updateTable('trusted_devices').set({ last_used_at: now }).where('digest', '=', known.digest).execute()
    return token
  }
  const fresh = randomBytes(32).toString('hex')
  await db
    .insertInto('trusted_devices')
    .values({ digest: digestOf(fresh), user_id: userId, created_at: now, last_used_at: now })
    .execute()
  const forgotten = db
    .selectFrom('trusted_devices')
    .select('digest')
    .where('user_id', '=', userId)
    .orderBy('last_used_at', 'desc')
    .orderBy('digest')
    .offset(DEVICES_PER_ACCOUNT)
    .limit(1000)
  await db.deleteFrom('trusted_devices').where('digest', 'in', forgotten).execute()
  return fresh
}

export async function forgetDevice(db: Db, digest: string): Promise<void> {
  await db.deleteFrom('trusted_devices').where('digest', '=', digest).execute()
}

/** After a password change: whoever signed in with the old password no longer counts as the owner's device. */
export async function forgetOtherDevices(db: Db, userId: number, kept: TrustedDevice | undefined): Promise<void> {
  let query = db.deleteFrom('trusted_devices').where('user_id', '=', userId)
  if (kept?.userId === userId) query = query.where('digest', '!=', kept.digest)
  await query.execute()
}
