import assert from 'node:assert/strict'
import { it } from 'node:test'
import { createFeedReads } from '../../src/activity/feed.js'
import { insertGame } from '../../src/games/repository.js'
import { DEFAULT_PAGE_LIMIT } from '../../src/http/cursor.js'
import { describeEachDatabase } from '../helpers/app.js'
import { call, registerUser, type ApiResponse, type RegisteredUser } from '../helpers/client.js'

// Feed pages are kept by `feed_versions`, which PostgreSQL bumps once per transaction, at its commit (migration
// 0019), and SQLite in the statement (0018). Many writes at once that change overlapping feeds (follows and
// unfollows, new and undone activities, edited and deleted reviews, retitled lists), among reads that keep
// pages, must end with no server error and no kept page older than its feed: every page read afterwards is the
// page read afresh. Authors write and follow one another; readers only follow every author, and write nothing:
// nothing but their feed version can tell that their kept pages are stale.

const AUTHORS = 4
const READERS = 3
const ROUNDS = 3
/** A first page (the fast read answers it) and a page with a query string (the route answers it). */
const PAGES: [string, number][] = [
  ['/api/feed/', DEFAULT_PAGE_LIMIT],
  ['/api/feed/?limit=3', 3],
]

type Request = { label: string; send: () => Promise<ApiResponse>; allowed: number[]; author?: RegisteredUser }

describeEachDatabase('feed versions under concurrent writes', (current) => {
  it('leave every kept feed page equal to the page read afresh, with no server error', async () => {
    const { app, db } = current()
    const fresh = createFeedReads(db)
    const as = (user: RegisteredUser, method: string, url: string, body?: unknown) => call(app, method, url, { token: user.token, body })
    const authors: RegisteredUser[] = []
    const readers: RegisteredUser[] = []
    for (let i = 0; i < AUTHORS; i++) authors.push(await registerUser(app, `author${i}`))
    for (let i = 0; i < READERS; i++) readers.push(await registerUser(app, `reader${i}`))
    const everyone = [...authors, ...readers]
    const games = [await insertGame(db, { name: 'Celeste' }), await insertGame(db, { name: 'Hades' }), await insertGame(db, { name: 'Tunic' })]

    // Each author has a review to edit and a list to retitle; every reader follows every author.
    const reviews = new Map<RegisteredUser, number>()
    const lists = new Map<RegisteredUser, number>()
    /** Each author's review of the round before, deleted in the next. */
    const latest = new Map<RegisteredUser, number>()
    for (const [i, author] of authors.entries()) {
      const entry = await as(author, 'POST', '/api/actions/journal/', { game: games[i % 3], date: '2024-01-02', entry_type: 'played', review: 'First.' })
      assert.equal(entry.status, 201, entry.text)
      reviews.set(author, entry.body.id)
      const list = await as(author, 'POST', '/api/lists/', { title: `List of ${author.username}`, games: [{ game: games[0] }] })
      assert.equal(list.status, 201, list.text)
      lists.set(author, list.body.id)
      for (const reader of readers) assert.equal((await as(reader, 'POST', '/api/users/follow/', { username: author.username })).status, 200)
    }

    const feedReads = () => everyone.flatMap((user) => PAGES.map(([url]): Request => ({ label: `${user.username} reads ${url}`, send: () => as(user, 'GET', url), allowed: [200] })))
    /** Sends every request at once, reads among the writes (keeping pages while the writes are under way). */
    const sendAtOnce = async (writes: Request[], label: string) => {
      const reads = feedReads()
      const requests = writes.flatMap((write, k) => (k % 4 === 0 && reads[k / 4] ? [reads[k / 4] as Request, write] : [write]))
      const responses = await Promise.all(requests.map((request) => request.send()))
      const failures = responses.flatMap((response, k) =>
        requests[k]?.allowed.includes(response.status) ? [] : [`${requests[k]?.label}: ${response.status} ${response.text}`],
      )
      assert.deepEqual(failures, [], label)
      for (const [k, request] of requests.entries()) if (request.author) latest.set(request.author, responses[k]?.body.id)
    }
    /** The readers' pages that changed from one check to the next. */
    const changed = new Set<string>()
    const lastSeen = new Map<string, string>()
    const assertKeptIsFresh = async (label: string) => {
      for (const user of everyone) {
        for (const [url, limit] of PAGES) {
          const kept = await as(user, 'GET', url)
          assert.equal(kept.status, 200, kept.text)
          assert.deepEqual(kept.body, JSON.parse(await fresh.findFeedPageJson(user.id, undefined, limit)), `${user.username}'s ${url} ${label}`)
          const page = `${user.username} ${url}`
          if (readers.includes(user) && lastSeen.has(page) && lastSeen.get(page) !== kept.text) changed.add(page)
          lastSeen.set(page, kept.text)
        }
      }
    }
    await sendAtOnce([], 'reads before the writes')
    await assertKeptIsFresh('before the writes')

    for (let round = 0; round < ROUNDS; round++) {
      const edit = (author: RegisteredUser, phase: number): Request => ({
        label: `${author.username} edits a review`,
        send: () => as(author, 'PATCH', `/api/actions/journal/${reviews.get(author)}`, { review: `Edited in round ${round}.${phase}.`, spoilers: phase === 1, date: `2024-01-1${round}` }),
        allowed: [200],
      })
      // Follows and unfollows of overlapping pairs, both ways and more than once, among new activities and edits.
      const writes: Request[] = []
      for (const [i, author] of authors.entries()) {
        for (const [j, other] of authors.entries()) {
          if (i === j) continue
          for (const repeat of [0, 1]) {
            const action = (i + j + round + repeat) % 3 === 0 ? 'unfollow' : 'follow'
            writes.push({ label: `${author.username} ${action}s ${other.username}`, send: () => as(author, 'POST', `/api/users/${action}/`, { username: other.username }), allowed: [200] })
          }
        }
        const game = games[(i + round) % 3]
        const review = { game, date: `2024-02-0${round + 1}`, entry_type: 'finished', review: `Round ${round}.` }
        writes.push(
          { label: `${author.username} logs a game`, send: () => as(author, 'POST', '/api/actions/log/', { game, value: round % 2 === 0 }), allowed: [200] },
          { label: `${author.username} reviews`, send: () => as(author, 'POST', '/api/actions/journal/', review), allowed: [201], author },
          edit(author, 0),
          { label: `${author.username} retitles a list`, send: () => as(author, 'PATCH', `/api/lists/${lists.get(author)}`, { title: `Round ${round} of ${author.username}` }), allowed: [200] },
        )
      }
      await sendAtOnce(writes, `round ${round}`)
      await assertKeptIsFresh(`after round ${round}`)

      // Then deletions, among edits. (Not among follows: a follow's backfill and a deletion of the followee's
      // activities can deadlock each other on PostgreSQL, with or without feed versions.)
      const deletions = authors.flatMap((author): Request[] => [
        { label: `${author.username} deletes a review`, send: () => as(author, 'DELETE', `/api/actions/journal/${latest.get(author)}`), allowed: [204] },
        edit(author, 1),
      ])
      await sendAtOnce(deletions, `deletions of round ${round}`)
      await assertKeptIsFresh(`after the deletions of round ${round}`)
    }
    // The test means something only if kept pages went stale: every reader's pages changed.
    assert.equal(changed.size, readers.length * PAGES.length, `the readers' pages that changed: ${[...changed].join(', ')}`)
  })
})
