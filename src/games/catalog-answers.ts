import type { Db } from '../db/database.js'
import { andThen, prepareQuery, type MaybePromise } from '../db/prepared.js'
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
): CatalogAnswers {
  const cache = createAnswerCache<null>(maxBytes)
  const catalogVersion = prepareQuery<Record<string, never>, { version: number }>(db, () =>
    db.selectFrom('catalog_version').select('version'),
  )
  const versionNow = () => andThen(catalogVersion.first({}), (row) => `${row?.version}.${Math.floor(now() / maxAgeMs)}`)
  return {
    async answer(key, produce) {
      if (maxAgeMs === 0) return produce()
      const version = await versionNow()
      const kept = cache.get(key, version)
      if (kept) return kept.body
      return cache.set(key, version, await produce(), null).body
    },
    kept(key) {
      if (maxAgeMs === 0) return undefined
      return andThen(versionNow(), (version) => cache.get(key, version)?.body)
    },
  }
}

export interface CatalogAnswers {
  /** The answer kept under `key` for the catalog as it is now, or else `produce`'s, kept. */
  answer(key: string, produce: () => Promise<Buffer>): Promise<Buffer>
  /** The answer kept under `key` for the catalog as it is now (at once on SQLite), or undefined. */
  kept(key: string): MaybePromise<Buffer | undefined>
}
