import type { Db } from '../db/database.js'
import { prepareQuery } from '../db/prepared.js'
import { searchNameOf } from '../games/repository.js'
import { createExactNameSearch, createSearchCandidates, type SearchCandidate } from '../games/search.js'
import type { GameReference } from './rows.js'

export type MatchedBy = 'steam' | 'igdb' | 'slug' | 'name'
export type GameMatch = { gameId: number; matchedBy: MatchedBy } | { gameId: null; reason: string }

const NO_TITLE = 'The row names no game.'
const NO_SUCH_NAME = 'No game of this name in the catalog.'

/** How many catalog names a matcher keeps read: the shipped catalog many times over, a few megabytes. */
const CATALOG_TITLES_KEPT = 20_000

/** Release dates differ by region and platform: a year this close to the catalog's is the same release. */
const YEAR_TOLERANCE = 1

/**
 * The roman numerals titles number games with, i to xx. Past xx sequels are numbered in digits, and longer runs of
 * these letters are words or abbreviations ("mix", "civ", "dc").
 */
const ROMAN_NUMERALS = [
  'i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x',
  'xi', 'xii', 'xiii', 'xiv', 'xv', 'xvi', 'xvii', 'xviii', 'xix', 'xx',
]
const NUMBER_OF_NUMERAL = new Map(ROMAN_NUMERALS.map((numeral, i) => [numeral, String(i + 1)]))
const NUMERAL_OF_NUMBER = new Map(ROMAN_NUMERALS.map((numeral, i) => [String(i + 1), numeral]))

/**
 * Words that name an edition of a game rather than another game, at the end of a title, with the punctuation
 * before them: "- Game of the Year Edition", "GOTY", "Special Edition", "Remastered", "(Director's Cut)"…
 * "Remake" and a bare "Deluxe" are not among them: Final Fantasy VII Remake and Mario Kart 8 Deluxe are games of
 * their own in the catalog.
 */
const EDITION_SUFFIX = new RegExp(
  String.raw`[\s:,.\-–—(\[]*\b(?:the\s+)?(?:` +
    [
      String.raw`(?:game\s+of\s+the\s+year|goty|special|definitive|complete|(?:digital\s+)?deluxe|enhanced|ultimate|anniversary|legendary|gold|premium|standard|collector'?s)\s+edition`,
      String.raw`game\s+of\s+the\s+year`,
      'goty',
      String.raw`(?:hd\s+)?remaster(?:ed)?`,
      String.raw`director'?s\s+cut`,
      String.raw`final\s+cut`,
    ].join('|') +
    String.raw`)[\s)\]]*$`,
  'i',
)

/** A title as matching reads it. */
interface Title {
  /** What every spelling of the game's name shares (matchKeyOf). */
  key: string
  /** The title without its edition words, as search compares names (searchNameOf). */
  needle: string
  /** The title named an edition: its release year is the edition's (a remaster's comes years after the game's). */
  edition: boolean
}

function readTitle(title: string): Title {
  let text = title.replace(/[™®]/g, ' ').replace(/[’‘ʼ]/g, "'").trim()
  let edition = false
  for (;;) {
    const shorter = text.replace(EDITION_SUFFIX, '')
    // "Remastered" alone is a title, not an edition of nothing.
    if (shorter === text || !/[\p{L}\p{N}]/u.test(shorter)) break
    text = shorter
    edition = true
  }
  return { key: keyOf(text), needle: searchNameOf(text), edition }
}

/**
 * The words of a title, case folded, accents, apostrophes and punctuation dropped ("Baldurs" = "Baldur's",
 * "NieR:Automata" = "NieR: Automata"), "&" read as "and", roman numerals as numbers.
 */
function keyOf(text: string): string {
  const folded = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replaceAll("'", '').replaceAll('&', ' and ')
  const words = [...folded.matchAll(/[\p{L}\p{N}]+/gu)]
  return words
    .map((word, i) => {
      const next = words[i + 1]
      const endsPart = next === undefined || /\S/.test(folded.slice(word.index + word[0].length, next.index))
      return numberOf(word[0], i, endsPart)
    })
    .join(' ')
}

/**
 * A roman numeral as its number. A lone i, v or x is one only where titles put numbers: ending the title or a part
 * of it ("Grand Theft Auto V", "The Elder Scrolls V: Skyrim"), not first. Elsewhere it is a word or a letter
 * ("V Rising", "I Am Setsuna", "Pokémon X and Y").
 */
function numberOf(word: string, position: number, endsPart: boolean): string {
  const number = NUMBER_OF_NUMERAL.get(word)
  if (number === undefined) return word
  return word.length > 1 || (position > 0 && endsPart) ? number : word
}

/**
 * The key two titles of one game share: "DARK SOULS™ III" and "Dark Souls 3", "The Witcher 3: Wild Hunt - Game of
 * the Year Edition" and "The Witcher 3: Wild Hunt". Never empty for a title with a letter or digit in it.
 */
export function matchKeyOf(title: string): string {
  return readTitle(title).key
}

/** A search needle with its numerals written the other way ("final fantasy 7" ↔ "final fantasy vii"). */
function withNumeralsTurned(needle: string): string {
  const words = needle.split(' ')
  return words.map((word, i) => NUMERAL_OF_NUMBER.get(word) ?? numberOf(word, i, i === words.length - 1)).join(' ')
}

/** Catalog games first (anyone can add a provisional game of a catalog game's name), then the most popular. */
function preferred(a: SearchCandidate, b: SearchCandidate): number {
  return Number(a.provisional) - Number(b.provisional) || b.popularity - a.popularity || a.id - b.id
}

/**
 * Finds the catalog game a file's row names: by Steam app id, IGDB id or slug, then by name (and year, when the
 * file gives one). The statements are compiled once per matcher. One match is a look-up by id or by exact name, else
 * a search of the catalog's trigram index, rarely two.
 */
export function createGameMatcher(db: Db): (reference: GameReference) => Promise<GameMatch> {
  const bySteamAppId = prepareQuery<{ appId: number }, { id: number }>(db, (param) =>
    db.selectFrom('games').select('id').where('steam_app_id', '=', param('appId')),
  )
  const byIgdb = prepareQuery<{ igdb: string }, { id: number }>(db, (param) =>
    db.selectFrom('games').select('id').where('igdb', '=', param('igdb')),
  )
  const bySlug = prepareQuery<{ slug: string }, { id: number }>(db, (param) =>
    db.selectFrom('games').select('id').where('slug', '=', param('slug')),
  )
  const findExactName = createExactNameSearch(db)
  const findCandidates = createSearchCandidates(db)
  // The catalog's names come up again and again over an import's rows: each is read once, while the matcher lives
  // (a server's whole life), so what it keeps is bounded.
  const catalogTitles = new Map<string, Title>()
  const catalogTitleOf = (name: string): Title => {
    let title = catalogTitles.get(name)
    if (title) return title
    if (catalogTitles.size >= CATALOG_TITLES_KEPT) catalogTitles.clear()
    catalogTitles.set(name, (title = readTitle(name)))
    return title
  }

  async function matchByName(title: string, year: number | null): Promise<GameMatch> {
    const wanted = readTitle(title)
    if (!wanted.needle) return { gameId: null, reason: NO_SUCH_NAME }
    const sameName = (games: SearchCandidate[]) => games.filter((game) => catalogTitleOf(game.name).key === wanted.key)
    const sameRelease = (game: SearchCandidate) =>
      year === null ||
      game.release_year === null ||
      wanted.edition ||
      catalogTitleOf(game.name).edition ||
      Math.abs(year - game.release_year) <= YEAR_TOLERANCE
    // Most rows spell their game as the catalog does: an exact look-up finds it without ranking every name that
    // shares a trigram. Only a catalog game ends the search here: a provisional one may hide a catalog game spelled
    // another way.
    const exact = sameName(await findExactName(wanted.needle))
      .filter((game) => !game.provisional && sameRelease(game))
      .sort(preferred)[0]
    if (exact) return { gameId: exact.id, matchedBy: 'name' }
    let otherRelease: SearchCandidate | undefined
    // The index ranks by shared trigrams, which "7" and "vii" do not share: when the title as written finds nothing,
    // its numerals written the other way are searched too.
    for (const needle of new Set([wanted.needle, withNumeralsTurned(wanted.needle)])) {
      const games = sameName(await findCandidates(needle))
      const found = games.filter(sameRelease).sort(preferred)[0]
      if (found) return { gameId: found.id, matchedBy: 'name' }
      otherRelease ??= games.sort(preferred)[0]
    }
    if (otherRelease) {
      return { gameId: null, reason: `Found '${otherRelease.name}' (${otherRelease.release_year}), but the file says ${year}.` }
    }
    return { gameId: null, reason: NO_SUCH_NAME }
  }

  return async (reference) => {
    if (reference.steamAppId !== null) {
      const row = await bySteamAppId.first({ appId: reference.steamAppId })
      if (row) return { gameId: row.id, matchedBy: 'steam' }
    }
    if (reference.igdb !== null) {
      const row = await byIgdb.first({ igdb: reference.igdb })
      if (row) return { gameId: row.id, matchedBy: 'igdb' }
    }
    if (reference.slug !== null) {
      const row = await bySlug.first({ slug: reference.slug })
      if (row) return { gameId: row.id, matchedBy: 'slug' }
    }
    if (!reference.title?.trim()) return { gameId: null, reason: NO_TITLE }
    return matchByName(reference.title, reference.year)
  }
}
