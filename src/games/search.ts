import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely'
import { isPostgres, type Db } from '../db/database.js'
import { prepareQuery, type MaybePromise } from '../db/prepared.js'
import type { Tables } from '../db/tables.js'
import { createCatalogAnswers } from './catalog-answers.js'
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
  /** How the name matches: EXACT_TIER, WORD_START_TIER, INSIDE_WORD_TIER, or FUZZY_TIER (only trigrams shared). */
  tier: number
}

/** The games a search found, best first, and, when asked for, how many it found in all. */
export interface SearchResult {
  hits: SearchHit[]
  total?: number
}

/**
 * Finds games by name, forgiving typos and unfinished words: "zelda breath", "celest", "witcher 3", "pokemon".
 * The database's trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL) finds the games and ranks them, the same
 * way on both: the exact name, then names where a word starts with the query, then names containing it inside a
 * word, then typo matches (trigram similarity), which only ever fill in after real matches. A name starting with
 * the query is not a better match than one with a later word starting with it: "zelda" is as much "The Legend of
 * Zelda: Breath of the Wild" as "Zelda II". Within each tier catalog games come before provisional ones (added by
 * accounts, so anyone can name one after a catalog game), then the most popular, then the newest. The candidate
 * queries are compiled once, here; a search is one of them, rarely two (see createSearchCandidates).
 *
 * `counted`, the total is the number of names matching the query as typed, and of typo matches among the
 * candidates. When the candidates are all the index offered, those are all the matches; otherwise a count
 * query says how many: the one search that may take a second query, and only the search page asks for it.
 */
export function createGameSearch(db: Db): (query: string, limit: number, options?: { counted: boolean }) => Promise<SearchResult> {
  const findCandidates = createSearchCandidates(db)
  const countMatches = prepareMatchCount(db)
  return async (query, limit, { counted } = { counted: false }) => {
    const needle = searchNameOf(query)
    if (!needle) return { hits: [], total: 0 }
    const candidates = await findCandidates(needle)
    const queryTrigrams = trigramsOf(needle)
    const found = candidates
      .map((candidate) => ({ candidate, similarity: candidate.tier === FUZZY_TIER ? similarity(queryTrigrams, candidate.search_name) : 1 }))
      .filter(({ similarity }) => similarity >= MIN_SIMILARITY)
    const typoMatches = found.filter(({ candidate }) => candidate.tier === FUZZY_TIER).length
    const hits = found
      .sort(
        ({ candidate: a, similarity: aSimilarity }, { candidate: b, similarity: bSimilarity }) =>
          a.tier - b.tier ||
          Number(a.provisional) - Number(b.provisional) ||
          bSimilarity - aSimilarity ||
          // Of two typo matches as close, the one with less besides the query ("Dark Souls" for "dark sous").
          (a.tier === FUZZY_TIER ? a.search_name.length - b.search_name.length : 0) ||
          b.popularity - a.popularity ||
          (b.release_year ?? 0) - (a.release_year ?? 0) ||
          a.name.localeCompare(b.name),
      )
      .slice(0, limit)
      .map(({ candidate: { search_name: _, popularity: __, provisional: ___, tier: ____, ...hit } }) => hit)
    if (!counted) return { hits }
    const matches =
      candidates.length < CANDIDATES ? candidates.filter(({ tier }) => tier < FUZZY_TIER).length : await countMatches(needle)
    return { hits, total: matches + typoMatches }
  }
}

export type GameSearch = ReturnType<typeof createGameSearch>

/**
 * The index's candidates for a needle (a name as searchNameOf writes it, not empty), unranked: at most CANDIDATES
 * of them, the catalog's games among them however many provisional games share their name. Compiled once.
 */
export function createSearchCandidates(db: Db): (needle: string) => MaybePromise<SearchCandidate[]> {
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

/** How a route answers a search: the hits alone, or a page of them with how many games match in all. */
export type SearchForm = 'hits' | 'page'

/** Search answers kept serialized (createCatalogAnswers), per form, limit and query as search reads it. */
export function createSearchAnswers(db: Db, search: GameSearch, options: Parameters<typeof createCatalogAnswers>[1]) {
  const answers = createCatalogAnswers(db, options)
  const keyOf = (form: SearchForm, query: string, limit: number) => `${form}:${limit}:${searchNameOf(query)}`
  return {
    answer: (form: SearchForm, query: string, limit: number, serialize: (result: SearchResult) => string): Promise<Buffer> =>
      answers.answer(keyOf(form, query, limit), async () =>
        Buffer.from(serialize(await search(query, limit, { counted: form === 'page' }))),
      ),
    /** The answer when it is kept, else undefined (see src/http/fast-reads.ts). */
    kept: (form: SearchForm, query: string, limit: number) => answers.kept(keyOf(form, query, limit)),
  }
}

const EXACT_TIER = 0
const WORD_START_TIER = 1
const INSIDE_WORD_TIER = 2
const FUZZY_TIER = 3

/** The needle's LIKE patterns (a search name has no % or _ to escape). */
function patternsOf(needle: string): MatchPatterns {
  return { needle, wordStart: `% ${needle}%`, substring: `%${needle}%` }
}

interface MatchPatterns extends Record<string, unknown> {
  needle: string
  /** Matches a space and the search name: a word of the name starts with the needle. */
  wordStart: string
  substring: string
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

type Param = <K extends keyof MatchPatterns & string>(name: K) => MatchPatterns[K]

/** A name's tier for a needle, in SQL: the same on both databases. */
function tierSql(param: Param) {
  return sql<number>`case
    when games.search_name = ${param('needle')} then ${sql.lit(EXACT_TIER)}
    when (' ' || games.search_name) like ${param('wordStart')} then ${sql.lit(WORD_START_TIER)}
    when games.search_name like ${param('substring')} then ${sql.lit(INSIDE_WORD_TIER)}
    else ${sql.lit(FUZZY_TIER)} end`
}

/**
 * The best candidates for a needle, from the index that suits its length and the database, in the order search
 * ranks them (but for typo matches, whose similarity is measured afterwards), with how many names match.
 */
function prepareMatches(db: Db, { catalogOnly }: { catalogOnly: boolean }): (needle: string) => MaybePromise<SearchCandidate[]> {
  /** Candidates ranked by tier, catalog first, then `fuzzyRank` (ascending) for typo matches, popularity, recency. */
  const candidates = (param: Param, fuzzyRank: RawBuilder<unknown>) =>
    db
      .selectFrom('games')
      .select(CANDIDATE_COLUMNS)
      .select(tierSql(param).as('tier'))
      .$if(catalogOnly, (query) => query.where('games.provisional', '=', false))
      .orderBy(tierSql(param))
      .orderBy('games.provisional')
      .orderBy(sql`case when ${tierSql(param)} = ${sql.lit(FUZZY_TIER)} then ${fuzzyRank} else 0 end`)
      .orderBy('games.popularity', 'desc')
      .orderBy(sql`games.release_year desc nulls last`)
      .orderBy('games.search_name')
      .limit(CANDIDATES)
  // Too short for trigrams: names with a word starting with it.
  const byWordStart = prepareQuery<MatchPatterns, SearchCandidate>(db, (param) =>
    candidates(param, sql`0`).where(sql<boolean>`(' ' || games.search_name) like ${param('wordStart')}`),
  )
  const byTrigrams = prepareTrigramMatches(db, candidates)
  return (needle) => (needle.length < 3 ? byWordStart.all(patternsOf(needle)) : byTrigrams(needle))
}

function prepareTrigramMatches(
  db: Db,
  candidates: (param: Param, fuzzyRank: RawBuilder<unknown>) => SelectQueryBuilder<Tables, 'games', SearchCandidate>,
): (needle: string) => MaybePromise<SearchCandidate[]> {
  if (isPostgres(db)) {
    // <% is pg_trgm's word similarity above pg_trgm.word_similarity_threshold (set per connection, see
    // database.ts), answered from the GIN index; a plain substring is a candidate too.
    const query = prepareQuery<MatchPatterns, SearchCandidate>(db, (param) =>
      candidates(param, sql`-word_similarity(${param('needle')}, games.search_name)`).where((eb) =>
        eb.or([sql<boolean>`${param('needle')} <% games.search_name`, eb('games.search_name', 'like', param('substring'))]),
      ),
    )
    return (needle) => query.all(patternsOf(needle))
  }
  // Any shared trigram makes a candidate; bm25 ranks names sharing more (and rarer) trigrams first.
  const query = prepareQuery<MatchPatterns & { anyTrigram: string }, SearchCandidate>(db, (param) =>
    matchingSearchIndex(candidates(param, sql`bm25(games_search)`), param('anyTrigram')),
  )
  return (needle) => {
    const trigrams = new Set(Array.from({ length: needle.length - 2 }, (_, i) => needle.slice(i, i + 3)))
    return query.all({ ...patternsOf(needle), anyTrigram: [...trigrams].map(ftsPhrase).join(' OR ') })
  }
}

/** How many names match a needle as typed (a word starting with it, or containing it), from the same indexes. */
function prepareMatchCount(db: Db): (needle: string) => Promise<number> {
  type Count = { matches: number }
  const count = () => db.selectFrom('games').select((eb) => eb.fn.countAll<number>().as('matches'))
  const byWordStart = prepareQuery<{ pattern: string }, Count>(db, (param) =>
    count().where(sql<boolean>`(' ' || games.search_name) like ${param('pattern')}`),
  )
  // On SQLite, the needle as an FTS5 phrase matches the names that contain it.
  const containing = prepareQuery<{ pattern: string }, Count>(db, (param) =>
    isPostgres(db) ? count().where('games.search_name', 'like', param('pattern')) : matchingSearchIndex(count(), param('pattern')),
  )
  return async (needle) => {
    const { wordStart, substring } = patternsOf(needle)
    const row =
      needle.length < 3
        ? await byWordStart.first({ pattern: wordStart })
        : await containing.first({ pattern: isPostgres(db) ? substring : ftsPhrase(needle) })
    return Number(row?.matches ?? 0)
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
export function createExactNameSearch(db: Db): (needle: string) => MaybePromise<SearchCandidate[]> {
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
