import { pbkdf2, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import { promisify } from 'node:util'
import { Algorithm, hash, verify } from '@node-rs/argon2'

/** OWASP's minimum for argon2id (m=19 MiB, t=2, p=1). @node-rs/argon2 hashes on libuv's thread pool. */
const ARGON2_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 }

export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 1024

/**
 * How many hashes run at once, whoever asks: each holds 19 MiB, and more than one a core only queues on the
 * CPU, taking it from the requests being answered meanwhile. The rest wait their turn.
 */
const HASHES_AT_ONCE = os.availableParallelism()
let hashesRunning = 0
const waitingForHashing: (() => void)[] = []

async function withHashingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashesRunning < HASHES_AT_ONCE) hashesRunning++
  else await new Promise<void>((resolve) => waitingForHashing.push(resolve)) // handed the slot of one that ends
  try {
    return await work()
  } finally {
    const next = waitingForHashing.shift()
    if (next) next()
    else hashesRunning--
  }
}

/** How many hashes are running now (never more than the machine's cores). */
export function passwordHashesRunning(): number {
  return hashesRunning
}

export function hashPassword(password: string): Promise<string> {
  return withHashingSlot(() => hash(password, ARGON2_OPTIONS))
}

// Computed once, ahead of the first unknown-user login, so that login costs one verification like the rest.
const dummyHash = hashPassword('overworld-dummy-password')

const ARGON2ID_PREFIX = '$argon2id$'

/**
 * Django's default hash, as accounts moved from the original Overworld keep it until their first sign-in:
 * `pbkdf2_sha256$<iterations>$<salt>$<base64 of a 32-byte PBKDF2-HMAC-SHA256 key>`.
 */
const DJANGO_PBKDF2 = /^pbkdf2_sha256\$(\d{1,10})\$([^$]+)\$([A-Za-z0-9+/]{43}=)$/
/** Django 3.2 used 260,000 iterations and 5.2 uses 1,000,000: a stored count beyond that would only tie up a core. */
const MAX_PBKDF2_ITERATIONS = 1_000_000

const pbkdf2Async = promisify(pbkdf2)

interface DjangoPbkdf2Hash {
  iterations: number
  salt: string
  key: Buffer
}

function parseDjangoPbkdf2(storedHash: string): DjangoPbkdf2Hash | undefined {
  const match = DJANGO_PBKDF2.exec(storedHash)
  if (!match) return undefined
  const iterations = Number(match[1])
  if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) return undefined
  return { iterations, salt: match[2] as string, key: Buffer.from(match[3] as string, 'base64') }
}

/**
 * What a stored hash is: ours (argon2id); Django's PBKDF2, which signs in once and is then replaced by ours; or
 * unusable, which no password opens (Django's `!…`, and anything we cannot verify).
 */
export type PasswordHashKind = 'argon2id' | 'django-pbkdf2' | 'unusable'

export function passwordHashKind(storedHash: string): PasswordHashKind {
  if (storedHash.startsWith(ARGON2ID_PREFIX)) return 'argon2id'
  return parseDjangoPbkdf2(storedHash) ? 'django-pbkdf2' : 'unusable'
}

/**
 * Checks a password against a stored hash. With no hash (unknown user) or an unusable one it still spends one
 * verification against a dummy hash, so a wrong username and a wrong password take the same time.
 */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  if (storedHash?.startsWith(ARGON2ID_PREFIX)) return verifyArgon2(storedHash, password)
  const django = storedHash === undefined ? undefined : parseDjangoPbkdf2(storedHash)
  if (django) return verifyDjangoPbkdf2(django, password)
  await verifyArgon2(await dummyHash, password)
  return false
}

function verifyArgon2(storedHash: string, password: string): Promise<boolean> {
  return withHashingSlot(() => verify(storedHash, password).catch(() => false))
}

/** PBKDF2 on libuv's thread pool, as argon2 runs, compared in constant time. */
async function verifyDjangoPbkdf2({ iterations, salt, key }: DjangoPbkdf2Hash, password: string): Promise<boolean> {
  return timingSafeEqual(await withHashingSlot(() => pbkdf2Async(password, salt, iterations, key.length, 'sha256')), key)
}

const commonPasswords = new Set(
  fs
    .readFileSync(new URL('../../resources/common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter(Boolean),
)

/** Django's password validators' rules and messages: length, common, numeric, similarity to the account. */
export function passwordProblems(password: string, account: { username?: string; email?: string }): string[] {
  const problems: string[] = []
  if (password.length < PASSWORD_MIN_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${PASSWORD_MIN_LENGTH} characters.`)
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    problems.push(`This password is too long. It must contain at most ${PASSWORD_MAX_LENGTH} characters.`)
  }
  if (commonPasswords.has(password.trim().toLowerCase())) problems.push('This password is too common.')
  if (/^\d+$/.test(password)) problems.push('This password is entirely numeric.')
  for (const [attribute, value] of Object.entries(account)) {
    if (value && isTooSimilar(password, value)) {
      problems.push(`The password is too similar to the ${attribute}.`)
    }
  }
  return problems
}

const MAX_SIMILARITY = 0.7

/** Django's UserAttributeSimilarityValidator: the value and each of its word parts, compared by quick ratio. */
function isTooSimilar(password: string, value: string): boolean {
  const lowered = password.toLowerCase()
  const parts = [...value.split(/\W+/), value]
  return parts.some((part) => {
    if (!part || exceedsLengthRatio(password, part)) return false
    return quickRatio(lowered, part.toLowerCase()) >= MAX_SIMILARITY
  })
}

/** A part far shorter than the password cannot make it similar (Django's length bound). */
function exceedsLengthRatio(password: string, part: string): boolean {
  return password.length >= 10 * part.length && part.length < (MAX_SIMILARITY / 2) * password.length
}

/** Python's SequenceMatcher.quick_ratio: 2 × shared characters (as multisets) / total length. */
function quickRatio(a: string, b: string): number {
  const counts = new Map<string, number>()
  for (const char of b) counts.set(char, (counts.get(char) ?? 0) + 1)
  let matches = 0
  for (const char of a) {
    const left = counts.get(char) ?? 0
    if (left > 0) {
      matches++
      counts.set(char, left - 1)
    }
  }
  const total = a.length + b.length
  return total === 0 ? 0 : (2 * matches) / total
}
