import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useId, useRef, useState } from 'react'
import { api, unwrap } from '../api/client'
import type { PersonHit, SearchHit } from '../api/types'
import { useDebounced } from '../lib/hooks'
import { Avatar } from './Avatar'
import { GameCover } from './GameCover'
import { usePeopleSearch } from './People'

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

type Choice = { kind: 'game'; hit: SearchHit } | { kind: 'person'; hit: PersonHit }

/**
 * A text box that suggests games as you type (ARIA 1.2 combobox with a listbox popup), and people too, in a
 * group of their own, when it is given `onSelectPerson`: ↓/↑ move through the suggestions, Enter picks one (or
 * submits the text), Escape closes, then clears.
 */
export function GameCombobox({
  label,
  placeholder = 'Search games',
  onSelect,
  onSelectPerson,
  onSubmitText,
  hideLabel = false,
  clearOnSelect = true,
  className = '',
  limit = 5,
}: {
  label: string
  placeholder?: string
  onSelect: (hit: SearchHit) => void
  onSelectPerson?: (person: PersonHit) => void
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
  const peopleSearch = usePeopleSearch(query, limit, onSelectPerson !== undefined)
  const shown = text.trim() && query
  const games: Choice[] = shown ? (search.data ?? []).map((hit) => ({ kind: 'game', hit })) : []
  const people: Choice[] = shown && onSelectPerson ? (peopleSearch.data ?? []).map((hit) => ({ kind: 'person', hit })) : []
  // Keyboard order is display order: the games, then the people.
  const choices = [...games, ...people]
  const settled = query === text.trim() && !search.isFetching && !peopleSearch.isFetching
  // While the answer for what was just typed is on its way, the old suggestions stay on screen (no flicker)
  // but cannot be picked with the keyboard, so Enter never picks a game the person did not see for their text.
  const stale = query !== text.trim() || search.isPlaceholderData || peopleSearch.isPlaceholderData
  const expanded = open && text.trim().length > 0 && (choices.length > 0 || settled)
  const activeChoice = expanded && active >= 0 ? choices[active] : undefined

  function choose(choice: Choice) {
    if (choice.kind === 'game') onSelect(choice.hit)
    else onSelectPerson?.(choice.hit)
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
        setActive((i) => (choices.length === 0 ? -1 : i + 1 >= choices.length ? 0 : i + 1))
        break
      case 'ArrowUp':
        event.preventDefault()
        setOpen(true)
        if (stale) break
        setActive((i) => (choices.length === 0 ? -1 : i <= 0 ? choices.length - 1 : i - 1))
        break
      case 'Enter':
        if (activeChoice) {
          event.preventDefault()
          choose(activeChoice)
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

  function option(choice: Choice, i: number) {
    return (
      <li
        key={choice.kind === 'game' ? `game-${choice.hit.id}` : `person-${choice.hit.user.id}`}
        id={`${id}-option-${i}`}
        role="option"
        aria-selected={i === active}
        className="combobox-option"
        // Keep focus in the input so the list does not close before the click lands.
        onMouseDown={(event) => event.preventDefault()}
        onMouseMove={() => setActive(i)}
        onClick={() => choose(choice)}
      >
        {choice.kind === 'game' ? (
          <>
            <GameCover game={choice.hit} size="xs" decorative />
            <span className="combobox-option-name">{choice.hit.name}</span>
            {choice.hit.release_year && <span className="combobox-option-year">{choice.hit.release_year}</span>}
          </>
        ) : (
          <>
            <Avatar src={choice.hit.user.gravatar} name={choice.hit.user.username} size={28} />
            <span className="combobox-option-name">{choice.hit.user.username}</span>
          </>
        )}
      </li>
    )
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
        aria-activedescendant={activeChoice ? `${id}-option-${active}` : undefined}
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
        {onSelectPerson ? (
          <>
            <ChoiceGroup id={`${id}-games`} label="Games">
              {games.map(option)}
            </ChoiceGroup>
            <ChoiceGroup id={`${id}-people`} label="People">
              {people.map((choice, i) => option(choice, games.length + i))}
            </ChoiceGroup>
          </>
        ) : (
          games.map(option)
        )}
        {expanded && choices.length === 0 && (
          <li className="combobox-empty" role="option" aria-disabled="true" aria-selected="false">
            {onSelectPerson ? 'Nothing matches' : 'No games match'} “{text.trim()}”
          </li>
        )}
      </ul>
      <span className="visually-hidden" role="status" aria-live="polite">
        {expanded ? (choices.length === 0 ? 'No suggestions' : `${choices.length} suggestions`) : ''}
      </span>
    </div>
  )
}

/** A labelled group of a listbox's options (ARIA's grouped listbox); nothing when it has no options. */
function ChoiceGroup({ id, label, children }: { id: string; label: string; children: React.ReactNode[] }) {
  if (children.length === 0) return null
  return (
    <li role="presentation">
      <ul role="group" aria-labelledby={id} className="combobox-group">
        <li role="presentation" id={id} className="combobox-group-label">
          {label}
        </li>
        {children}
      </ul>
    </li>
  )
}
