import { Redis } from 'ioredis'
import type { FastifyBaseLogger } from 'fastify'
import { ApiError } from './errors.js'

export interface RateLimitResult {
  allowed: boolean
  /** Hits in the window so far, this one included. */
  count: number
  /** Seconds until the window resets. */
  retryAfter: number
}

/** Counts hits per key in fixed windows; shared by every process when it lives in Redis. */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>
  /** Seconds until the key's window ends, without counting a hit; 0 when it has none. */
  secondsLeft(key: string): Promise<number>
  close(): Promise<void>
}

/** A limiter in this process's memory, which can also count a hit without waiting for anything. */
export interface MemoryLimiter extends RateLimiter {
  hitNow(key: string, limit: number, windowSeconds: number): RateLimitResult
}

/** Counters in this process's memory: right for one process, or as the fallback while Redis is away. */
export function createMemoryLimiter(): MemoryLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>()
  const sweep = setInterval(() => {
    const now = Date.now()
    for (const [key, window] of windows) if (window.resetAt <= now) windows.delete(key)
  }, 60_000)
  sweep.unref()
  const hitNow = (key: string, limit: number, windowSeconds: number): RateLimitResult => {
    const now = Date.now()
    let window = windows.get(key)
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowSeconds * 1000 }
      windows.set(key, window)
    }
    window.count++
    return { allowed: window.count <= limit, count: window.count, retryAfter: secondsUntil(window.resetAt - now) }
  }
  return {
    hitNow,
    async hit(key, limit, windowSeconds) {
      return hitNow(key, limit, windowSeconds)
    },
    async secondsLeft(key) {
      const window = windows.get(key)
      const left = window ? window.resetAt - Date.now() : 0
      return left > 0 ? secondsUntil(left) : 0
    },
    async close() {
      clearInterval(sweep)
      windows.clear()
    },
  }
}

function secondsUntil(milliseconds: number): number {
  return Math.max(1, Math.ceil(milliseconds / 1000))
}

// Increments the window's counter, starting its expiry on the first hit; answers the count and the time left.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
`

const CONNECT_TIMEOUT_MS = 1000

/** While Redis is away, how often one request tries it again (the others count in memory meanwhile). */
const REDIS_PROBE_INTERVAL_MS = 5_000

/**
 * Counters in Redis, so that every instance counts the same hits. While Redis cannot be reached, or does not
 * answer within half a second, the counting falls back to this process's memory (and says so once in the log)
 * rather than failing or holding up requests; Redis is tried again every few seconds.
 */
export async function createRedisLimiter(url: string, keyPrefix: string, log: FastifyBaseLogger): Promise<RateLimiter> {
  const redis = new Redis(url, {
    // Fail commands at once while disconnected, and soon when Redis is silent, instead of queueing them.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  })
  // Without waiting for the first connection, the first requests of a new process would find Redis "away" and
  // count in memory for a while, unseen by the other processes. A Redis that is really away costs one wait.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CONNECT_TIMEOUT_MS)
    redis.once('ready', () => {
      clearTimeout(timer)
      resolve()
    })
  })
  const fallback = createMemoryLimiter()
  let degradedUntil = 0
  let degraded = false
  const markBack = () => {
    if (degraded) log.warn('Redis is back: rate limits are shared again')
    degraded = false
  }
  redis.on('error', () => {
    // Reported through the fallback's warning; ioredis keeps reconnecting by itself.
  })
  // Reconnected after an outage; a Redis that was only silent shows it is back by answering a hit.
  redis.on('ready', markBack)
  /** Runs a command on Redis, or on the fallback while Redis is away or silent. */
  async function shared<T>(onRedis: () => Promise<T>, onFallback: () => Promise<T>): Promise<T> {
    if (degraded && Date.now() < degradedUntil) return onFallback()
    try {
      const result = await onRedis()
      markBack()
      return result
    } catch (error) {
      if (!degraded) log.warn({ err: error }, 'Redis unreachable: rate limits fall back to this process memory')
      degraded = true
      degradedUntil = Date.now() + REDIS_PROBE_INTERVAL_MS
      return onFallback()
    }
  }
  return {
    hit: (key, limit, windowSeconds) =>
      shared(
        async () => {
          const [count, ttl] = (await redis.eval(HIT_SCRIPT, 1, `${keyPrefix}${key}`, windowSeconds * 1000)) as [number, number]
          return { allowed: count <= limit, count, retryAfter: secondsUntil(ttl) }
        },
        () => fallback.hit(key, limit, windowSeconds),
      ),
    secondsLeft: (key) =>
      shared(
        async () => {
          const ttl = await redis.pttl(`${keyPrefix}${key}`)
          return ttl > 0 ? secondsUntil(ttl) : 0
        },
        () => fallback.secondsLeft(key),
      ),
    async close() {
      await fallback.close()
      redis.disconnect()
    },
  }
}

export class ThrottledError extends ApiError {
  constructor(readonly retryAfter: number) {
    super(429, { detail: `Request was throttled. Expected available in ${retryAfter} seconds.` })
  }
}

/** Refuses the request with 429 when the key has used up its hits in the window. */
export async function enforceLimit(limiter: RateLimiter, key: string, limit: number, windowSeconds = 60): Promise<void> {
  const { allowed, retryAfter } = await limiter.hit(key, limit, windowSeconds)
  if (!allowed) throw new ThrottledError(retryAfter)
}

export interface Throttles {
  /** Sign-ups, per client address (sign-ins are limited by src/auth/sign-in-guard.ts). */
  signUp(ip: string): Promise<void>
  /** Changes made by a signed-in user. */
  write(userId: number): Promise<void>
  /** Downloads of a whole account (GET /api/users/me/export), per account and hour. */
  export(userId: number): Promise<void>
  /**
   * Reads of the API by one client: `reader` is the signed-in account, or the client address (readerOf). Counted
   * in memory, so it answers at once: it runs on every read, and a promise per read is measurable.
   */
  read(reader: string): void
}

/**
 * `readLimiter` counts reads: in this process's memory even when `limiter` is Redis, since a Redis round trip
 * would cost a read more than the read itself; each process then allows a client the whole limit.
 */
export function createThrottles(
  limiter: RateLimiter,
  limits: { authPerMinute: number; writesPerMinute: number; readsPerMinute: number; exportsPerHour: number },
  readLimiter: MemoryLimiter,
): Throttles {
  return {
    async signUp(ip) {
      if (limits.authPerMinute > 0) await enforceLimit(limiter, addressKey(ip), limits.authPerMinute)
    },
    async write(userId) {
      if (limits.writesPerMinute > 0) await enforceLimit(limiter, `write:user:${userId}`, limits.writesPerMinute)
    },
    async export(userId) {
      if (limits.exportsPerHour > 0) await enforceLimit(limiter, `export:user:${userId}`, limits.exportsPerHour, 3600)
    },
    read(reader) {
      if (limits.readsPerMinute === 0) return
      const { allowed, retryAfter } = readLimiter.hitNow(`read:${reader}`, limits.readsPerMinute, 60)
      if (!allowed) throw new ThrottledError(retryAfter)
    },
  }
}

/** Sign-ups and sign-ins from unknown devices share one budget per client address. */
export function addressKey(ip: string): string {
  return `auth:ip:${clientBlock(ip)}`
}

/** Who a read counts against: the signed-in account when the route resolved a token, else the client address. */
export function readerOf(userId: number | undefined, ip: string): string {
  return userId !== undefined ? `user:${userId}` : `ip:${clientBlock(ip)}`
}

/** An IPv6 address by its /64, the block one subscriber is usually given, so that it is one client, not 2^64. */
function clientBlock(ip: string): string {
  return ip.includes(':') && !ip.includes('.') ? ipv6Prefix64(ip) : ip
}

/** The first four groups of an IPv6 address as the socket or the proxy writes it: "2001:db8::1" → "2001:db8:0:0::/64". */
function ipv6Prefix64(ip: string): string {
  const [head = '', tail] = ip.split('::')
  const groups = head === '' ? [] : head.split(':')
  if (groups.length < 4 && tail !== undefined) {
    const tailGroups = tail === '' ? [] : tail.split(':')
    while (groups.length < 8 - tailGroups.length) groups.push('0')
    groups.push(...tailGroups)
  }
  return `${groups.slice(0, 4).join(':')}::/64`
}
