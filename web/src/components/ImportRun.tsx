// One import, from the upload to its summary: the games being found, the preview (what each row will do, a game to
// pick for the rows without one), the progress of the commit, and at the end the summary and the rows left out.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useRef, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { api, unwrap } from '../api/client'
import { cursorPaging, pageQuery } from '../api/pages'
import type { ImportDetail, ImportOutcome, ImportRowItem, ImportStatus, ImportSummary } from '../api/types'
import { useAuth } from '../auth'
import { plural, timeAgo } from '../lib/format'
import { isOutcome, OUTCOME_FILTERS, SOURCES, STATUS_LABELS, SUMMARY_COUNTS, summaryText } from '../lib/imports'
import { ConfirmDialog } from './ConfirmDialog'
import { GameCombobox } from './GameCombobox'
import { GameCover } from './GameCover'
import { Empty, ErrorState, LoadMore, Skeleton } from './States'

/** How often an import being worked on is asked about. */
const POLL_MS = 750
const ROWS_PER_PAGE = 50
const WORKING: ImportStatus[] = ['uploading', 'matching', 'committing']
const moment = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
/** The rows an import keeps once it is done. */
const NOT_IMPORTED: ImportOutcome[] = ['unmatched', 'skipped', 'failed']

/** The import's status, progress and summary (one row only: the rows have queries of their own). */
function useImport(id: number) {
  return useQuery({
    queryKey: ['import', id],
    queryFn: ({ signal }) => unwrap(api.GET('/api/imports/{id}', { params: { path: { id }, query: { limit: 1 } }, signal })),
    refetchInterval: (query) => (query.state.data && WORKING.includes(query.state.data.status) ? POLL_MS : false),
    staleTime: 0,
  })
}

function useImportRows(id: number, outcome: ImportOutcome | undefined) {
  return useInfiniteQuery({
    queryKey: ['import', id, 'rows', outcome ?? 'all'],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/api/imports/{id}', {
          params: { path: { id }, query: { ...(outcome && { outcome }), ...pageQuery(ROWS_PER_PAGE, pageParam) } },
          signal,
        }),
      ),
    ...cursorPaging,
  })
}

/**
 * What the rest of the app shows follows the import: the list of imports whenever its status changes, and
 * everything else (library, ratings, playthroughs, lists…) once it has written.
 */
function useRefreshOnStatus(status: ImportStatus | undefined) {
  const queryClient = useQueryClient()
  const last = useRef(status)
  useEffect(() => {
    if (status === undefined || status === last.current) return
    const before = last.current
    last.current = status
    if (before === undefined) return
    if (status === 'done') void queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'import' })
    else void queryClient.invalidateQueries({ queryKey: ['imports'] })
  }, [status, queryClient])
}

function Progress({ label, done, total }: { label: string; done: number; total: number }) {
  const id = useId()
  return (
    <div className="import-progress">
      <label htmlFor={id}>
        {label} {done.toLocaleString()} of {total.toLocaleString()} rows
      </label>
      <progress id={id} max={Math.max(total, 1)} value={done} />
    </div>
  )
}

function Summary({ summary, committed }: { summary: ImportSummary; committed: boolean }) {
  return (
    <>
      <ul className="stat-tiles import-summary" aria-label={committed ? 'What the import did' : 'What the import will do'}>
        {SUMMARY_COUNTS.filter(({ key }) => key !== 'failed' || summary.failed > 0).map(({ key, before, after }) => (
          <li key={key}>
            <strong>{summary[key].toLocaleString()}</strong> <span>{committed ? after : before}</span>
          </li>
        ))}
      </ul>
      {summary.rounded > 0 && (
        <p className="muted">
          {summary.rounded === 1 ? '1 rating was' : `${summary.rounded.toLocaleString()} ratings were`} rounded to the
          nearest half star.
        </p>
      )}
    </>
  )
}

const MATCHED_BY: Record<string, string> = {
  steam: 'by its Steam app id',
  igdb: 'by its IGDB id',
  slug: 'by its address',
  name: 'by its name',
  picked: 'picked by you',
}

function RowGame({ importId, row, editable, onPicked }: { importId: number; row: ImportRowItem; editable: boolean; onPicked: (message: string) => void }) {
  const queryClient = useQueryClient()
  const [changing, setChanging] = useState(false)
  const pick = useMutation({
    mutationFn: (game: number | 'new' | null) =>
      unwrap(api.PUT('/api/imports/{id}/rows/{position}', { params: { path: { id: importId, position: row.position } }, body: { game } })),
    onSuccess: (picked) => {
      setChanging(false)
      onPicked(
        picked.game
          ? `“${row.title}” is now ${picked.game.name}.`
          : picked.matched_by === 'new'
            ? `“${row.title}” will be added to the catalog as a new game.`
            : `“${row.title}” is left out.`,
      )
      void queryClient.invalidateQueries({ queryKey: ['import', importId] })
    },
  })
  if (row.kind !== 'game') return <span className="muted">—</span>
  const isNew = row.matched_by === 'new'
  const picker = (
    <div className="row-picker">
      <GameCombobox label={`Game for “${row.title}”`} hideLabel placeholder="Find the game…" onSelect={(hit) => pick.mutate(hit.id)} />
      <div className="button-row">
        {!isNew && (
          <button type="button" className="button button-ghost button-small" disabled={pick.isPending} onClick={() => pick.mutate('new')}>
            Add as a new game<span className="visually-hidden"> for “{row.title}”</span>
          </button>
        )}
        {(row.game || isNew) && (
          <button type="button" className="button button-ghost button-small" onClick={() => setChanging(false)}>
            Keep<span className="visually-hidden"> the game of “{row.title}”</span>
          </button>
        )}
      </div>
    </div>
  )
  return (
    <div className="row-game">
      {row.game ? (
        <p className="row-game-match">
          <GameCover game={row.game} size="xs" decorative />
          <span>
            <Link to={`/games/${row.game.slug}`}>{row.game.name}</Link>
            {row.matched_by && MATCHED_BY[row.matched_by] && <span className="muted row-game-how">{MATCHED_BY[row.matched_by]}</span>}
          </span>
        </p>
      ) : isNew ? (
        <p className="row-game-match">A new game: “{row.title}”</p>
      ) : null}
      {editable &&
        (changing || (!row.game && !isNew) ? (
          picker
        ) : (
          <div className="button-row">
            <button type="button" className="button button-ghost button-small" onClick={() => setChanging(true)}>
              Change<span className="visually-hidden"> the game of “{row.title}”</span>
            </button>
            <button type="button" className="button button-ghost button-small" disabled={pick.isPending} onClick={() => pick.mutate(null)}>
              Leave out<span className="visually-hidden"> “{row.title}”</span>
            </button>
          </div>
        ))}
      {pick.error && (
        <p className="panel-error" role="alert">
          {pick.error.message}
        </p>
      )}
    </div>
  )
}

const KIND_LABELS: Record<ImportRowItem['kind'], string | null> = {
  game: null,
  list: 'List',
  favorites: 'Favorites',
  follow: 'Follow',
  skipped: null,
}

function RowEffect({ row, committed }: { row: ImportRowItem; committed: boolean }) {
  return (
    <>
      {row.reason && <p className="row-reason">{row.reason}</p>}
      {!committed && row.changes.length > 0 && (
        <ul className="row-changes">
          {row.changes.map((change, i) => (
            <li key={i}>{change}</li>
          ))}
        </ul>
      )}
      {!committed && !row.reason && row.changes.length === 0 && <p className="muted">Nothing to change.</p>}
      {row.rounded && <p className="muted">The rating is rounded to the nearest half star.</p>}
      {row.notes.map((note, i) => (
        <p key={i} className="muted row-note">
          {note}
        </p>
      ))}
    </>
  )
}

function ImportRows({ detail, outcome }: { detail: ImportDetail; outcome: ImportOutcome | undefined }) {
  const rows = useImportRows(detail.id, outcome)
  const [announcement, setAnnouncement] = useState('')
  const committed = detail.status === 'done'
  const editable = detail.status === 'ready'
  const items = rows.data?.pages.flatMap((page) => page.rows) ?? []
  return (
    <>
      <p className="success import-announcement" role="status">
        {announcement}
      </p>
      {rows.isPending ? (
        <Skeleton lines={5} />
      ) : rows.isError ? (
        <ErrorState error={rows.error} retry={() => rows.refetch()} />
      ) : items.length === 0 ? (
        <Empty>{committed ? 'Every row was imported.' : 'No rows here.'}</Empty>
      ) : (
        <table className="import-rows">
          <caption className="visually-hidden">{committed ? 'Rows not imported' : 'What each row of the file will do'}</caption>
          <thead>
            <tr>
              <th scope="col">In your file</th>
              <th scope="col">Game</th>
              <th scope="col">{committed ? 'Why not' : 'What it will do'}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((row) => (
              <tr key={row.position} data-outcome={row.outcome}>
                <th scope="row">
                  <span className="row-title">{row.title}</span>
                  <span className="muted row-where">
                    {[KIND_LABELS[row.kind], row.line === null ? `row ${row.position}` : `line ${row.line}`].filter(Boolean).join(' · ')}
                  </span>
                </th>
                <td>
                  <RowGame importId={detail.id} row={row} editable={editable} onPicked={setAnnouncement} />
                </td>
                <td>
                  <RowEffect row={row} committed={committed} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore hasNext={rows.hasNextPage} loading={rows.isFetchingNextPage} onClick={() => rows.fetchNextPage()} />
    </>
  )
}

function OutcomeFilter({ summary, outcome, committed }: { summary: ImportSummary; outcome: ImportOutcome | undefined; committed: boolean }) {
  // After the commit only the rows not imported are kept: filters of rows that were imported would show nothing.
  const filters = OUTCOME_FILTERS.filter((filter) =>
    committed ? NOT_IMPORTED.includes(filter.outcome) && summary[filter.outcome] > 0 : filter.always || summary[filter.outcome] > 0,
  )
  const [params] = useSearchParams()
  const to = (value: ImportOutcome | undefined) => {
    const next = new URLSearchParams(params)
    if (value) next.set('show', value)
    else next.delete('show')
    return `?${next.toString()}`
  }
  if (committed && filters.length < 2) return null
  return (
    <nav className="segmented games-filter import-filter" aria-label="Which rows">
      <Link to={to(undefined)} aria-current={outcome === undefined ? 'page' : undefined} replace>
        All
      </Link>
      {filters.map((filter) => (
        <Link key={filter.outcome} to={to(filter.outcome)} aria-current={outcome === filter.outcome ? 'page' : undefined} replace>
          {filter.label} <span className="segmented-count">{summary[filter.outcome].toLocaleString()}</span>
        </Link>
      ))}
    </nav>
  )
}

function Preview({ detail, outcome, onClosed }: { detail: ImportDetail; outcome: ImportOutcome | undefined; onClosed: () => void }) {
  const queryClient = useQueryClient()
  const [backlogUnplayed, setBacklogUnplayed] = useState(detail.options.backlog_unplayed)
  const [cancelling, setCancelling] = useState(false)
  const commit = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/imports/{id}/commit', {
          params: { path: { id: detail.id } },
          body: detail.source === 'steam' ? { backlog_unplayed: backlogUnplayed } : {},
        }),
      ),
    // The answer says the commit has started: show its progress at once, the next poll says how far it got.
    onSuccess: (started) => {
      queryClient.setQueryData<ImportDetail>(['import', detail.id], (current) => current && { ...current, status: started.status, progress: { done: 0, total: current.progress.total } })
    },
  })
  const cancel = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/imports/{id}', { params: { path: { id: detail.id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['imports'] })
      onClosed()
    },
  })
  const writes = detail.summary.added + detail.summary.updated
  return (
    <>
      <p>
        Nothing is written yet. Check what each row will do and pick the game of the rows without one: unmatched rows
        are left out. This preview is kept until {moment.format(new Date(detail.expires_at))}.
      </p>
      <Summary summary={detail.summary} committed={false} />
      {detail.source === 'steam' && (
        <label className="checkbox">
          <input type="checkbox" checked={backlogUnplayed} onChange={(e) => setBacklogUnplayed(e.target.checked)} />
          Put the games I never played on my backlog
        </label>
      )}
      <div className="form-actions">
        {/* With nothing to write (the same file again) it still ends the import, which then says so. */}
        <button type="button" className="button" disabled={commit.isPending} onClick={() => commit.mutate()}>
          {commit.isPending ? 'Starting…' : writes > 0 ? `Import ${plural(writes, 'row')}` : 'Import (nothing changes)'}
        </button>
        <button type="button" className="button button-ghost" onClick={() => setCancelling(true)}>
          Cancel import
        </button>
      </div>
      {commit.error && (
        <p className="panel-error" role="alert">
          {commit.error.message}
        </p>
      )}
      <OutcomeFilter summary={detail.summary} outcome={outcome} committed={false} />
      <ImportRows detail={detail} outcome={outcome} />
      <ConfirmDialog
        open={cancelling}
        title="Cancel this import?"
        confirmLabel="Cancel import"
        busy={cancel.isPending}
        error={cancel.error}
        onConfirm={() => cancel.mutate()}
        onClose={() => setCancelling(false)}
      >
        <p>The preview and the games you picked are forgotten. Nothing has been written to your library.</p>
      </ConfirmDialog>
    </>
  )
}

function Done({ detail, outcome, onClosed }: { detail: ImportDetail; outcome: ImportOutcome | undefined; onClosed: () => void }) {
  const auth = useAuth()
  const left = detail.summary.unmatched + detail.summary.skipped + detail.summary.failed
  const kept = outcome && NOT_IMPORTED.includes(outcome) ? outcome : undefined
  return (
    <>
      <p className="success import-announcement" role="status">
        Imported: {summaryText(detail.summary, true)}.
      </p>
      <Summary summary={detail.summary} committed />
      <div className="form-actions">
        {auth.user && (
          <Link to={`/u/${auth.user.username}/games`} className="button">
            See your games
          </Link>
        )}
        <button type="button" className="button button-ghost" onClick={onClosed}>
          Import another file
        </button>
      </div>
      {left > 0 && (
        <>
          <h3>Rows not imported</h3>
          <OutcomeFilter summary={detail.summary} outcome={kept} committed />
          <ImportRows detail={detail} outcome={kept} />
        </>
      )}
    </>
  )
}

export function ImportRun({ id, onClosed }: { id: number; onClosed: () => void }) {
  const current = useImport(id)
  const [params] = useSearchParams()
  const shown = params.get('show')
  const outcome = isOutcome(shown) ? shown : undefined
  useRefreshOnStatus(current.data?.status)
  if (current.isPending) return <Skeleton lines={6} />
  if (current.isError) return <ErrorState error={current.error} retry={() => current.refetch()} what="import" />
  const detail = current.data
  return (
    <section className="settings-section import-run" aria-labelledby="import-heading">
      <h2 id="import-heading">{SOURCES[detail.source].label} import</h2>
      <p className="muted">
        Uploaded <time dateTime={detail.created_at}>{timeAgo(detail.created_at)}</time> · {STATUS_LABELS[detail.status]}
      </p>
      {detail.status === 'matching' && <Progress label="Finding your games:" done={detail.progress.done} total={detail.progress.total} />}
      {detail.status === 'ready' && <Preview detail={detail} outcome={outcome} onClosed={onClosed} />}
      {detail.status === 'committing' && <Progress label="Importing:" done={detail.progress.done} total={detail.progress.total} />}
      {detail.status === 'done' && <Done detail={detail} outcome={outcome} onClosed={onClosed} />}
      {(detail.status === 'cancelled' || detail.status === 'failed') && (
        <>
          <p className={detail.status === 'failed' ? 'panel-error' : undefined}>
            {detail.status === 'failed' ? (detail.error ?? 'The import failed.') : 'This import was cancelled: nothing was written.'}
          </p>
          <button type="button" className="button" onClick={onClosed}>
            Start a new import
          </button>
        </>
      )}
    </section>
  )
}
