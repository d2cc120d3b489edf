import { createHash } from 'node:crypto'
import { replaceFavorites } from '../actions/repository.js'
import { hashPassword, passwordProblems, verifyPassword } from '../auth/passwords.js'
import { revokeOtherTokens, type Session } from '../auth/tokens.js'
import { uniqueViolation, type Db } from '../db/database.js'
import { dropUnusedProvisionalGames, findProvisionalGamesUsedBy } from '../games/provisional.js'
import { addFieldError, invalid, type FieldErrors } from '../http/errors.js'
import {
  findCredentials,
  findPasswordHash,
  findTakenIdentifiers,
  insertUser,
  updateUser,
  usernameKey,
  type UserChanges,
} from './repository.js'
import type { ProfileUpdateBody, RegisterBody } from './schemas.js'

/** Names that are paths of the Users API, so a profile under them could not be reached at /api/users/:username. */
const RESERVED_USERNAMES = new Set(['user', 'register', 'login', 'logout', 'logoutall', 'follow', 'unfollow', 'profile', 'me'])

const USERNAME_TAKEN = 'A user with that username already exists.'
const EMAIL_TAKEN = 'A user with that email already exists.'

export function gravatarUrl(email: string): string {
  const digest = createHash('md5').update(email.trim().toLowerCase()).digest('hex')
  return `https://secure.gravatar.com/avatar/${digest}?size=120&default=retro`
}

/** Keeps the local part as typed (it may be case-sensitive) and lower-cases the domain, which is not. */
function normalizeEmail(email: string): string {
  const at = email.lastIndexOf('@')
  return email.slice(0, at) + email.slice(at).toLowerCase()
}

async function identifierErrors(
  db: Db,
  wanted: { username?: string; email?: string },
  exceptUserId?: number,
): Promise<FieldErrors> {
  const errors: FieldErrors = {}
  if (wanted.username !== undefined && RESERVED_USERNAMES.has(usernameKey(wanted.username))) {
    addFieldError(errors, 'username', 'This username is reserved.')
  }
  const taken = await findTakenIdentifiers(db, wanted, exceptUserId)
  if (taken.username) addFieldError(errors, 'username', USERNAME_TAKEN)
  if (taken.email) addFieldError(errors, 'email', EMAIL_TAKEN)
  return errors
}

/**
 * Turns a unique-index collision into the same field error the pre-check gives: two simultaneous requests for
 * one name both pass the pre-check, and the index lets exactly one of them through.
 */
function collisionError(error: unknown): Error {
  const index = uniqueViolation(error)
  if (index?.includes('username_key')) return invalid({ username: [USERNAME_TAKEN] })
  if (index?.includes('email_key')) return invalid({ email: [EMAIL_TAKEN] })
  return error as Error
}

export interface Account {
  id: number
  username: string
  email: string
}

/** Validates a registration against existing accounts and the password rules, then creates the account. */
export async function registerAccount(db: Db, input: RegisterBody): Promise<Account> {
  const email = normalizeEmail(input.email)
  const errors = await identifierErrors(db, { username: input.username, email })
  for (const problem of passwordProblems(input.password, { username: input.username, email })) {
    addFieldError(errors, 'password', problem)
  }
  if (Object.keys(errors).length > 0) throw invalid(errors)

  const user = {
    username: input.username,
    email,
    password_hash: await hashPassword(input.password),
    gravatar: gravatarUrl(email),
  }
  try {
    const id = await insertUser(db, user)
    return { id, username: user.username, email: user.email }
  } catch (error) {
    throw collisionError(error)
  }
}

const BAD_CREDENTIALS = invalid({ non_field_errors: ['Incorrect username/password.'] })

/** The account a username (or email) and password open; the same error, in the same time, for either mistake. */
export async function checkCredentials(db: Db, login: string, password: string): Promise<Account> {
  const account = await findCredentials(db, login)
  const valid = await verifyPassword(account?.password_hash, password)
  if (!account || !valid) throw BAD_CREDENTIALS
  return { id: account.id, username: account.username, email: account.email }
}

/** Applies an owner's profile edit; empty strings and nulls clear optional fields. Run it in a transaction. */
export async function updateProfile(db: Db, owner: Account, input: ProfileUpdateBody): Promise<void> {
  const email = input.email === undefined ? undefined : normalizeEmail(input.email)
  const errors = await identifierErrors(db, { username: input.username, email }, owner.id)
  if (Object.keys(errors).length > 0) throw invalid(errors)

  const changes: UserChanges = {}
  if (input.username !== undefined) changes.username = input.username
  if (email !== undefined) changes.email = email
  if (input.bio !== undefined) changes.bio = input.bio || null
  if (input.location !== undefined) changes.location = input.location || null
  if (input.twitter !== undefined) changes.twitter = input.twitter?.replace(/^@/, '') || null
  if (input.refreshAvatar) changes.gravatar = gravatarUrl(email ?? owner.email)
  try {
    await updateUser(db, owner.id, changes)
  } catch (error) {
    throw collisionError(error)
  }
  if (input.favorites !== undefined) {
    await requireGamesExist(db, input.favorites)
    await replaceFavorites(db, owner.id, input.favorites)
  }
}

async function requireGamesExist(db: Db, gameIds: number[]): Promise<void> {
  if (gameIds.length === 0) return
  const found = await db.selectFrom('games').select('id').where('id', 'in', gameIds).execute()
  const missing = gameIds.filter((id) => !found.some((row) => row.id === id))
  if (missing.length > 0) throw invalid({ favorites: missing.map((id) => `Game ${id} does not exist.`) })
}

async function requirePassword(db: Db, userId: number, password: string, field: string): Promise<void> {
  const passwordHash = await findPasswordHash(db, userId)
  if (!(await verifyPassword(passwordHash, password))) throw invalid({ [field]: ['Incorrect password.'] })
}

/**
 * Replaces a password after checking the current one; the new one follows the registration rules. Every other
 * session ends (a changed password is often a response to someone else having it); this one stays signed in.
 */
export async function changePassword(db: Db, session: Session, input: { current_password: string; new_password: string }) {
  await requirePassword(db, session.user.id, input.current_password, 'current_password')
  const { username, email } = session.user
  const problems = passwordProblems(input.new_password, { username, email })
  if (problems.length > 0) throw invalid({ new_password: problems })
  const passwordHash = await hashPassword(input.new_password)
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', session.user.id).execute()
    await revokeOtherTokens(trx, session.user.id, session.tokenDigest)
  })
}

/**
 * Checks the owner's password, then deletes the account and everything it owns, and the provisional games that
 * nobody else uses.
 */
export async function deleteAccount(db: Db, userId: number, password: string): Promise<void> {
  await requirePassword(db, userId, password, 'password')
  await db.transaction().execute(async (trx) => {
    const usedGames = await findProvisionalGamesUsedBy(trx, userId)
    // Their likes vanish with them: the liked reviews' counts must follow.
    await trx
      .updateTable('journal_entries')
      .set((eb) => ({ like_count: eb('like_count', '-', 1) }))
      .where('id', 'in', trx.selectFrom('review_likes').select('entry_id').where('user_id', '=', userId))
      .execute()
    await trx.deleteFrom('users').where('id', '=', userId).execute()
    await dropUnusedProvisionalGames(trx, usedGames)
  })
}
