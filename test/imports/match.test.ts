import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openDatabase, type Db } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { loadCatalogIfEmpty } from '../../src/games/catalog.js'
import { insertGame, upsertGameByIgdb } from '../../src/games/repository.js'
import { createGameMatcher, matchKeyOf, type GameMatch } from '../../src/imports/match.js'
import type { GameReference } from '../../src/imports/rows.js'
import { createTestDatabase, testedDatabases, type TestDatabase } from '../helpers/app.js'

/** The app ids test/fixtures/imports/README.md says the catalog carries (and migration 0011 writes). */
const README_APP_IDS: [number, string][] = [
  [504230, 'celeste'],
  [1145360, 'hades'],
  [367520, 'hollow-knight'],
  [292030, 'the-witcher-3-wild-hunt'],
  [413150, 'stardew-valley'],
  [620, 'portal-2'],
  [374320, 'dark-souls-iii'],
  [316790, 'grim-fandango'],
  [489830, 'the-elder-scrolls-v-skyrim'],
  [698780, 'doki-doki-literature-club'],
  [1794680, 'vampire-survivors'],
  [1092790, 'inscryption'],
  [524220, 'nier-automata'],
  [289070, 'sid-meiers-civilization-vi'],
  [239030, 'papers-please'],
  [1245620, 'elden-ring'],
  [1687950, 'persona-5-royal'],
  [638230, 'journey'],
  [2379780, 'balatro'],
]

const NO_SUCH_NAME = 'No game of this name in the catalog.'
const NO_TITLE = 'The row names no game.'

/** A row that names its game by title only (and year, when given), as most formats do. */
const titled = (title: string | null, year: number | null = null): GameReference => ({
  title,
  year,
  steamAppId: null,
  igdb: null,
  slug: null,
})

/**
 * Every name the sample files give a catalog game, with the game the fixtures README says it is. The sources that
 * give a year (Grouvee's release_date) give it here too.
 */
const NAMED_GAMES: [GameReference, string][] = [
  // Steam (the app ids aside: the README says every Latin-script Steam name matches the same game by name)
  [titled('Celeste'), 'celeste'],
  [titled('Hades'), 'hades'],
  [titled('Hollow Knight'), 'hollow-knight'],
  [titled('The Witcher® 3: Wild Hunt'), 'the-witcher-3-wild-hunt'],
  [titled('Stardew Valley'), 'stardew-valley'],
  [titled('Portal 2'), 'portal-2'],
  [titled('DARK SOULS™ III'), 'dark-souls-iii'],
  [titled('Grim Fandango Remastered'), 'grim-fandango'],
  [titled('The Elder Scrolls V: Skyrim Special Edition'), 'the-elder-scrolls-v-skyrim'],
  [titled('Doki Doki Literature Club'), 'doki-doki-literature-club'],
  [titled('Vampire Survivors'), 'vampire-survivors'],
  [titled('Inscryption'), 'inscryption'],
  [titled('NieR:Automata™'), 'nier-automata'],
  [titled('Sid Meier’s Civilization® VI'), 'sid-meiers-civilization-vi'],
  [titled('Papers, Please'), 'papers-please'],
  [titled('ELDEN RING'), 'elden-ring'],
  [titled('Balatro'), 'balatro'],
  // Backloggd
  [titled('The Witcher 3: Wild Hunt - Game of the Year Edition'), 'the-witcher-3-wild-hunt'],
  [titled('Elden Ring'), 'elden-ring'],
  [titled("Baldur's Gate 3"), 'baldurs-gate-3'],
  [titled('Outer Wilds'), 'outer-wilds'],
  [titled('Disco Elysium'), 'disco-elysium'],
  [titled('Animal Well'), 'animal-well'],
  [titled('Cuphead'), 'cuphead'],
  [titled('Terraria'), 'terraria'],
  [titled('Slay the Spire'), 'slay-the-spire'],
  [titled('Celeste   '), 'celeste'],
  [titled('hollow knight'), 'hollow-knight'],
  [titled('HOLLOW KNIGHT'), 'hollow-knight'],
  [titled('NieR: Automata'), 'nier-automata'],
  [titled("Sid Meier's Civilization® VI"), 'sid-meiers-civilization-vi'],
  [titled('Grim Fandango Remastered '), 'grim-fandango'],
  [titled('Celeste™'), 'celeste'],
  // Grouvee, with release years
  [titled('Celeste', 2018), 'celeste'],
  [titled('Hades', 2020), 'hades'],
  [titled('Hollow Knight', 2017), 'hollow-knight'],
  [titled('The Witcher 3: Wild Hunt', 2015), 'the-witcher-3-wild-hunt'],
  [titled('Stardew Valley', 2016), 'stardew-valley'],
  [titled('Portal 2', 2011), 'portal-2'],
  [titled('Elden Ring', 2022), 'elden-ring'],
  [titled("Baldur's Gate III", 2023), 'baldurs-gate-3'],
  [titled('Outer Wilds', 2019), 'outer-wilds'],
  [titled('NieR: Automata', 2017), 'nier-automata'],
  [titled('Cuphead', 2017), 'cuphead'],
  [titled('Celeste ', 2018), 'celeste'],
  [titled('Papers, Please', 2013), 'papers-please'],
  [titled("Sid Meier's Civilization VI", 2016), 'sid-meiers-civilization-vi'],
  [titled('hollow knight', 2017), 'hollow-knight'],
  [titled('Animal Well', 2024), 'animal-well'],
  // HowLongToBeat
  [titled('Final Fantasy 7 Remake'), 'final-fantasy-vii-remake'],
  [titled('Portal'), 'portal'],
  [titled('Baldurs Gate III'), 'baldurs-gate-3'],
  // Playnite
  [titled('Sid Meier\'s Civilization® VI'), 'sid-meiers-civilization-vi'],
  // The original Overworld's games
  [titled('Grand Theft Auto V'), 'grand-theft-auto-v'],
  [titled('The Legend of Zelda: Breath of the Wild'), 'the-legend-of-zelda-breath-of-the-wild'],
]

/** Every name in the sample files the README says no catalog game has. */
const UNKNOWN_NAMES: GameReference[] = [
  titled('Hollow Knight: Silksong'),
  titled('Wallpaper Engine'),
  titled('Tunic'),
  titled('ゼルダの伝説 ブレス オブ ザ ワイルド'),
  titled('Мор (Утопия)'),
  titled('رمال الشرق'),
  titled('"Cosmic" Crusade, Deluxe'),
  titled('"Cosmic" Crusade, Deluxe', 2021),
  titled('ファイナルファンタジーVII リメイク'),
  titled('ペルソナ５ ザ・ロイヤル'),
  titled('Путешествие'),
  titled('Мор (Утопия)', 2005),
  // Overworld's export: an igdb and a slug the catalog lacks.
  { title: 'Celeste Classic', year: null, steamAppId: null, igdb: '288345', slug: 'celeste-classic' },
]

const steamRow = (appId: number, name: string | null): GameReference => ({
  title: name,
  year: null,
  steamAppId: appId,
  igdb: null,
  slug: null,
})

/** steam-basic.json and steam-messy.json, by app id, with the game the README says each is. */
const STEAM_ROWS: [GameReference, string][] = [
  [steamRow(504230, 'Celeste'), 'celeste'],
  [steamRow(1145360, 'Hades'), 'hades'],
  [steamRow(367520, 'Hollow Knight'), 'hollow-knight'],
  [steamRow(292030, 'The Witcher® 3: Wild Hunt'), 'the-witcher-3-wild-hunt'],
  [steamRow(413150, 'Stardew Valley'), 'stardew-valley'],
  [steamRow(620, 'Portal 2'), 'portal-2'],
  [steamRow(374320, 'DARK SOULS™ III'), 'dark-souls-iii'],
  [steamRow(316790, 'Grim Fandango Remastered'), 'grim-fandango'],
  [steamRow(489830, 'The Elder Scrolls V: Skyrim Special Edition'), 'the-elder-scrolls-v-skyrim'],
  [steamRow(698780, 'Doki Doki Literature Club'), 'doki-doki-literature-club'],
  [steamRow(1794680, 'Vampire Survivors'), 'vampire-survivors'],
  [steamRow(1092790, 'Inscryption'), 'inscryption'],
  [steamRow(524220, 'NieR:Automata™'), 'nier-automata'],
  [steamRow(289070, 'Sid Meier’s Civilization® VI'), 'sid-meiers-civilization-vi'],
  [steamRow(239030, 'Papers, Please'), 'papers-please'],
  [steamRow(1245620, 'ELDEN RING'), 'elden-ring'],
  [steamRow(2379780, 'Balatro'), 'balatro'],
]

/** steam-messy.json's rows that only their app id names ("by app id only" in the README). */
const STEAM_ROWS_BY_APP_ID_ONLY: [GameReference, string][] = [
  [steamRow(1145360, null), 'hades'],
  [steamRow(1687950, 'ペルソナ５ ザ・ロイヤル'), 'persona-5-royal'],
  [steamRow(638230, 'Путешествие'), 'journey'],
]

for (const kind of testedDatabases) {
  describe(`createGameMatcher, on the shipped catalog [${kind}]`, () => {
    let database: TestDatabase
    let db: Db
    let match: (reference: GameReference) => Promise<GameMatch>

    before(async () => {
      database = await createTestDatabase(kind)
      db = openDatabase(database.url)
      await migrateToLatest(db)
      await loadCatalogIfEmpty(db)
      match = createGameMatcher(db)
    })

    after(async () => {
      await db.destroy()
      await database.drop()
    })

    const slugOf = async (gameId: number) =>
      (await db.selectFrom('games').select('slug').where('id', '=', gameId).executeTakeFirstOrThrow()).slug
    /** What a match found, as the README names it: `slug by how`, or the reason it found nothing. */
    const described = async (found: GameMatch) =>
      found.gameId === null ? found.reason : `${await slugOf(found.gameId)} by ${found.matchedBy}`
    const shown = (reference: GameReference) => `${JSON.stringify(reference.title)} (${reference.year})`

    it("loads the README's Steam app ids with the catalog on a fresh install", async () => {
      const rows = await db.selectFrom('games').select(['slug', 'steam_app_id']).where('steam_app_id', 'is not', null).execute()
      const appIds = new Map(rows.map((row) => [row.slug, row.steam_app_id]))

      assert.equal(appIds.get('celeste'), 504230)
      for (const [appId, slug] of README_APP_IDS) assert.equal(appIds.get(slug), appId, slug)
    })

    it("keeps a game's Steam app id when IGDB refreshes it, and matches it by its new IGDB id", async () => {
      await upsertGameByIgdb(db, { igdb: '26226', name: 'Celeste', slug: 'celeste', release_year: 2018, platforms: ['PC'] })

      const celeste = await db.selectFrom('games').select(['igdb', 'steam_app_id']).where('slug', '=', 'celeste').executeTakeFirstOrThrow()
      assert.deepEqual(celeste, { igdb: '26226', steam_app_id: 504230 })
      assert.equal(await described(await match({ title: 'Celeste', year: null, steamAppId: null, igdb: '26226', slug: null })), 'celeste by igdb')
    })

    it('matches every Steam row of the samples by its app id', async () => {
      for (const [reference, slug] of [...STEAM_ROWS, ...STEAM_ROWS_BY_APP_ID_ONLY]) {
        assert.equal(await described(await match(reference)), `${slug} by steam`, String(reference.steamAppId))
      }
    })

    it('matches a Latin-script Steam name to the same game by name as by app id', async () => {
      for (const [reference, slug] of STEAM_ROWS) {
        assert.equal(await described(await match({ ...reference, steamAppId: 999999999 })), `${slug} by name`, shown(reference))
      }
    })

    it('leaves the rows named by app id only unmatched when their app id is unknown, saying why', async () => {
      const unknown = STEAM_ROWS_BY_APP_ID_ONLY.map(([reference]) => ({ ...reference, steamAppId: 999999999 }))
      assert.deepEqual(await Promise.all(unknown.map(async (reference) => described(await match(reference)))), [
        NO_TITLE,
        NO_SUCH_NAME,
        NO_SUCH_NAME,
      ])
    })

    it('leaves the app ids of games the catalog lacks unmatched (Silksong, Wallpaper Engine)', async () => {
      assert.equal(await described(await match(steamRow(1030300, 'Hollow Knight: Silksong'))), NO_SUCH_NAME)
      assert.equal(await described(await match(steamRow(431960, 'Wallpaper Engine'))), NO_SUCH_NAME)
    })

    it("matches every name the sample files give a catalog game to the README's game", async () => {
      for (const [reference, slug] of NAMED_GAMES) {
        assert.equal(await described(await match(reference)), `${slug} by name`, shown(reference))
      }
    })

    it('leaves every name the README calls unknown unmatched: a longer title, another script, a game not in the catalog', async () => {
      for (const reference of UNKNOWN_NAMES) {
        assert.equal(await described(await match(reference)), NO_SUCH_NAME, shown(reference))
      }
    })

    it("matches by slug (Overworld's export) when the IGDB id is unknown", async () => {
      const eldenRing = { title: 'Elden Ring', year: null, steamAppId: null, igdb: '119133', slug: 'elden-ring' }
      assert.equal(await described(await match(eldenRing)), 'elden-ring by slug')
    })

    it('says a row without a name names no game', async () => {
      for (const title of [null, '', '   ']) assert.equal(await described(await match(titled(title))), NO_TITLE)
    })

    it("takes a year within one of the catalog's as the same game, and says which game a far year is not", async () => {
      for (const year of [2017, 2018, 2019]) assert.equal(await described(await match(titled('Celeste', year))), 'celeste by name')
      assert.equal(await described(await match(titled('Celeste', 2016))), "Found 'Celeste' (2018), but the file says 2016.")
      // grouvee-messy.csv: DOOM (2016) is not the catalog's Doom (1993).
      assert.equal(await described(await match(titled('DOOM', 2016))), "Found 'Doom' (1993), but the file says 2016.")
      assert.equal(await described(await match(titled('DOOM'))), 'doom by name')
    })

    it("takes an edition's later year as its game's: a remaster comes out years after the game", async () => {
      assert.equal(await described(await match(titled('Grim Fandango Remastered', 2015))), 'grim-fandango by name')
      assert.equal(await described(await match(titled('The Elder Scrolls V: Skyrim Special Edition', 2016))), 'the-elder-scrolls-v-skyrim by name')
    })

    it('prefers the catalog game to a more popular provisional game of the same name, and the more popular of two catalog games', async () => {
      const copy = await insertGame(db, { name: 'Hades', slug: 'hades-copy', release_year: 2020 })
      const rerelease = await insertGame(db, { name: 'Hades', slug: 'hades-rerelease', release_year: 2020 })
      try {
        await db.updateTable('games').set({ provisional: true, popularity: 50 }).where('id', '=', copy).execute()
        assert.equal(await described(await match(titled('Hades'))), 'hades by name')

        await db.updateTable('games').set({ popularity: 5 }).where('id', '=', rerelease).execute()
        assert.equal(await described(await match(titled('Hades'))), 'hades-rerelease by name')
      } finally {
        await db.deleteFrom('games').where('id', 'in', [copy, rerelease]).execute()
      }
    })

    it("prefers the catalog game to a provisional game spelled exactly as the file spells it, and the catalog doesn't", async () => {
      const copy = await insertGame(db, { name: 'Baldurs Gate 3', slug: 'baldurs-gate-3-copy', release_year: 2023 })
      try {
        await db.updateTable('games').set({ provisional: true, popularity: 50 }).where('id', '=', copy).execute()
        assert.equal(await described(await match(titled('Baldurs Gate 3'))), 'baldurs-gate-3 by name')
      } finally {
        await db.deleteFrom('games').where('id', '=', copy).execute()
      }
    })

    it('finds a game written with roman numerals when games written with the digits crowd it out of the search', async () => {
      // More than the search's 100 candidates that share every trigram of "final fantasy 7 remake", which the
      // catalog's "Final Fantasy VII Remake" does not.
      const crowd = []
      for (let i = 1; i <= 120; i++) crowd.push(await insertGame(db, { name: `Final Fantasy 7 Remake Fan Cut ${i}` }))
      try {
        assert.equal(await described(await match(titled('Final Fantasy 7 Remake'))), 'final-fantasy-vii-remake by name')
      } finally {
        await db.deleteFrom('games').where('id', 'in', crowd).execute()
      }
    })
  })
}

describe('matchKeyOf', () => {
  it("gives the fixtures README's spellings of one game one key", () => {
    const sameGame: [string, string][] = [
      ['The Witcher® 3: Wild Hunt', 'The Witcher 3: Wild Hunt'],
      ['DARK SOULS™ III', 'Dark Souls III'],
      ['  Celeste   ', 'Celeste'],
      ['ELDEN RING', 'Elden Ring'],
      ['Sid Meier’s Civilization® VI', "Sid Meier's Civilization VI"],
      ['NieR:Automata™', 'NieR: Automata'],
      ['Doki Doki Literature Club', 'Doki Doki Literature Club!'],
      ['Baldurs Gate', "Baldur's Gate"],
      ['Final Fantasy 7 Remake', 'Final Fantasy VII Remake'],
      ["Baldur's Gate III", "Baldur's Gate 3"],
      ['Baldurs Gate III', "Baldur's Gate 3"],
      ['The Witcher 3: Wild Hunt - Game of the Year Edition', 'The Witcher 3: Wild Hunt'],
      ['The Witcher 3: Wild Hunt GOTY Edition', 'The Witcher 3: Wild Hunt'],
      ['The Witcher 3: Wild Hunt (GOTY)', 'The Witcher 3: Wild Hunt'],
      ['The Elder Scrolls V: Skyrim Special Edition', 'The Elder Scrolls V: Skyrim'],
      ['The Elder Scrolls 5: Skyrim', 'The Elder Scrolls V: Skyrim'],
      ['Grim Fandango Remastered', 'Grim Fandango'],
      ['Age of Empires II: Definitive Edition', 'Age of Empires II'],
      ['Hades - Complete Edition', 'Hades'],
      ['Cuphead Deluxe Edition', 'Cuphead'],
      ['Disco Elysium - The Final Cut', 'Disco Elysium'],
      ["Death Stranding Director's Cut", 'Death Stranding'],
      ['Grand Theft Auto 5', 'Grand Theft Auto V'],
      ['Final Fantasy 10', 'Final Fantasy X'],
      ['Pokémon Scarlet & Violet', 'Pokemon Scarlet and Violet'],
    ]
    for (const [a, b] of sameGame) assert.equal(matchKeyOf(a), matchKeyOf(b), `${a} = ${b}`)
  })

  it('keeps apart titles that are other games', () => {
    const otherGames: [string, string][] = [
      ['Hollow Knight: Silksong', 'Hollow Knight'],
      ['Celeste Classic', 'Celeste'],
      ['Final Fantasy VII Remake', 'Final Fantasy VII'],
      ['Mario Kart 8 Deluxe', 'Mario Kart 8'],
      ['Persona 5 Royal', 'Persona 5'],
      ['Portal 2', 'Portal'],
      ['Pokémon X and Y', 'Pokémon 10 and Y'],
      ['V Rising', '5 Rising'],
      ['I Am Setsuna', '1 Am Setsuna'],
    ]
    for (const [a, b] of otherGames) assert.notEqual(matchKeyOf(a), matchKeyOf(b), `${a} ≠ ${b}`)
  })

  it('reads numbers, words and edition suffixes as the README says', () => {
    assert.equal(matchKeyOf('DARK SOULS™ III'), 'dark souls 3')
    assert.equal(matchKeyOf('The Witcher 3: Wild Hunt - Game of the Year Edition'), 'the witcher 3 wild hunt')
    assert.equal(matchKeyOf('Sid Meier’s Civilization® VI'), 'sid meiers civilization 6')
    assert.equal(matchKeyOf('Street Fighter III: 3rd Strike'), 'street fighter 3 3rd strike')
    assert.equal(matchKeyOf('Pokémon X and Y'), 'pokemon x and y')
  })

  it('never drops a whole title as edition words, and gives a title without letters or digits no key', () => {
    assert.equal(matchKeyOf('Remastered'), 'remastered')
    assert.equal(matchKeyOf('GOTY Edition'), 'goty edition')
    assert.equal(matchKeyOf('Special Edition'), 'special edition')
    assert.equal(matchKeyOf('!!!'), '')
  })
})
