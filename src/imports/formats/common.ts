import type { Storefront } from '../../db/tables.js'
import { PLATFORM_ALIASES, PLATFORMS } from '../../games/platforms.js'

const PLATFORM_BY_NAME = new Map<string, string>([
  ...PLATFORMS.map((name) => [name.toLowerCase(), name] as [string, string]),
  ...Object.entries(PLATFORM_ALIASES),
])

/** A platform as a file spells it, as one of PLATFORMS (through the aliases); null when blank or unknown. */
export function platformOf(value: string | null | undefined): string | null {
  if (!value) return null
  return PLATFORM_BY_NAME.get(value.trim().toLowerCase()) ?? null
}

const STOREFRONTS: Record<string, Storefront> = {
  steam: 'steam',
  gog: 'gog',
  'gog.com': 'gog',
  epic: 'epic',
  'epic games': 'epic',
  'epic games store': 'epic',
  'playstation store': 'playstation',
  playstation: 'playstation',
  psn: 'playstation',
  xbox: 'xbox',
  'microsoft store': 'xbox',
  nintendo: 'nintendo',
  'nintendo eshop': 'nintendo',
  'itch.io': 'itch',
  itch: 'itch',
  physical: 'physical',
}

/** Where a copy was bought, as a file names the store; anything unknown is `other`, blank is null. */
export function storefrontOf(value: string | null | undefined): Storefront | null {
  if (!value || !value.trim()) return null
  return STOREFRONTS[value.trim().toLowerCase()] ?? 'other'
}
