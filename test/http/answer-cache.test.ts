import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createAnswerCache } from '../../src/http/answer-cache.js'

const bytes = (n: number) => Buffer.alloc(n, 'x')

describe('createAnswerCache: answers kept by version, within a bound in bytes', () => {
  /** Which of these keys the cache holds at version "v1". */
  const kept = (cache: ReturnType<typeof createAnswerCache<string>>, keys: string[]) =>
    keys.filter((key) => cache.get(key, 'v1') !== undefined)

  it('gives back an answer for the version it was kept with, and nothing for any other', () => {
    const cache = createAnswerCache<string>(100)
    cache.set('u1', 'v1', bytes(10), 'data')

    const entry = cache.get('u1', 'v1')
    assert.deepEqual([entry?.version, entry?.body, entry?.data], ['v1', bytes(10), 'data'])
    assert.equal(cache.get('u1', 'v2'), undefined)
    assert.equal(cache.get('u1', 'v0'), undefined)
    assert.equal(cache.get('u2', 'v1'), undefined)
  })

  it('replaces the answer of a key kept again with a newer version', () => {
    const cache = createAnswerCache<string>(100)
    cache.set('u1', 'v1', bytes(10), 'old')
    cache.set('u1', 'v2', bytes(12), 'new')

    assert.equal(cache.get('u1', 'v1'), undefined)
    assert.equal(cache.get('u1', 'v2')?.data, 'new')
  })

  it('lets the answers not read since they were kept (or since the last eviction passed them) go first', () => {
    const cache = createAnswerCache<string>(10)
    cache.set('a', 'v1', bytes(4), 'a')
    cache.set('b', 'v1', bytes(4), 'b')
    assert.ok(cache.get('a', 'v1'))

    cache.set('c', 'v1', bytes(4), 'c')

    assert.deepEqual(kept(cache, ['a', 'b', 'c']), ['a', 'c'])
    // Every one read now: the eviction gives each a second chance, then lets the oldest go.
    cache.set('d', 'v1', bytes(4), 'd')
    assert.deepEqual(kept(cache, ['a', 'c', 'd']), ['c', 'd'])
  })

  it('lets as many go as it takes to make room', () => {
    const cache = createAnswerCache<string>(10)
    for (const key of ['a', 'b', 'c', 'd', 'e']) cache.set(key, 'v1', bytes(2), key)

    cache.set('big', 'v1', bytes(8), 'big')

    assert.deepEqual(kept(cache, ['a', 'b', 'c', 'd', 'e', 'big']), ['e', 'big'])
  })

  it('counts a replaced answer out of the bytes held', () => {
    const cache = createAnswerCache<string>(10)
    cache.set('a', 'v1', bytes(6), 'a')
    for (let i = 0; i < 5; i++) cache.set('a', 'v1', bytes(6), 'a')

    cache.set('b', 'v1', bytes(4), 'b')

    assert.deepEqual(kept(cache, ['a', 'b']), ['a', 'b'])
  })

  it('never keeps an answer larger than the bound, and lets nothing go for it', () => {
    const cache = createAnswerCache<string>(10)
    cache.set('a', 'v1', bytes(5), 'a')

    const entry = cache.set('huge', 'v1', bytes(11), 'huge')

    assert.equal(entry.data, 'huge')
    assert.deepEqual(kept(cache, ['a', 'huge']), ['a'])
  })

  it('keeps nothing with a bound of 0 (ANSWER_CACHE_MB=0)', () => {
    const cache = createAnswerCache<string>(0)
    cache.set('a', 'v1', bytes(1), 'a')

    assert.equal(cache.get('a', 'v1'), undefined)
  })
})
