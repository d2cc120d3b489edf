/** Where a game's genre, platform or developer chip leads: the discover page filtered by it. */
export function discoverLink(filter: 'genre' | 'platform' | 'developer', value: string): string {
  return `/discover?${new URLSearchParams({ [filter]: value })}`
}
