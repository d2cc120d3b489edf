import type { FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'

type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>

/** Where the log lines go (stdout). */
interface Output {
  write(text: string): unknown
}

/**
 * The server's logger: pino's JSON lines (LOG_FORMAT=json, the default when stdout is not a terminal), or the same
 * records as readable lines, one per request (LOG_FORMAT=pretty, the default at a terminal). Fastify's request
 * serializer logs no header; the paths below are removed anyway, so a credential never reaches a line.
 */
export function loggerOptions(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  output: Output = process.stdout,
): LoggerOptions {
  const options = {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-device-token"]'],
  }
  if (config.logFormat === 'json') return options
  return {
    ...options,
    // The readable line of a finished request names the request too: its JSON leaves that to "incoming request".
    serializers: { res: (reply) => ({ statusCode: reply.statusCode, method: reply.request?.method, url: reply.request?.url }) },
    stream: { write: (json: string) => writeReadable(output, JSON.parse(json) as LogRecord) },
  }
}

interface LogRecord {
  level: number
  time: number
  msg?: string
  err?: { message?: string; stack?: string }
  res?: { statusCode?: number; method?: string; url?: string }
  responseTime?: number
  [field: string]: unknown
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }

/** Fields every record carries, or that the readable line already shows. */
const SHOWN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'reqId', 'msg', 'err', 'req', 'res', 'responseTime'])

/** `12:03:04 GET /api/games/12 200 3.1 ms`, or `12:03:04 WARN message {"other":"fields"}` and the error's stack. */
function writeReadable(output: Output, record: LogRecord): void {
  const message = record.msg ?? ''
  // A request is told once, when it is answered; where the server listens, by the start line.
  if (message === 'incoming request' || message.startsWith('Server listening at')) return
  const { res, responseTime } = record
  const text = res?.method && responseTime !== undefined
    ? `${res.method} ${res.url} ${res.statusCode} ${responseTime.toFixed(1)} ms`
    : message
  const fields = Object.fromEntries(Object.entries(record).filter(([name]) => !SHOWN_FIELDS.has(name)))
  const line = [
    new Date(record.time).toTimeString().slice(0, 8),
    LEVEL_NAMES[record.level],
    text,
    Object.keys(fields).length > 0 ? JSON.stringify(fields) : undefined,
  ].filter(Boolean).join(' ')
  const error = record.err ? `\n    ${(record.err.stack ?? record.err.message ?? '').replaceAll('\n', '\n    ')}` : ''
  output.write(`${line}${error}\n`)
}
