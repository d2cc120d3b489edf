import type { FastifyInstance } from 'fastify'

export interface InFlightRequests {
  /** For requests answered outside Fastify's hooks (src/http/fast-reads.ts): one has started, one is done. */
  started(request: object): void
  finished(request: object): void
  /** Resolves once every request that has started has sent its answer, or after `timeoutMs` at the latest. */
  drained(timeoutMs: number): Promise<void>
}

/**
 * Counts the requests between arrival and answer. Closing the server waits for its connections, but a client that
 * hangs up leaves its request running with no connection to wait for: closing must also wait for those before the
 * database goes, or their next query fails on a destroyed driver.
 */
export function trackInFlightRequests(app: FastifyInstance): InFlightRequests {
  const running = new Set<object>()
  let onIdle: (() => void) | null = null
  const finish = (request: object) => {
    if (running.delete(request) && running.size === 0) onIdle?.()
  }
  // Synchronous hooks: they run on every request, and an async one costs a promise each time.
  app.addHook('onRequest', (request, _reply, done) => {
    running.add(request)
    done()
  })
  // An answer passes onSend even when its client has gone; onResponse covers any that would not.
  app.addHook('onSend', (request, _reply, payload, done) => {
    finish(request)
    done(null, payload)
  })
  app.addHook('onResponse', (request, _reply, done) => {
    finish(request)
    done()
  })
  return {
    started: (request) => running.add(request),
    finished: finish,
    drained: (timeoutMs) =>
      new Promise<void>((resolve) => {
        if (running.size === 0) return resolve()
        const timer = setTimeout(resolve, timeoutMs)
        onIdle = () => {
          clearTimeout(timer)
          resolve()
        }
      }),
  }
}
