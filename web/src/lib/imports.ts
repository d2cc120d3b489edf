// The words of imports: where each source's file comes from, what a row does, what an import's summary says.
import type { ImportOutcome, ImportSource, ImportStatus, ImportSummary } from '../api/types'
import { plural } from './format'

export interface SourceInfo {
  label: string
  /** The file types the file picker offers. */
  accept: string
}

export const SOURCES: Record<ImportSource, SourceInfo> = {
  steam: { label: 'Steam', accept: '.json,application/json' },
  backloggd: { label: 'Backloggd', accept: '.csv,.json,text/csv,application/json' },
  grouvee: { label: 'Grouvee', accept: '.csv,text/csv' },
  hltb: { label: 'HowLongToBeat', accept: '.csv,text/csv' },
  playnite: { label: 'Playnite', accept: '.csv,text/csv' },
  overworld: { label: 'Overworld', accept: '.json,application/json' },
}

export const SOURCE_ORDER = Object.keys(SOURCES) as ImportSource[]

export const STEAM_KEY_URL = 'https://steamcommunity.com/dev/apikey'

/**
 * The type the server reads the file as: by its name, since browsers disagree on a CSV's type (Windows says
 * Excel); a file named neither way is left for the server to recognise by its first character.
 */
export function uploadTypeOf(file: File): string {
  const name = file.name.toLowerCase()
  if (name.endsWith('.json')) return 'application/json'
  if (name.endsWith('.csv')) return 'text/csv'
  return 'application/octet-stream'
}

export const STATUS_LABELS: Record<ImportStatus, string> = {
  uploading: 'Reading the file',
  matching: 'Finding the games',
  ready: 'In preview',
  committing: 'Importing',
  done: 'Done',
  cancelled: 'Cancelled',
  failed: 'Failed',
}

/** An import that is not over: a person has one at most, and it is shown instead of the upload form. */
export const ACTIVE_STATUSES: ImportStatus[] = ['uploading', 'matching', 'ready', 'committing']

/** The filters of the preview, in the order shown; the later ones only when some row has that outcome. */
export const OUTCOME_FILTERS: { outcome: ImportOutcome; label: string; always: boolean }[] = [
  { outcome: 'unmatched', label: 'Unmatched', always: true },
  { outcome: 'added', label: 'Added', always: true },
  { outcome: 'updated', label: 'Updated', always: true },
  { outcome: 'unchanged', label: 'Unchanged', always: false },
  { outcome: 'skipped', label: 'Skipped', always: false },
  { outcome: 'failed', label: 'Failed', always: false },
]

export function isOutcome(value: string | null): value is ImportOutcome {
  return OUTCOME_FILTERS.some((filter) => filter.outcome === value)
}

/** The counts of a summary, in the order they are told. */
export const SUMMARY_COUNTS: { key: Exclude<keyof ImportSummary, 'rounded'>; before: string; after: string }[] = [
  { key: 'added', before: 'to add', after: 'added' },
  { key: 'updated', before: 'to update', after: 'updated' },
  { key: 'unchanged', before: 'unchanged', after: 'unchanged' },
  { key: 'unmatched', before: 'unmatched', after: 'unmatched' },
  { key: 'skipped', before: 'skipped', after: 'skipped' },
  { key: 'failed', before: 'failed', after: 'failed' },
]

/** "11 to add, 2 unmatched" (or "11 added…" once committed): the counts that are not zero. */
export function summaryText(summary: ImportSummary, committed: boolean): string {
  const parts = SUMMARY_COUNTS.filter(({ key }) => summary[key] > 0).map(
    ({ key, before, after }) => `${summary[key].toLocaleString()} ${committed ? after : before}`,
  )
  if (summary.rounded > 0) parts.push(`${plural(summary.rounded, 'rating')} rounded to the nearest half star`)
  return parts.length > 0 ? parts.join(', ') : 'nothing to import'
}
