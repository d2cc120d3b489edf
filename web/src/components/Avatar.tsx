import { useState } from 'react'
import { hueOf } from '../lib/color'

/** A person's Gravatar; their initial on a colour of their own when it cannot be loaded. */
export function Avatar({ src, name, size = 40 }: { src: string; name: string; size?: number }) {
  const [failed, setFailed] = useState(false)
  if (failed || !src) {
    return (
      <span
        className="avatar avatar-fallback"
        style={{ width: size, height: size, fontSize: size * 0.45, background: `hsl(${hueOf(name)} 35% 35%)` }}
        aria-hidden="true"
      >
        {name.charAt(0).toUpperCase()}
      </span>
    )
  }
  // Gravatar serves the size asked for: ask for twice the CSS size for sharp screens.
  let url = src
  try {
    const parsed = new URL(src)
    parsed.searchParams.set('size', String(size * 2))
    url = parsed.href
  } catch {
    // not a URL we can adjust: use it as it is
  }
  return <img className="avatar" src={url} alt="" width={size} height={size} loading="lazy" onError={() => setFailed(true)} />
}
