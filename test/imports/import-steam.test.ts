import assert from 'node:assert/strict'
import { it } from 'node:test'
import { describeEachDatabase } from '../helpers/app.js'
import {
  assertReimportChangesNothing,
  importFixtureFile,
  importIntoEmptyAccount,
  playthroughsOf,
  signedInWithCatalog,
  summaryOf,
  writtenLibrary,
} from '../helpers/import-api.js'

// Expectations are test/fixtures/imports/README.md's, section "Steam": through the API, with the shipped catalog.
describeEachDatabase('Importing Steam libraries, upload to commit', (current) => {
  const signedIn = (name: string) => signedInWithCatalog(current(), name)

  const shelved = (minutes: number, last: string) => ({ statuses: ['played'], rating: null, playthroughs: [`shelved ${minutes} min PC steam last ${last}`] })
  const playing = (minutes: number, last: string) => ({ statuses: ['played'], rating: null, playthroughs: [`playing ${minutes} min PC steam last ${last}`] })
  const backlog = { statuses: ['backlog'], rating: null, playthroughs: [] }

  it('imports steam-basic.json, then the same file again (nothing changes), then steam-newer.json (what grew)', async () => {
    const mira = await signedIn('mira')
    await importIntoEmptyAccount(current(), mira, 'steam', 'steam-basic.json', summaryOf({ added: 11, unmatched: 2 }))
    const basic = {
      celeste: shelved(1432, '2023-02-11'),
      hades: playing(3875, '2024-05-30'),
      'hollow-knight': shelved(2710, '2023-11-04'),
      'the-witcher-3-wild-hunt': shelved(6120, '2022-08-19'),
      'stardew-valley': playing(9045, '2024-05-28'),
      'portal-2': shelved(612, '2019-12-26'),
      'dark-souls-iii': shelved(4330, '2021-03-14'),
      'grim-fandango': shelved(745, '2020-07-02'),
      'the-elder-scrolls-v-skyrim': backlog,
      'doki-doki-literature-club': shelved(280, '2018-10-31'),
      'vampire-survivors': backlog,
    }
    assert.deepEqual(await writtenLibrary(current().db, mira.id, { last: true }), basic)
    for (const playthrough of await playthroughsOf(current().db, mira.id, 'hades')) {
      assert.ok(playthrough.sessions.every((session) => session.source === 'steam'))
    }

    await assertReimportChangesNothing(current(), mira, 'steam', 'steam-basic.json', summaryOf({ unchanged: 11, unmatched: 2 }))

    const newer = await importFixtureFile(current().app, mira.token, 'steam', 'steam-newer.json')
    assert.deepEqual(newer.preview.summary, summaryOf({ added: 1, updated: 3, unchanged: 8, unmatched: 2 }))
    assert.deepEqual(await writtenLibrary(current().db, mira.id, { last: true }), {
      ...basic,
      celeste: shelved(1519, '2024-06-20'),
      hades: playing(4410, '2024-07-12'),
      'stardew-valley': playing(9960, '2024-07-14'),
      inscryption: playing(615, '2024-07-10'),
    })
    // The time that grew is a session of the difference, on the newer last-played day.
    for (const [slug, date, minutes] of [
      ['celeste', '2024-06-20', 87],
      ['hades', '2024-07-12', 535],
      ['stardew-valley', '2024-07-14', 915],
    ] as const) {
      const [playthrough] = await playthroughsOf(current().db, mira.id, slug)
      assert.deepEqual(playthrough!.sessions.at(-1), { key: playthrough!.sessions.at(-1)!.key, date, minutes, note: null, source: 'steam' }, slug)
    }
  })

  it('imports steam-messy.json into a fresh account: every game found, three by their app id only', async () => {
    const mira = await signedIn('mira')
    const preview = await importIntoEmptyAccount(current(), mira, 'steam', 'steam-messy.json', summaryOf({ added: 8 }))
    const byAppIdOnly = preview.rows.filter((row) => ['1145360', '1687950', '638230'].includes(row.key))
    assert.deepEqual(byAppIdOnly.map((row) => row.game?.slug), ['hades', 'persona-5-royal', 'journey'])
    assert.deepEqual(await writtenLibrary(current().db, mira.id, { last: true }), {
      'nier-automata': shelved(2890, '2023-09-03'),
      'sid-meiers-civilization-vi': shelved(12400, '2024-04-02'),
      'papers-please': shelved(390, '2017-01-15'),
      hades: shelved(120, '2024-05-01'),
      'elden-ring': shelved(7300, '2024-03-10'),
      'persona-5-royal': shelved(3960, '2023-12-29'),
      journey: shelved(140, '2020-06-07'),
      balatro: backlog,
    })
  })
})
