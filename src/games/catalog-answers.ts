import type { Db } from '../db/database.js'
import { prepareQuery } from '../db/prepared.js'
import { createAnswerCache } from '../http/answer-cache.js'

/**
 * Answers read from the whole catalog (searches, discover pages), kept serialized by key and checked on every
 * request against the catalog's version (migration 0008): a game added, deleted or renamed is in the very next
 * answer. What that version does not follow (popularity, ratings, activity, genres and platforms) moves every
 * moment, so a kept answer is at most `maxAgeMs` old (the popular games' period; 0 keeps nothing).
 */
export function createCatalogAnswers(
  db: Db,
  { maxBytes, maxAgeMs, now = Date.now }: { maxBytes: number; maxAgeMs: number; now?: () => number },
): (key: string, answer: () => Promise<Buffer>) => Promise<Buffer> {
  const cache = createAnswerCache<null>(maxBytes)
  const catalogVersion = prepareQuery<Record<string, never>, { version: number }>(db, () =>
    db.selectFrom('catalog_version').select('version'),
  )
  return async (key, answer) => {
    if (maxAgeMs === 0) return answer()
    const row = await catalogVersion.first({})
    const version = `${row?.version}.${Math.floor(now() / maxAgeMs)}`
    const kept = cache.get(key, version)
    if (kept) return kept.body
    return cache.set(key, version, await answer(), null).body
  }
}
