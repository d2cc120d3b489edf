/** Everything the server can be told through its environment, parsed once at start. */
export interface Config {
  port: number
  host: string
  databaseUrl: string
  /** Lifetime of a login token in hours; 0 means tokens never expire. */
  tokenTtlHours: number
  corsOrigins: string[]
  logLevel: string
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/overworld.db'

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: readInteger(env, 'PORT', 8000, { min: 0, max: 65535 }),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    tokenTtlHours: readInteger(env, 'TOKEN_TTL_HOURS', 10, { min: 0, max: 24 * 365 * 10 }),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    logLevel: env.LOG_LEVEL || 'info',
  }
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
