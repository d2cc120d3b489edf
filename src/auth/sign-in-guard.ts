import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/database.js'
import { addressKey, enforceLimit, ThrottledError, type RateLimiter } from '../http/rate-limit.js'
import { findTrustedDevice, forgetDevice, type TrustedDevice } from './devices.js'

/**
 * Password checks (sign-in, password change, account deletion) follow OWASP's "device cookie" design:
 * - a device that has signed in to the account before holds a device token; its attempts are counted on that
 *   token alone (too many failures and the device is no longer trusted), so strangers cannot lock the owner out;
 * - every other client shares the account's budget of attempts a minute, keyed on the resolved account (every
 *   spelling of the name and the email share it; unknown names get the same treatment, so the limit reveals
 *   nothing), and on its own address; spending the account's budget locks it for unknown devices, for a minute
 *   at first and twice as long each time again within a day, up to an hour.
 */

const DEVICE_COOKIE = 'overworld_device'
const DEVICE_HEADER = 'x-device-token'
const DEVICE_COOKIE_SECONDS = 365 * 24 * 60 * 60

const WINDOW_SECONDS = 60
const FIRST_LOCK_SECONDS = 60
const LONGEST_LOCK_SECONDS = 60 * 60
/** How long an account's lock-outs are remembered when choosing the next one's length. */
const LOCKS_REMEMBERED_SECONDS = 24 * 60 * 60
/** A trusted device that fails as often as the per-minute budget within this window is trusted no more. */
const DEVICE_FAILURE_WINDOW_SECONDS = 60 * 60

/** Who makes an attempt: the client's address and the device token it holds, if any. */
export interface Client {
  ip: string
  deviceToken: string | undefined
}

/** What the password is tried against: an account, or a name that opens none. */
export type AttemptSubject = { userId: number } | { unknownName: string }

export interface PasswordCheck {
  right: boolean
  /** The trusted device the client showed, whichever account it belongs to. */
  device: TrustedDevice | undefined
}

export interface SignInGuard {
  /** Runs a password check within the limits: 429 when the budget it draws on is spent. */
  check(client: Client, subject: AttemptSubject, isRight: () => Promise<boolean>): Promise<PasswordCheck>
}

export function createSignInGuard(db: Db, limiter: RateLimiter, attemptsPerMinute: number): SignInGuard {
  const limited = attemptsPerMinute > 0
  // One attempt at a time per trusted device (in this process), so a stolen device token cannot run guesses in
  // parallel before its failures are counted: a second one meanwhile is an unknown device's.
  const devicesInFlight = new Set<string>()

  /** The account's shared budget, spent by every client but its trusted devices. */
  async function spendAccountBudget(subjectKey: string): Promise<void> {
    const locked = await limiter.secondsLeft(`auth:lock:${subjectKey}`)
    if (locked > 0) throw new ThrottledError(locked)
    const attempt = await limiter.hit(`auth:account:${subjectKey}`, attemptsPerMinute, WINDOW_SECONDS)
    if (attempt.allowed) return
    if (attempt.count !== attemptsPerMinute + 1) throw new ThrottledError(attempt.retryAfter)
    const locks = await limiter.hit(`auth:locks:${subjectKey}`, Infinity, LOCKS_REMEMBERED_SECONDS)
    const seconds = Math.min(FIRST_LOCK_SECONDS * 2 ** (locks.count - 1), LONGEST_LOCK_SECONDS)
    await limiter.hit(`auth:lock:${subjectKey}`, 0, seconds)
    throw new ThrottledError(seconds)
  }

  /** Too many failures and the device is no longer trusted: it shares the account's budget from then on. */
  async function countDeviceFailure(device: TrustedDevice): Promise<void> {
    const failures = await limiter.hit(`auth:device:${device.digest}`, attemptsPerMinute, DEVICE_FAILURE_WINDOW_SECONDS)
    if (!failures.allowed) await forgetDevice(db, device.digest)
  }

  return {
    async check(client, subject, isRight) {
      const device = await findTrustedDevice(db, client.deviceToken)
      if (!limited) return { right: await isRight(), device }
      const trusted =
        device !== undefined && 'userId' in subject && device.userId === subject.userId && !devicesInFlight.has(device.digest)
      if (!trusted) {
        await enforceLimit(limiter, addressKey(client.ip), attemptsPerMinute, WINDOW_SECONDS)
        await spendAccountBudget('userId' in subject ? `user:${subject.userId}` : `name:${subject.unknownName}`)
        return { right: await isRight(), device }
      }
      devicesInFlight.add(device.digest)
      try {
        const right = await isRight()
        if (!right) await countDeviceFailure(device)
        return { right, device }
      } finally {
        devicesInFlight.delete(device.digest)
      }
    },
  }
}

/** The client of a request: its address (see TRUST_PROXY) and its device token, by header or by cookie. */
export function clientOf(request: FastifyRequest): Client {
  const header = request.headers[DEVICE_HEADER]
  return { ip: request.ip, deviceToken: typeof header === 'string' ? header : cookieValue(request.headers.cookie, DEVICE_COOKIE) }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const [key, value] = pair.split('=', 2)
    if (key?.trim() === name && value !== undefined) return value.trim()
  }
  return undefined
}

/** Hands the device token to the web app as a cookie only its sign-in requests carry, out of scripts' reach. */
export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = request.protocol === 'https' ? '; Secure' : ''
  reply.header(
    'set-cookie',
    `${DEVICE_COOKIE}=${token}; Path=/api/users; Max-Age=${DEVICE_COOKIE_SECONDS}; HttpOnly; SameSite=Strict${secure}`,
  )
}
