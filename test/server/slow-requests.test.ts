import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { buildApp, type App } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'

/** Short enough to keep the test quick; the server's own is 30 s, enforced the same way. */
const REQUEST_TIMEOUT_MS = 2_000
/** Node looks for overdue requests once a second: the cut comes within that of the timeout (and a busy machine may be slow). */
const MARGIN_MS = 2_000

interface Trickled {
  /** What the server wrote back before closing. */
  answer: string
  /** When the server closed the connection, from the first byte sent; null if it was still open when we gave up. */
  closedAfterMs: number | null
}

/** Sends `head` at once, then `trickle` a byte every 100 ms, and gives up after `giveUpAfterMs`. */
function trickle(port: number, head: string, trickle: string, giveUpAfterMs: number): Promise<Trickled> {
  return new Promise((resolve) => {
    const start = Date.now()
    const socket = net.connect(port, '127.0.0.1')
    let answer = ''
    let sent = 0
    const finish = (closedAfterMs: number | null) => {
      clearInterval(dripping)
      clearTimeout(givingUp)
      socket.destroy()
      resolve({ answer, closedAfterMs })
    }
    socket.write(head)
    const dripping = setInterval(() => socket.write(trickle[sent++ % trickle.length] as string), 100)
    const givingUp = setTimeout(() => finish(null), giveUpAfterMs)
    socket.on('data', (data) => (answer += data.toString()))
    socket.on('error', () => {})
    socket.on('close', () => finish(Date.now() - start))
  })
}

describe('clients that send a request a byte at a time', () => {
  let app: App
  let port: number
  before(async () => {
    const db = openDatabase('sqlite::memory:')
    await migrateToLatest(db)
    app = await buildApp({ config: loadConfig({}), db, webDist: null, requestTimeoutMs: REQUEST_TIMEOUT_MS })
    await app.listen({ port: 0, host: '127.0.0.1' })
    port = (app.server.address() as net.AddressInfo).port
  })
  after(() => app.close())

  const assertCutOnTime = ({ answer, closedAfterMs }: Trickled) => {
    assert.notEqual(closedAfterMs, null, `still open ${REQUEST_TIMEOUT_MS + MARGIN_MS} ms in`)
    assert.ok((closedAfterMs as number) >= REQUEST_TIMEOUT_MS, `cut after ${closedAfterMs} ms, before the timeout`)
    assert.match(answer, /^HTTP\/1\.1 408 /)
  }

  it('cuts a body trickled byte by byte once the request timeout has passed', async () => {
    const head = 'POST /api/users/login/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n'
    assertCutOnTime(await trickle(port, head, '{"username": "madeline", "password": "', REQUEST_TIMEOUT_MS + MARGIN_MS))
  })

  it('cuts headers trickled byte by byte once the request timeout has passed', async () => {
    const head = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n'
    assertCutOnTime(await trickle(port, head, 'X-Slow: aaaaaaaaaa\r\n', REQUEST_TIMEOUT_MS + MARGIN_MS))
  })
})
