import { createHash, randomBytes } from 'node:crypto'
import { replaceFavorites } from '../actions/repository.js'
import { hashPassword, passwordHashKind, passwordProblems, verifyPassword } from '../auth/passwords.js'
import { findTrustedDevice, forgetOtherDevices, trustDevice } from '../auth/devices.js'
import type { Client, SignInGuard } from '../auth/sign-in-guard.js'
import { revokeAllTokens, revokeOtherTokens, type Session } from '../auth/tokens.js'
import { eraseDeletedData, uniqueViolation, type Db } from '../db/database.js'
import { dropUnusedProvisionalGames, findProvisionalGamesUsedBy } from '../games/provisional.js'
import { addFieldError, invalid, type FieldErrors } from '../http/errors.js'
import {
  findAvatarSource,
  findCredentials,
  findPasswordHash,
  findTakenIdentifiers,
  holdRetiredUsername,
  insertUser,
  isUsernameHeld,
  replacePasswordHash,
  updateUser,
  type UserChanges,
} from './repository.js'
import type { ProfileUpdateBody, RegisterBody } from './schemas.js'
import { USERNAME_ERRORS, usernameKey, usernameProblems, usernameSkeleton } from './usernames.js'

const EMAIL_TAKEN = 'A user with that email already exists.'

/** What a person's avatar is made from: a random seed, or their email's Gravatar when they opt in. */
export interface AvatarSource {
  avatar_seed: string
  use_gravatar: boolean
  email: string
}

/** 32 random hex digits, shaped like the hash Gravatar expects and tied to nothing. */
export function newAvatarSeed(): string {
  return randomBytes(16).toString('hex')
}

/** A new account's avatar: Gravatar's generated face for a seed of its own. */
export function newAvatar(email: string): AvatarSource & { gravatar: string } {
  const avatar = { avatar_seed: newAvatarSeed(), use_gravatar: false, email }
  return { ...avatar, gravatar: avatarUrl(avatar) }
}

/**
 * A public avatar must not reveal the email (an md5 of it lets anyone confirm a guess). By default it is
 * Gravatar's generated face for the random seed, forced (forcedefault) so it is never someone's real Gravatar;
 * the Gravatar of the email only when its owner has asked for it.
 */
export function avatarUrl({ avatar_seed, use_gravatar, email }: AvatarSource): string {
  if (!use_gravatar) return `https://secure.gravatar.com/avatar/${avatar_seed}?size=120&default=retro&forcedefault=y`
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
  for (const problem of wanted.username === undefined ? [] : usernameProblems(wanted.username)) {
    addFieldError(errors, 'username', problem)
  }
  const taken = await findTakenIdentifiers(db, wanted, exceptUserId)
  if (taken.username) addFieldError(errors, 'username', USERNAME_ERRORS[taken.username])
  if (taken.email) addFieldError(errors, 'email', EMAIL_TAKEN)
  return errors
}

/**
 * Two simultaneous requests for one name (or look-alike names, or one email) both pass the pre-check, and the
 * unique indexes let exactly one of them through. For the others, the pre-check run again now sees the winner
 * and says which field collided, and how.
 */
async function collisionError(
  db: Db,
  error: unknown,
  wanted: { username?: string; email?: string },
  exceptUserId?: number,
): Promise<Error> {
  if (uniqueViolation(error) === undefined) return error as Error
  const errors = await identifierErrors(db, wanted, exceptUserId)
  return Object.keys(errors).length > 0 ? invalid(errors) : (error as Error)
}

/**
 * Refuses a name that another account renamed away from lately. Run it after writing the name, in the same
 * transaction: a rename away from that name committing meanwhile is then seen here (on PostgreSQL the write
 * waits for it, as the name's old row is in the unique index; on SQLite it cannot come in between).
 */
async function requireUsernameNotHeld(db: Db, username: string, userId: number): Promise<void> {
  if (await isUsernameHeld(db, usernameSkeleton(username), userId)) throw invalid({ username: [USERNAME_ERRORS.held] })
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

  const user = { ...newAvatar(email), username: input.username, password_hash: await hashPassword(input.password) }
  try {
    const id = await db.transaction().execute(async (trx) => {
      const id = await insertUser(trx, user)
      await requireUsernameNotHeld(trx, user.username, id)
      return id
    })
    return { id, username: user.username, email: user.email }
  } catch (error) {
    throw await collisionError(db, error, { username: user.username, email })
  }
}

const BAD_CREDENTIALS = invalid({ non_field_errors: ['Incorrect username/password.'] })

/**
 * The account a username (or email) and password open, and the token of the device that opened it; the same
 * error, in the same time, for either mistake. Attempts are limited by the guard, on the account they resolve to.
 * A password kept from the original Overworld (Django's hash) is hashed our way once it has opened the account.
 */
export async function checkCredentials(
  db: Db,
  guard: SignInGuard,
  client: Client,
  credentials: { username: string; password: string },
): Promise<{ account: Account; deviceToken: string }> {
  const account = await findCredentials(db, credentials.username)
  const subject = account ? { userId: account.id } : { unknownName: usernameKey(credentials.username) }
  const { right, device } = await guard.check(client, subject, () => verifyPassword(account?.password_hash, credentials.password))
  if (!account || !right) throw BAD_CREDENTIALS
  if (passwordHashKind(account.password_hash) === 'django-pbkdf2') {
    await replacePasswordHash(db, account.id, account.password_hash, await hashPassword(credentials.password))
  }
  const deviceToken = await trustDevice(db, account.id, device, client.deviceToken)
  return { account: { id: account.id, username: account.username, email: account.email }, deviceToken }
}

/** Applies an owner's profile edit, all or nothing; empty strings and nulls clear optional fields. */
export async function updateProfile(db: Db, owner: Account, input: ProfileUpdateBody): Promise<void> {
  const email = input.email === undefined ? undefined : normalizeEmail(input.email)
  // Sending one's own name back is not choosing it: names older than the rules stay their owners'.
  const username = input.username === owner.username ? undefined : input.username
  const errors = await identifierErrors(db, { username, email }, owner.id)
  if (Object.keys(errors).length > 0) throw invalid(errors)

  const avatarEdited = email !== undefined || input.use_gravatar !== undefined || input.refreshAvatar
  const changes: UserChanges = avatarEdited ? await changedAvatar(db, owner.id, email, input) : {}
  if (username !== undefined) changes.username = username
  if (email !== undefined) changes.email = email
  if (input.bio !== undefined) changes.bio = input.bio || null
  if (input.location !== undefined) changes.location = input.location || null
  if (input.twitter !== undefined) changes.twitter = input.twitter?.replace(/^@/, '') || null
  try {
    await db.transaction().execute(async (trx) => {
      await updateUser(trx, owner.id, changes)
      if (username !== undefined) await retireUsername(trx, owner, username)
      if (input.favorites !== undefined) {
        await requireGamesExist(trx, input.favorites)
        await replaceFavorites(trx, owner.id, input.favorites)
      }
    })
  } catch (error) {
    throw await collisionError(db, error, { username, email }, owner.id)
  }
}

/**
 * After a rename, in its transaction: refuses a new name another account left lately, and holds the old name
 * for its owner (unless the new name is the old one in another case, which keeps the same skeleton).
 */
async function retireUsername(db: Db, owner: Account, newUsername: string): Promise<void> {
  await requireUsernameNotHeld(db, newUsername, owner.id)
  if (usernameSkeleton(newUsername) !== usernameSkeleton(owner.username)) await holdRetiredUsername(db, owner.id, owner.username)
}

/**
 * The avatar after an edit: a refresh without Gravatar draws a new seed; with Gravatar on, the avatar follows
 * the email, through every change of it.
 */
async function changedAvatar(db: Db, userId: number, email: string | undefined, input: ProfileUpdateBody): Promise<UserChanges> {
  const current = await findAvatarSource(db, userId)
  const use_gravatar = input.use_gravatar ?? !!current.use_gravatar
  const avatar_seed = input.refreshAvatar && !use_gravatar ? newAvatarSeed() : current.avatar_seed
  return { avatar_seed, use_gravatar, gravatar: avatarUrl({ avatar_seed, use_gravatar, email: email ?? current.email }) }
}

async function requireGamesExist(db: Db, gameIds: number[]): Promise<void> {
  if (gameIds.length === 0) return
  const found = await db.selectFrom('games').select('id').where('id', 'in', gameIds).execute()
  const missing = gameIds.filter((id) => !found.some((row) => row.id === id))
  if (missing.length > 0) throw invalid({ favorites: missing.map((id) => `Game ${id} does not exist.`) })
}

/** A password check behind a token is a sign-in attempt too: a stolen token must not make a password oracle. */
async function requirePassword(db: Db, guard: SignInGuard, client: Client, userId: number, password: string, field: string) {
  const passwordHash = await findPasswordHash(db, userId)
  const { right } = await guard.check(client, { userId }, () => verifyPassword(passwordHash, password))
  if (!right) throw invalid({ [field]: ['Incorrect password.'] })
}

/**
 * Replaces a password after checking the current one; the new one follows the registration rules. Every other
 * session ends (a changed password is often a response to someone else having it); this one stays signed in.
 */
export async function changePassword(
  db: Db,
  guard: SignInGuard,
  client: Client,
  session: Session,
  input: { current_password: string; new_password: string },
) {
  await requirePassword(db, guard, client, session.user.id, input.current_password, 'current_password')
  const { username, email } = session.user
  const problems = passwordProblems(input.new_password, { username, email })
  if (problems.length > 0) throw invalid({ new_password: problems })
  const passwordHash = await hashPassword(input.new_password)
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', session.user.id).execute()
    await revokeOtherTokens(trx, session.user.id, session.tokenDigest)
    // Whoever signed in with the old password no longer passes for the owner when the account is under attack.
    await forgetOtherDevices(trx, session.user.id, await findTrustedDevice(trx, client.deviceToken))
  })
}

/**
 * Sets an account's password without asking for the current one (an operator's doing, for an account moved
 * without a usable password or locked out): the new one follows the registration rules, and the account is signed
 * out everywhere, its devices forgotten, since whoever held it before must not keep it.
 */
export async function setPassword(db: Db, account: Account, password: string): Promise<void> {
  const problems = passwordProblems(password, { username: account.username, email: account.email })
  if (problems.length > 0) throw invalid({ password: problems })
  const passwordHash = await hashPassword(password)
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', account.id).execute()
    await revokeAllTokens(trx, account.id)
    await forgetOtherDevices(trx, account.id, undefined)
  })
}

/**
 * Checks the owner's password, then deletes the account and everything it owns, and the provisional games that
 * nobody else uses.
 */
export async function deleteAccount(db: Db, guard: SignInGuard, client: Client, userId: number, password: string) {
  await requirePassword(db, guard, client, userId, password, 'password')
  await db.transaction().execute(async (trx) => {
    const usedGames = await findProvisionalGamesUsedBy(trx, userId)
    // Their likes vanish with them: the liked reviews' and lists' counts must follow.
    await trx
      .updateTable('journal_entries')
      .set((eb) => ({ like_count: eb('like_count', '-', 1) }))
      .where('id', 'in', trx.selectFrom('review_likes').select('entry_id').where('user_id', '=', userId))
      .execute()
    await trx
      .updateTable('lists')
      .set((eb) => ({ like_count: eb('like_count', '-', 1) }))
      .where('id', 'in', trx.selectFrom('list_likes').select('list_id').where('user_id', '=', userId))
      .execute()
    await trx.deleteFrom('users').where('id', '=', userId).execute()
    await dropUnusedProvisionalGames(trx, usedGames)
  })
  await eraseDeletedData(db)
}
