import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useId, useRef, useState } from 'react'
import { api, unwrap } from '../api/client'
import type { SearchHit } from '../api/types'
import { useDebounced } from '../lib/hooks'
import { GameCover } from './GameCover'

export function useGameSearch(query: string, limit: number) {
  return useQuery({
    queryKey: ['search', query, limit],
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/games/search/{name}', { params: { path: { name: query }, query: { limit } }, signal })),
    enabled: query.length > 0,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  })
}

/**
 * A text box that suggests games as you type (ARIA 1.2 combobox with a listbox popup):
 * ↓/↑ move through the suggestions, Enter picks one (or submits the text), Escape closes, then clears.
 */
export function GameCombobox({
  label,
  placeholder = 'Search games',
  onSelect,
  onSubmitText,
  hideLabel = false,
  clearOnSelect = true,
  className = '',
  limit = 5,
}: {
  label: string
  placeholder?: string
  onSelect: (hit: SearchHit) => void
  onSubmitText?: (text: string) => void
  hideLabel?: boolean
  clearOnSelect?: boolean
  className?: string
  limit?: number
}) {
  const [text, setText] = useState('')
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  const inputRef = useRef<HTMLInputElement>(null)
  const id = useId()
  const listId = `${id}-list`
  const query = useDebounced(text.trim(), 200)
  const search = useGameSearch(query, limit)
  const hits = text.trim() && query ? (search.data ?? []) : []
  const settled = query === text.trim() && !search.isFetching
  // While the answer for what was just typed is on its way, the old suggestions stay on screen (no flicker)
  // but cannot be picked with the keyboard, so Enter never picks a game the person did not see for their text.
  const stale = query !== text.trim() || search.isPlaceholderData
  const expanded = open && text.trim().length > 0 && (hits.length > 0 || settled)
  const activeHit = expanded && active >= 0 ? hits[active] : undefined

  function choose(hit: SearchHit) {
    onSelect(hit)
    setOpen(false)
    setActive(-1)
    if (clearOnSelect) setText('')
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault()
        setOpen(true)
        if (stale) break
        setActive((i) => (hits.length === 0 ? -1 : i + 1 >= hits.length ? 0 : i + 1))
        break
      case 'ArrowUp':
        event.preventDefault()
        setOpen(true)
        if (stale) break
        setActive((i) => (hits.length === 0 ? -1 : i <= 0 ? hits.length - 1 : i - 1))
        break
      case 'Enter':
        if (activeHit) {
          event.preventDefault()
          choose(activeHit)
        } else if (onSubmitText && text.trim()) {
          event.preventDefault()
          setOpen(false)
          onSubmitText(text.trim())
        } else {
          event.preventDefault()
        }
        break
      case 'Escape':
        if (expanded) {
          event.preventDefault()
          setOpen(false)
          setActive(-1)
        } else if (text) {
          event.preventDefault()
          setText('')
        }
        break
      default:
        break
    }
  }

  return (
    <div className={`combobox ${className}`}>
      <label htmlFor={`${id}-input`} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <input
        ref={inputRef}
        id={`${id}-input`}
        type="search"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={activeHit ? `${id}-option-${active}` : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        value={text}
        onChange={(event) => {
          setText(event.target.value)
          setOpen(true)
          setActive(-1)
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={`${label}: suggestions`}
        aria-busy={stale || undefined}
        className="combobox-list"
        hidden={!expanded}
      >
        {hits.map((hit, i) => (
          <li
            key={hit.id}
            id={`${id}-option-${i}`}
            role="option"
            aria-selected={i === active}
            className="combobox-option"
            // Keep focus in the input so the list does not close before the click lands.
            onMouseDown={(event) => event.preventDefault()}
            onMouseMove={() => setActive(i)}
            onClick={() => choose(hit)}
          >
            <GameCover game={hit} size="xs" decorative />
            <span className="combobox-option-name">{hit.name}</span>
            {hit.release_year && <span className="combobox-option-year">{hit.release_year}</span>}
          </li>
        ))}
        {expanded && hits.length === 0 && (
          <li className="combobox-empty" role="option" aria-disabled="true" aria-selected="false">
            No games match “{text.trim()}”
          </li>
        )}
      </ul>
      <span className="visually-hidden" role="status" aria-live="polite">
        {expanded ? (hits.length === 0 ? 'No suggestions' : `${hits.length} suggestions`) : ''}
      </span>
    </div>
  )
}
