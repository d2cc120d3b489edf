import { hash, randomBytes } from 'node:crypto'
import type { Db } from '../db/database.js'
import { andThen, prepareKeyedRead, type MaybePromise } from '../db/prepared.js'
import { hoursFromNow, timestamp } from '../db/time.js'

const TOKEN_PATTERN = /^[0-9a-f]{64}$/
const TOKEN_KEY_LENGTH = 8

export interface TokenOwner {
  id: number
  username: string
  email: string
  gravatar: string
}

export interface IssuedToken {
  token: string
  expiry: string | null
}

function digestOf(token: string): string {
  return hash('sha256', token, 'hex')
}

/** Issues a new login token for a user; only its digest is stored. */
export async function issueToken(db: Db, userId: number, ttlHours: number): Promise<IssuedToken> {
  const token = randomBytes(32).toString('hex')
  const expiry = ttlHours > 0 ? hoursFromNow(ttlHours) : null
  await db
    .insertInto('auth_tokens')
    .values({
      digest: digestOf(token),
      token_key: token.slice(0, TOKEN_KEY_LENGTH),
      user_id: userId,
      created_at: timestamp(),
      expires_at: expiry,
    })
    .execute()
  return { token, expiry }
}

export interface Session {
  user: TokenOwner
  /** Digest of the token the request came with, so logout can revoke exactly that one. */
  tokenDigest: string
}

/**
 * Finds the user a token belongs to, or undefined when it is unknown, revoked or expired (expired ones are
 * purged). The lookup runs on every signed-in request: it is compiled once, here, and answers at once on SQLite.
 */
export function createSessionLookup(db: Db): (token: string) => MaybePromise<Session | undefined> {
  // By the digest, the table's key: one row or none. A lookup's timing can tell at most how a digest compares
  // with stored ones, which brings no one closer to a token (knox looks up by the token's first characters and
  // compares digests in constant time instead; that cost this read a second index walk and a comparison).
  const tokenByDigest = prepareKeyedRead<string, TokenRow>(db, 'text', (digest) =>
    db
      .selectFrom('auth_tokens')
      .innerJoin('users', 'users.id', 'auth_tokens.user_id')
      .select(['auth_tokens.digest', 'auth_tokens.expires_at', 'users.id', 'users.username', 'users.email', 'users.gravatar'])
      .where('auth_tokens.digest', '=', digest),
  )
  const sessionOf = (row: TokenRow | undefined): MaybePromise<Session | undefined> => {
    if (!row) return undefined
    if (row.expires_at !== null && Date.parse(row.expires_at) <= Date.now()) {
      return db.deleteFrom('auth_tokens').where('digest', '=', row.digest).execute().then(() => undefined)
    }
    const { id, username, email, gravatar } = row
    return { user: { id, username, email, gravatar }, tokenDigest: row.digest }
  }
  return (token) => (TOKEN_PATTERN.test(token) ? andThen(tokenByDigest(digestOf(token)), sessionOf) : undefined)
}

type TokenRow = TokenOwner & { digest: string; expires_at: string | null }

export async function revokeToken(db: Db, tokenDigest: string): Promise<void> {
  await db.deleteFrom('auth_tokens').where('digest', '=', tokenDigest).execute()
}

/** Signs a user out everywhere but on the token of this request. */
export async function revokeOtherTokens(db: Db, userId: number, keptDigest: string): Promise<void> {
  await db.deleteFrom('auth_tokens').where('user_id', '=', userId).where('digest', '!=', keptDigest).execute()
}

export async function revokeAllTokens(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('auth_tokens').where('user_id', '=', userId).execute()
}

export async function purgeExpiredTokens(db: Db, userId?: number): Promise<void> {
  let query = db.deleteFrom('auth_tokens').where('expires_at', '<=', timestamp())
  if (userId !== undefined) query = query.where('user_id', '=', userId)
  await query.execute()
}
