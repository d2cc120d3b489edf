// The words and numbers of playthroughs: platform names, labels of statuses and completion levels, durations.
import type { Completion, Platform, Playthrough, PlaythroughStatus, Storefront } from '../api/types'
import { formatDay } from './format'

/**
 * The platform names the server accepts (src/games/platforms.ts), in its order. The types only give the names,
 * not a list to show: the check below fails the build when the server's list and this one differ.
 */
export const PLATFORMS = [
  'PC',
  'PlayStation 4',
  'Xbox One',
  'Nintendo Switch',
  'Xbox 360',
  'PlayStation 3',
  'PlayStation 5',
  'PlayStation 2',
  'Arcade',
  'Mac',
  'Xbox Series X|S',
  'PlayStation',
  'iOS',
  'SNES',
  'Xbox',
  'NES',
  'Android',
  'GameCube',
  'Nintendo 64',
  'Wii U',
  'Wii',
  'Game Boy Advance',
  'Nintendo 3DS',
  'Dreamcast',
  'Nintendo DS',
  'Linux',
  'Sega Genesis',
  'Sega Saturn',
  'Game Boy',
  'PlayStation Vita',
  'Game Boy Color',
  'PlayStation Portable',
  'Nintendo Switch 2',
  'Steam Deck',
  'Meta Quest',
  'PlayStation VR',
  'PlayStation VR2',
  'Web browser',
  'Google Stadia',
  'Sega Master System',
  'Game Gear',
  'Sega CD',
  'Sega 32X',
  'TurboGrafx-16',
  'Neo Geo',
  'Atari 2600',
  'Virtual Boy',
] as const satisfies readonly Platform[]

const everyPlatformListed: Exclude<Platform, (typeof PLATFORMS)[number]> extends never ? true : false = true
void everyPlatformListed

export function isPlatform(name: string): name is Platform {
  return (PLATFORMS as readonly string[]).includes(name)
}

export const STATUS_LABELS: Record<PlaythroughStatus, string> = {
  playing: 'Playing',
  finished: 'Finished',
  shelved: 'Shelved',
  abandoned: 'Abandoned',
}

export const COMPLETION_LABELS: Record<Completion, string> = {
  main: 'Main story',
  main_extras: 'Main + extras',
  completionist: 'Completionist (100%)',
  mastered: 'Mastered',
}

export const STOREFRONT_LABELS: Record<Storefront, string> = {
  steam: 'Steam',
  gog: 'GOG',
  epic: 'Epic Games Store',
  playstation: 'PlayStation Store',
  xbox: 'Xbox Store',
  nintendo: 'Nintendo eShop',
  itch: 'itch.io',
  physical: 'Physical copy',
  other: 'Other',
}

/** The keys of a record of labels, in their order (typed, unlike Object.keys). */
export const keysOf = <K extends string>(labels: Record<K, string>) => Object.keys(labels) as K[]

/** The longest session the server takes: a day. */
export const MAX_SESSION_MINUTES = 1_440
/** The largest adjustment of a playthrough's time the server takes, either way. */
export const MAX_ADJUSTMENT_MINUTES = 100_000

/** "1 h 30 min", "45 min", "2 h". */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  if (h === 0) return `${m} min`
  return m === 0 ? `${h.toLocaleString()} h` : `${h.toLocaleString()} h ${m} min`
}

/** "12.5 h" (the API's hours are to a tenth). */
export function formatHours(hours: number): string {
  return `${hours.toLocaleString(undefined, { maximumFractionDigits: 1 })} h`
}

/** "Finished · Main story", "PC", "1 Mar 2024 – 3 Mar 2024", "replay": what a playthrough is, in short. */
export function playthroughFacts(p: Playthrough): string[] {
  const status = p.completion ? `${STATUS_LABELS[p.status]} · ${COMPLETION_LABELS[p.completion]}` : STATUS_LABELS[p.status]
  const dates =
    p.started_on && p.finished_on
      ? p.started_on === p.finished_on
        ? formatDay(p.finished_on)
        : `${formatDay(p.started_on)} – ${formatDay(p.finished_on)}`
      : p.started_on
        ? `since ${formatDay(p.started_on)}`
        : p.finished_on
          ? formatDay(p.finished_on)
          : null
  return [status, p.platform, p.storefront && STOREFRONT_LABELS[p.storefront], dates, p.replay ? 'replay' : null].filter(
    (fact): fact is string => !!fact,
  )
}

/** "3 h 20 min · 4 sessions". */
export function playthroughTime(p: Playthrough): string {
  const sessions = p.session_count === 1 ? '1 session' : `${p.session_count} sessions`
  return `${formatMinutes(p.minutes)} · ${sessions}`
}
