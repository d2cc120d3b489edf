/** A stable hue for a slug (FNV-1a), so a game without a cover always gets the same colours. */
export function hueOf(slug: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < slug.length; i++) {
    hash ^= slug.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) % 360
}

export function placeholderColors(slug: string): { from: string; to: string } {
  const hue = hueOf(slug)
  return { from: `hsl(${hue} 55% 34%)`, to: `hsl(${(hue + 40) % 360} 60% 16%)` }
}
