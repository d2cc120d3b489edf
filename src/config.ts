import { isIP } from 'node:net'
import os from 'node:os'
import { databaseKind } from './db/database.js'

/** Everything the server can be told through its environment, parsed once at start. */
export interface Config {
  port: number
  host: string
  databaseUrl: string
  /** A PostgreSQL read replica of databaseUrl that the read routes answer from; null: they read databaseUrl. */
  databaseReadUrl: string | null
  /** Lifetime of a login token in hours; 0 means tokens never expire. */
  tokenTtlHours: number
  corsOrigins: string[]
  logLevel: string
  /** How log lines are written: pino's JSON lines, or one readable line per request for a person at a terminal. */
  logFormat: LogFormat
  /** IGDB access for search; null (nothing reaches the network) unless both credentials are set. */
  igdb: IgdbConfig | null
  /** Processes serving the port (node:cluster); 1 runs the server in this process. */
  workers: number
  /** Connections each process keeps to each PostgreSQL database (primary, replica) at most. */
  pgPoolSize: number
  /** Where state shared by every process lives (rate-limit counters); null keeps it in memory. */
  redisUrl: string | null
  redisKeyPrefix: string
  /** Requests a minute (exports: an hour); 0 turns a limit off. */
  rateLimits: { authPerMinute: number; writesPerMinute: number; readsPerMinute: number; exportsPerHour: number }
  /** How long the popular games are kept once computed, in seconds (0: computed for each request). */
  popularCacheSeconds: number
  /** How many bytes of serialized profiles and game pages each process keeps (each of the two caches). */
  answerCacheBytes: number
  /**
   * The proxies in front, whose X-Forwarded-For entries are believed: how many of them (hops), or their
   * addresses; the client address is the right-most entry they did not write. false: none, the peer is the client.
   */
  trustProxy: false | number | string[]
  /** How many games new to the shared catalog one account may add. */
  newGames: NewGameLimits
  /** The Steam Web API's base, without a trailing slash: where a Steam import fetches a library (src/imports/steam-api.ts). */
  steamApiUrl: string
}

export type LogFormat = 'json' | 'pretty'

export interface NewGameLimits {
  /** In one request (a list names many games at once). */
  perRequest: number
  /** In any 24 hours. */
  perDay: number
}

export interface IgdbConfig {
  clientId: string
  clientSecret: string
  /** Twitch's OAuth token endpoint (client-credentials grant). */
  tokenUrl: string
  /** IGDB's API base, without a trailing slash, e.g. https://api.igdb.com/v4. */
  apiUrl: string
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/overworld.db'

export function loadConfig(env: NodeJS.ProcessEnv = process.env, stdoutIsTerminal = process.stdout.isTTY === true): Config {
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL
  return {
    port: readInteger(env, 'PORT', 8000, { min: 0, max: 65535 }),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    databaseReadUrl: readReplicaUrl(env, databaseUrl),
    tokenTtlHours: readInteger(env, 'TOKEN_TTL_HOURS', 10, { min: 0, max: 24 * 365 * 10 }),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    logLevel: env.LOG_LEVEL || 'info',
    logFormat: readLogFormat(env.LOG_FORMAT, stdoutIsTerminal),
    igdb: readIgdb(env),
    workers: readWorkers(env, databaseUrl),
    pgPoolSize: readInteger(env, 'PG_POOL_SIZE', 10, { min: 1, max: 1000 }),
    redisUrl: env.REDIS_URL || null,
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'overworld:',
    rateLimits: {
      authPerMinute: readInteger(env, 'RATE_LIMIT_AUTH_PER_MINUTE', 10, { min: 0, max: 1_000_000 }),
      writesPerMinute: readInteger(env, 'RATE_LIMIT_WRITES_PER_MINUTE', 120, { min: 0, max: 1_000_000 }),
      readsPerMinute: readInteger(env, 'RATE_LIMIT_READS_PER_MINUTE', 600, { min: 0, max: 1_000_000 }),
      exportsPerHour: readInteger(env, 'RATE_LIMIT_EXPORTS_PER_HOUR', 5, { min: 0, max: 1_000_000 }),
    },
    popularCacheSeconds: readInteger(env, 'POPULAR_CACHE_SECONDS', 60, { min: 0, max: 86_400 }),
    answerCacheBytes: readInteger(env, 'ANSWER_CACHE_MB', 32, { min: 0, max: 4096 }) * 1024 * 1024,
    trustProxy: readTrustProxy(env.TRUST_PROXY),
    newGames: readNewGameLimits(env),
    steamApiUrl: readUrl(env, 'STEAM_API_URL', 'https://api.steampowered.com').replace(/\/+$/, ''),
  }
}

const MAX_WORKERS = 64

/**
 * In production (NODE_ENV=production) one process per core, so a machine's cores all serve; otherwise one
 * process, which is all tests and development need and keeps the in-memory rate limits exact. An in-memory
 * SQLite database lives in one process, so it is served by one.
 */
function readWorkers(env: NodeJS.ProcessEnv, databaseUrl: string): number {
  const inMemory = databaseUrl === 'sqlite::memory:'
  const fallback = env.NODE_ENV === 'production' && !inMemory ? Math.min(os.availableParallelism(), MAX_WORKERS) : 1
  const workers = readInteger(env, 'WORKERS', fallback, { min: 1, max: MAX_WORKERS })
  if (inMemory && workers > 1) throw new Error('WORKERS > 1 needs a database file or PostgreSQL, not sqlite::memory:')
  return workers
}

/**
 * Replicas are PostgreSQL's streaming replication: SQLite has none, and a PostgreSQL replica of a SQLite
 * database cannot exist. The URL is not repeated in the message: it may carry a password.
 */
function readReplicaUrl(env: NodeJS.ProcessEnv, databaseUrl: string): string | null {
  const url = env.DATABASE_READ_URL
  if (!url) return null
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error('DATABASE_READ_URL must be a PostgreSQL URL (postgres:// or postgresql://): only PostgreSQL has read replicas')
  }
  if (databaseKind(databaseUrl) !== 'postgres') {
    throw new Error('DATABASE_READ_URL needs DATABASE_URL to be PostgreSQL too: it names a read replica of that database')
  }
  return url
}

/** A person at a terminal reads lines; anything else (a file, a log collector) gets JSON unless told otherwise. */
function readLogFormat(raw: string | undefined, stdoutIsTerminal: boolean): LogFormat {
  if (raw === undefined || raw === '') return stdoutIsTerminal ? 'pretty' : 'json'
  if (raw === 'json' || raw === 'pretty') return raw
  throw new Error(`LOG_FORMAT must be json or pretty, got "${raw}"`)
}

function readNewGameLimits(env: NodeJS.ProcessEnv): NewGameLimits {
  const perRequest = readInteger(env, 'NEW_GAMES_PER_REQUEST', 20, { min: 1, max: 1000 })
  const perDay = readInteger(env, 'NEW_GAMES_PER_DAY', 100, { min: 1, max: 1_000_000 })
  // A request past the day's allowance could never succeed, whenever it is sent.
  if (perRequest > perDay) throw new Error(`NEW_GAMES_PER_REQUEST (${perRequest}) must not exceed NEW_GAMES_PER_DAY (${perDay})`)
  return { perRequest, perDay }
}

function readIgdb(env: NodeJS.ProcessEnv): IgdbConfig | null {
  const clientId = env.IGDB_CLIENT_ID ?? ''
  const clientSecret = env.IGDB_CLIENT_SECRET ?? ''
  if (!clientId && !clientSecret) return null
  // Half a configuration is a mistake: say so at start rather than silently searching offline.
  if (!clientId || !clientSecret) throw new Error('IGDB_CLIENT_ID and IGDB_CLIENT_SECRET must be set together')
  return {
    clientId,
    clientSecret,
    tokenUrl: readUrl(env, 'IGDB_TOKEN_URL', 'https://id.twitch.tv/oauth2/token'),
    apiUrl: readUrl(env, 'IGDB_API_URL', 'https://api.igdb.com/v4').replace(/\/+$/, ''),
  }
}

/** Names proxy-addr (Fastify's trustProxy) gives to address ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/**
 * TRUST_PROXY names the proxies, never "trust everyone": with `true`, the client address would be the left-most
 * X-Forwarded-For entry, which the client writes itself, and every per-address limit could be dodged.
 */
function readTrustProxy(raw: string | undefined): Config['trustProxy'] {
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false
  if (raw === 'true') {
    throw new Error(
      'TRUST_PROXY=true would take the client address from what the client writes; set TRUST_PROXY to the ' +
        'number of proxies in front of the server (e.g. 1) or to their addresses or CIDR ranges (e.g. 10.0.0.0/8,192.168.1.10)',
    )
  }
  if (/^\d+$/.test(raw)) return readInteger({ TRUST_PROXY: raw }, 'TRUST_PROXY', 0, { min: 1, max: 32 })
  const entries = raw.split(',').map((entry) => entry.trim())
  for (const entry of entries) {
    if (!NAMED_RANGES.has(entry) && !isAddressOrRange(entry)) {
      throw new Error(`TRUST_PROXY must be a number of proxies or a list of addresses/CIDR ranges, got "${entry}"`)
    }
  }
  return entries
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/')
  const version = isIP(address)
  if (version === 0 || rest.length > 0) return false
  if (prefix === undefined) return true
  return /^\d+$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128)
}

function readUrl(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name] || fallback
  const protocol = URL.canParse(raw) ? new URL(raw).protocol : ''
  if (protocol !== 'http:' && protocol !== 'https:') throw new Error(`${name} must be an http(s) URL, got "${raw}"`)
  return raw
}

function readInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new Error(`${name} must be an integer from ${range.min} to ${range.max}, got "${raw}"`)
  }
  return value
}
