import { sql, type SelectQueryBuilder } from 'kysely'
import { isPostgres, type Db } from '../db/database.js'
import { prepareQuery } from '../db/prepared.js'
import type { Tables } from '../db/tables.js'
import { createAnswerCache } from '../http/answer-cache.js'
import { searchNameOf } from './repository.js'

/** How many index candidates are ranked in full for one search. */
const CANDIDATES = 100
/** Below this share of the query's trigrams found in a name, a name that does not contain the query is no match. */
const MIN_SIMILARITY = 0.45

export interface SearchHit {
  id: number
  igdb: string | null
  name: string
  slug: string
  cover_url: string | null
  release_year: number | null
}

/** A game the index offers for a search, with what ranking it needs. */
export interface SearchCandidate extends SearchHit {
  search_name: string
  popularity: number
  provisional: boolean | number
}

/**
 * Finds games by name, forgiving typos and unfinished words: "zelda breath", "celest", "witcher 3", "pokemon".
 * The database's trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL) picks candidates; they are ranked here,
 * the same way on both: exact name, then name starting with the query, then a word starting with it, then
 * containing it, then trigram similarity. Within each tier catalog games come before provisional ones (added by
 * accounts, so anyone can name one after a catalog game), then popularity breaks ties. The candidate queries are
 * compiled once, here; a search is one of them, rarely two (see createSearchCandidates).
 */
export function createGameSearch(db: Db): (query: string, limit: number) => Promise<SearchHit[]> {
  const findCandidates = createSearchCandidates(db)
  return async (query, limit) => {
    const needle = searchNameOf(query)
    if (!needle) return []
    const candidates = await findCandidates(needle)
    const queryTrigrams = trigramsOf(needle)
    return candidates
      .map((candidate) => ({ candidate, tier: tierOf(candidate.search_name, needle), similarity: similarity(queryTrigrams, candidate.search_name) }))
      .filter(({ tier, similarity }) => tier < FUZZY_TIER || similarity >= MIN_SIMILARITY)
      .sort(
        (a, b) =>
          a.tier - b.tier ||
          Number(a.candidate.provisional) - Number(b.candidate.provisional) ||
          (a.tier === FUZZY_TIER ? b.similarity - a.similarity : 0) ||
          b.candidate.popularity - a.candidate.popularity ||
          b.similarity - a.similarity ||
          a.candidate.name.localeCompare(b.candidate.name),
      )
      .slice(0, limit)
      .map(({ candidate: { search_name: _, popularity: __, provisional: ___, ...hit } }) => hit)
  }
}

export type GameSearch = ReturnType<typeof createGameSearch>

/**
 * The index's candidates for a needle (a name as searchNameOf writes it, not empty), unranked: at most CANDIDATES
 * of them, the catalog's games among them however many provisional games share their name. Compiled once.
 */
export function createSearchCandidates(db: Db): (needle: string) => Promise<SearchCandidate[]> {
  const findAnyMatches = prepareMatches(db, { catalogOnly: false })
  const findCatalogMatches = prepareMatches(db, { catalogOnly: true })
  return async (needle) => {
    const best = await findAnyMatches(needle)
    if (best.length < CANDIDATES || best.every((candidate) => !candidate.provisional)) return best
    // Provisional games may have pushed catalog games out of the best: any number of copies of a name must not
    // hide the catalog's game of that name.
    const catalog = await findCatalogMatches(needle)
    return [...catalog, ...best.filter((candidate) => candidate.provisional)]
  }
}

/**
 * Search answers kept serialized, per query and limit, and checked on every request against the catalog's
 * version (migration 0008): a game added, deleted or renamed is in the very next answer. Popularity, a
 * tie-break that moves with every list change, is not in that version, so a kept answer's order is at most
 * `maxAgeMs` old (the popular games' period; 0 keeps nothing).
 */
export function createSearchAnswers(
  db: Db,
  search: GameSearch,
  { maxBytes, maxAgeMs, now = Date.now }: { maxBytes: number; maxAgeMs: number; now?: () => number },
) {
  const cache = createAnswerCache<null>(maxBytes)
  const catalogVersion = prepareQuery<Record<string, never>, { version: number }>(db, () =>
    db.selectFrom('catalog_version').select('version'),
  )
  return async (query: string, limit: number, serialize: (hits: SearchHit[]) => string): Promise<Buffer> => {
    if (maxAgeMs === 0) return Buffer.from(serialize(await search(query, limit)))
    const key = `${limit}:${searchNameOf(query)}`
    const row = await catalogVersion.first({})
    const version = `${row?.version}.${Math.floor(now() / maxAgeMs)}`
    const kept = cache.get(key, version)
    if (kept) return kept.body
    return cache.set(key, version, Buffer.from(serialize(await search(query, limit))), null).body
  }
}

const FUZZY_TIER = 4

function tierOf(name: string, needle: string): number {
  if (name === needle) return 0
  if (name.startsWith(needle)) return 1
  if (name.includes(` ${needle}`)) return 2
  if (name.includes(needle)) return 3
  return FUZZY_TIER
}

/** Trigrams of each word, padded as pg_trgm pads them: "zelda" → "  z", " ze", "zel", "eld", "lda", "da ". */
function trigramsOf(text: string): Set<string> {
  const trigrams = new Set<string>()
  for (const word of text.split(' ')) {
    const padded = `  ${word} `
    for (let i = 0; i + 3 <= padded.length; i++) trigrams.add(padded.slice(i, i + 3))
  }
  return trigrams
}

/** The share of the query's trigrams that the name contains. */
function similarity(queryTrigrams: Set<string>, name: string): number {
  if (queryTrigrams.size === 0) return 0
  const nameTrigrams = trigramsOf(name)
  let shared = 0
  for (const trigram of queryTrigrams) if (nameTrigrams.has(trigram)) shared++
  return shared / queryTrigrams.size
}

const CANDIDATE_COLUMNS = [
  'games.id',
  'games.igdb',
  'games.name',
  'games.slug',
  'games.cover_url',
  'games.release_year',
  'games.search_name',
  'games.popularity',
  'games.provisional',
] as const

/** The best candidates for a needle, from the index that suits its length and the database. */
function prepareMatches(db: Db, { catalogOnly }: { catalogOnly: boolean }): (needle: string) => Promise<SearchCandidate[]> {
  const candidates = () =>
    db
      .selectFrom('games')
      .select(CANDIDATE_COLUMNS)
      .$if(catalogOnly, (query) => query.where('games.provisional', '=', false))
      .limit(CANDIDATES)
  // Too short for trigrams: names that start with it, or have a word that does, the most popular first.
  const byPrefix = prepareQuery<{ prefix: string; wordPrefix: string }, SearchCandidate>(db, (param) =>
    candidates()
      .where((eb) => eb.or([eb('games.search_name', 'like', param('prefix')), eb('games.search_name', 'like', param('wordPrefix'))]))
      // Names starting with it rank above names with a later word starting with it: fetch those first.
      .orderBy(sql`case when games.search_name like ${param('prefix')} then 0 else 1 end`)
      .orderBy('games.popularity', 'desc')
      .orderBy('games.search_name'),
  )
  const byTrigrams = prepareTrigramMatches(db, candidates)
  return (needle) =>
    needle.length < 3 ? byPrefix.all({ prefix: `${needle}%`, wordPrefix: `% ${needle}%` }) : byTrigrams(needle)
}

function prepareTrigramMatches(
  db: Db,
  candidates: () => SelectQueryBuilder<Tables, 'games', SearchCandidate>,
): (needle: string) => Promise<SearchCandidate[]> {
  if (isPostgres(db)) {
    // <% is pg_trgm's word similarity above pg_trgm.word_similarity_threshold (set per connection, see
    // database.ts), answered from the GIN index; a plain substring is a candidate too.
    const query = prepareQuery<{ needle: string; substring: string }, SearchCandidate>(db, (param) =>
      candidates()
        .where((eb) => eb.or([sql<boolean>`${param('needle')} <% games.search_name`, eb('games.search_name', 'like', param('substring'))]))
        .orderBy(sql`word_similarity(${param('needle')}, games.search_name)`, 'desc'),
    )
    return (needle) => query.all({ needle, substring: `%${needle}%` })
  }
  // Any shared trigram makes a candidate; bm25 ranks names sharing more (and rarer) trigrams first.
  const query = prepareQuery<{ match: string }, SearchCandidate>(db, (param) =>
    matchingSearchIndex(candidates(), param('match')).orderBy(sql`bm25(games_search)`),
  )
  return (needle) => {
    const trigrams = new Set(Array.from({ length: needle.length - 2 }, (_, i) => needle.slice(i, i + 3)))
    return query.all({ match: [...trigrams].map(ftsPhrase).join(' OR ') })
  }
}

/** The rows of a games query whose search name the SQLite trigram index (games_search) matches an FTS5 query to. */
function matchingSearchIndex<O>(query: SelectQueryBuilder<Tables, 'games', O>, match: string) {
  return query
    .innerJoin(sql<{ rowid: number }>`games_search`.as('games_search'), (join) =>
      join.onRef(sql.ref('games_search.rowid'), '=', 'games.id'),
    )
    .where(sql<boolean>`games_search match ${match}`)
}

/** Text as an FTS5 phrase: with the trigram tokenizer, a substring to find. */
function ftsPhrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`
}

/**
 * The games whose search name is exactly a needle of 3 characters or more, answered from the trigram index: what
 * finds a name spelled as the catalog spells it without ranking every name that shares a trigram with it.
 * Compiled once.
 */
export function createExactNameSearch(db: Db): (needle: string) => Promise<SearchCandidate[]> {
  const games = () => db.selectFrom('games').select(CANDIDATE_COLUMNS)
  if (isPostgres(db)) {
    // A needle has no % or _: LIKE is equality here, and one pg_trgm's index answers.
    const query = prepareQuery<{ needle: string }, SearchCandidate>(db, (param) =>
      games().where('games.search_name', 'like', param('needle')),
    )
    return (needle) => query.all({ needle })
  }
  const query = prepareQuery<{ phrase: string; needle: string }, SearchCandidate>(db, (param) =>
    matchingSearchIndex(games(), param('phrase')).where('games.search_name', '=', param('needle')),
  )
  return (needle) => query.all({ phrase: ftsPhrase(needle), needle })
}
