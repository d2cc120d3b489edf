import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  addReview,
  booleanOf,
  dayOf,
  distinctKeys,
  gameRowOf,
  minutesOfClock,
  minutesOfHours,
  minutesOfHoursAndMinutes,
  minutesOfSeconds,
  numberOf,
  platformOf,
  playthroughOf,
  titleKeyOf,
  yearOf,
  type FileValue,
} from '../../src/imports/formats/common.js'
import { assertRefusedAt } from '../helpers/import-files.js'

/** A cell as a CSV gives it: on line 7, column 12. */
const cell = (text: string, name = 'Start Date'): FileValue => ({ name, text, line: 7, column: 12 })

describe('the shared readers of src/imports/formats/common.ts', () => {
  it('reads the days the exports write, whatever the form, as YYYY-MM-DD; a time never moves the day', () => {
    const days = {
      '2023-1-3': '2023-01-03',
      '2023-01-03': '2023-01-03',
      '2017-01-02T00:00:00.000Z': '2017-01-02',
      '2017-01-02T23:30:00-05:00': '2017-01-02',
      '2023-01-21 21:04:11': '2023-01-21',
      '1/21/2023 9:04:11 PM': '2023-01-21',
      '12/24/2022 6:22:11 PM': '2022-12-24',
      '1/25/2018': '2018-01-25',
      '2024-02-29': '2024-02-29',
      ' 2020-07-02 ': '2020-07-02',
    }
    assert.deepEqual(
      Object.keys(days).map((text) => dayOf(cell(text))),
      Object.values(days),
    )
    assert.equal(dayOf(cell('')), null)
    assert.equal(dayOf(cell('   ')), null)
  })

  it('refuses what is not a day, at its cell, naming the column', () => {
    for (const text of ['2023-02-29', '2023-13-01', '21/01/2023', 'yesterday', '2023/01/03', '2023-01-03T25']) {
      const message = assertRefusedAt(() => dayOf(cell(text)), 7, 12)
      assert.match(message, /Start Date/)
    }
  })

  it('reads a release year from a date or a year alone, and none from what it cannot read (it only helps matching)', () => {
    assert.deepEqual(
      ['2021', '2018-01-25', '8/8/2013', '2016-03-24T00:00:00Z', '', 'TBA'].map((text) => yearOf(cell(text))),
      [2021, 2018, 2013, 2016, null, null],
    )
  })

  it('reads H:MM:SS as minutes to the nearest minute; blank and -- are no time', () => {
    assert.deepEqual(
      ['9:45:00', '0:59:59', '72:10:20', '112:05:40', '0:45:00', '--', ''].map((text) => minutesOfClock(cell(text))),
      [585, 60, 4330, 6726, 45, null, null],
    )
    for (const text of ['38:4', '1:60:00', '1:2:3', '45', 'abc']) assertRefusedAt(() => minutesOfClock(cell(text)), 7, 12)
  })

  it('reads hours and minutes from two cells, either blank; both blank is no time', () => {
    const both = (hours: string, minutes: string) => minutesOfHoursAndMinutes(cell(hours, 'Hours Played'), cell(minutes, 'Minutes Played'))
    assert.deepEqual([both('14', '20'), both('62', '0'), both('', '45'), both('2', ''), both('', '')], [860, 3720, 45, 120, null])
    assertRefusedAt(() => both('twelve', '5'), 7, 12)
  })

  it('reads seconds and decimal hours as minutes, to the nearest minute', () => {
    assert.deepEqual(
      ['51600', '97250', '7520', ''].map((text) => minutesOfSeconds(cell(text))),
      [860, 1621, 125, null],
    )
    assert.deepEqual(
      ['14.33', '31.08', '8.67', '206.67', '62', ''].map((text) => minutesOfHours(cell(text))),
      [860, 1865, 520, 12400, 3720, null],
    )
    assertRefusedAt(() => minutesOfHours(cell('14,33')), 7, 12)
  })

  it('reads numbers without sign or separators', () => {
    assert.deepEqual(
      ['10', '4.5', '.5', ' 86 ', ''].map((text) => numberOf(cell(text))),
      [10, 4.5, 0.5, 86, null],
    )
    for (const text of ['-1', '1,000', 'ten']) assertRefusedAt(() => numberOf(cell(text)), 7, 12)
  })

  it('reads booleans in any case: True, true, TRUE and 1; False, 0 and blank; refuses anything else', () => {
    assert.deepEqual(
      ['True', 'true', 'TRUE', '1', 'False', 'false', '0', '', ' '].map((text) => booleanOf(cell(text))),
      [true, true, true, true, false, false, false, false, false],
    )
    assertRefusedAt(() => booleanOf(cell('yes')), 7, 12)
  })

  it('knows the platform spellings the samples use', () => {
    assert.deepEqual(
      ['Windows PC', 'PC (Windows)', 'Sony PlayStation 4', 'pc (windows) '].map(platformOf),
      ['PC', 'PC', 'PlayStation 4', 'PC'],
    )
  })

  it('makes keys of titles that do not change with case, spacing, ™, ® or typographic apostrophes', () => {
    assert.equal(titleKeyOf('  DARK SOULS™   III '), 'dark souls iii')
    assert.equal(titleKeyOf('Sid Meier’s Civilization® VI'), titleKeyOf("Sid Meier's Civilization VI"))
    const distinct = distinctKeys()
    assert.deepEqual(['celeste', 'hades', 'celeste', 'celeste'].map(distinct), ['celeste', 'hades', 'celeste (2)', 'celeste (3)'])
  })

  it('files a review under the day its play ended (else began), and notes one it has no day for', () => {
    const row = gameRowOf('1', 2, { title: 'Celeste' })
    row.statuses.push('liked')
    row.rating = { halfStars: 9, rounded: false }
    const playthrough = playthroughOf({ key: '1#1', status: 'shelved', platform: 'PC' })
    addReview(row, { key: '1#review', text: 'Started strong.', spoilers: true, startedOn: '2023-01-03', finishedOn: null, playthrough, platform: 'PC' })
    assert.deepEqual(row.journal, [
      {
        key: '1#review',
        date: '2023-01-03',
        entryType: 'played',
        platform: 'PC',
        review: 'Started strong.',
        spoilers: true,
        liked: true,
        halfStars: 9,
        playthroughKey: '1#1',
      },
    ])
    const undated = gameRowOf('2', 3, { title: 'Hades' })
    addReview(undated, { key: '2#review', text: 'Great.', spoilers: false, startedOn: null, finishedOn: null, playthrough: null, platform: null })
    assert.deepEqual(undated.journal, [])
    assert.equal(undated.notes.length, 1)
    assert.match(undated.notes[0]!, /review/)
  })
})
