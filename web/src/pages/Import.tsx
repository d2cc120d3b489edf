// Settings → Import: choose where the file comes from, upload it (or, for Steam, fetch it), then the import itself
// (ImportRun) and the past ones.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router'
import { api, ApiError, unwrap } from '../api/client'
import type { ImportItem, ImportSource } from '../api/types'
import { errorsOf, Field, FormErrors } from '../components/Form'
import { ImportRun } from '../components/ImportRun'
import { RequireAuth } from '../components/RequireAuth'
import { Empty, ErrorState, Skeleton } from '../components/States'
import { timeAgo } from '../lib/format'
import { useTitle } from '../lib/hooks'
import { ACTIVE_STATUSES, SOURCE_ORDER, SOURCES, STATUS_LABELS, STEAM_KEY_URL, summaryText, uploadTypeOf } from '../lib/imports'

/** One line each: where a person gets the file. */
const WHERE_FROM: Record<ImportSource, React.ReactNode> = {
  steam: (
    <>
      The <code>GetOwnedGames</code> JSON, or fetched here with a{' '}
      <a href={STEAM_KEY_URL} target="_blank" rel="noreferrer">
        Web API key
      </a>{' '}
      and your SteamID64 (game details public; the key is never stored).
    </>
  ),
  backloggd: 'Backloggd has no export of its own: use the CSV or JSON of the community exporter.',
  grouvee: 'collection.csv, from the export zip you get in your Settings on grouvee.com.',
  hltb: 'The CSV export, from the options of your HowLongToBeat profile.',
  playnite: 'The CSV written by the LibraryExporter add-on.',
  overworld: 'The JSON from Settings → Export on another Overworld instance.',
}

export function useImports() {
  return useQuery({
    queryKey: ['imports'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/imports/', { signal })),
  })
}

/** The import a refused upload names when another is in the way (409). */
function importInTheWay(error: unknown): number | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null
  const id = (error.body as { id?: unknown } | null)?.id
  return typeof id === 'number' ? id : null
}

function SourceChoice({ value, onChange }: { value: ImportSource | null; onChange: (source: ImportSource) => void }) {
  const name = useId()
  return (
    <fieldset className="source-choice">
      <legend className="label">Where from?</legend>
      {/* Each card is the option's label; its name is the source, its line on where to get the file describes it. */}
      {SOURCE_ORDER.map((source) => (
        <label key={source} className="source-option">
          <input
            type="radio"
            name={name}
            value={source}
            checked={value === source}
            onChange={() => onChange(source)}
            aria-labelledby={`${name}-${source}`}
            aria-describedby={`${name}-${source}-hint`}
          />
          <span className="source-option-text">
            <strong id={`${name}-${source}`}>{SOURCES[source].label}</strong>
            <span className="source-option-hint" id={`${name}-${source}-hint`}>
              {WHERE_FROM[source]}
            </span>
          </span>
        </label>
      ))}
    </fieldset>
  )
}

function SteamFetch({ onStarted }: { onStarted: (id: number) => void }) {
  const [key, setKey] = useState('')
  const [steamId, setSteamId] = useState('')
  const fetchLibrary = useMutation({
    mutationFn: () => unwrap(api.POST('/api/imports/steam', { body: { key: key.trim(), steam_id: steamId.trim() } })),
    onSuccess: (created) => {
      setKey('')
      onStarted(created.id)
    },
  })
  const errors = errorsOf(fetchLibrary.error)
  const inTheWay = importInTheWay(fetchLibrary.error)
  return (
    <form
      className="form import-steam"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        fetchLibrary.mutate()
      }}
    >
      <h3>Or fetch it from Steam</h3>
      <FormErrors errors={errors} shownFields={['key', 'steam_id']} />
      {inTheWay !== null && <Link to={`?import=${inTheWay}`}>Open the import in progress</Link>}
      <div className="form-row">
        <Field label="Steam Web API key" errors={errors.key} hint="Used for this import only, never stored.">
          {(props) => <input {...props} type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />}
        </Field>
        <Field label="SteamID64" errors={errors.steam_id} hint="17 digits, like 76561197960287930.">
          {(props) => (
            <input {...props} inputMode="numeric" autoComplete="off" value={steamId} onChange={(e) => setSteamId(e.target.value)} />
          )}
        </Field>
      </div>
      <div>
        <button type="submit" className="button" disabled={!key.trim() || !steamId.trim() || fetchLibrary.isPending}>
          {fetchLibrary.isPending ? 'Fetching…' : 'Fetch my Steam library'}
        </button>
      </div>
    </form>
  )
}

function NewImport({ onStarted }: { onStarted: (id: number) => void }) {
  const [source, setSource] = useState<ImportSource | null>(null)
  const [file, setFile] = useState<File | null>(null)
  const upload = useMutation({
    mutationFn: ({ source, file }: { source: ImportSource; file: File }) =>
      unwrap(
        api.POST('/api/imports/', {
          params: { query: { source } },
          // The body is the file itself, as it is: the API reads CSV or JSON by this type.
          body: file as never,
          bodySerializer: () => file,
          headers: { 'Content-Type': uploadTypeOf(file) },
        }),
      ),
    onSuccess: (created) => onStarted(created.id),
  })
  const inTheWay = importInTheWay(upload.error)
  return (
    <section className="settings-section" aria-labelledby="new-import-heading">
      <h2 id="new-import-heading">New import</h2>
      <p>
        Nothing is written until you have seen what the import will do and said so. Importing the same file again
        changes nothing; a newer one brings only what changed.
      </p>
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          if (source && file) upload.mutate({ source, file })
        }}
      >
        <SourceChoice
          value={source}
          onChange={(next) => {
            setSource(next)
            upload.reset()
          }}
        />
        {source && (
          <Field label={`Your ${SOURCES[source].label} file`} hint="Up to 20 MB.">
            {(props) => (
              <input
                {...props}
                type="file"
                accept={SOURCES[source].accept}
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null)
                  upload.reset()
                }}
              />
            )}
          </Field>
        )}
        {upload.error && (
          <div className="form-errors" role="alert">
            <p>{upload.error.message}</p>
            {inTheWay !== null && <Link to={`?import=${inTheWay}`}>Open the import in progress</Link>}
          </div>
        )}
        {source && (
          <div>
            <button type="submit" className="button" disabled={!file || upload.isPending}>
              {upload.isPending ? 'Uploading…' : 'Upload and preview'}
            </button>
          </div>
        )}
      </form>
      {source === 'steam' && <SteamFetch onStarted={onStarted} />}
    </section>
  )
}

function PastImports({ imports, shown }: { imports: ImportItem[]; shown: number | null }) {
  return (
    <section className="settings-section" aria-labelledby="past-imports-heading">
      <h2 id="past-imports-heading">Past imports</h2>
      {imports.length === 0 ? (
        <Empty>No imports yet.</Empty>
      ) : (
        <ol className="import-history" aria-label="Past imports">
          {imports.map((item) => (
            <li key={item.id} className="import-history-item">
              <p className="import-history-head">
                <strong>{SOURCES[item.source].label}</strong>
                <span className="muted">
                  {' · '}
                  <time dateTime={item.created_at}>{timeAgo(item.created_at)}</time>
                  {' · '}
                  {STATUS_LABELS[item.status]}
                </span>
              </p>
              <p className="import-history-summary">
                {item.status === 'failed' ? item.error : summaryText(item.summary, item.status === 'done')}
              </p>
              {item.id !== shown && (
                <Link to={`?import=${item.id}`}>
                  Details<span className="visually-hidden"> of the {SOURCES[item.source].label} import</span>
                </Link>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

function ImportContent() {
  const imports = useImports()
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  if (imports.isPending) return <Skeleton lines={6} />
  if (imports.isError) return <ErrorState error={imports.error} retry={() => imports.refetch()} />
  const asked = Number(params.get('import'))
  const shown = Number.isInteger(asked) && asked > 0 ? asked : null
  // The one in progress comes before a new one (a person has one at most); in the address, so that it stays on
  // the page with its summary once it is done.
  const active = imports.data.results.find((item) => ACTIVE_STATUSES.includes(item.status))
  if (shown === null && active) return <Navigate to={`?import=${active.id}`} replace />
  const started = (id: number) => {
    void queryClient.invalidateQueries({ queryKey: ['imports'] })
    void navigate(`?import=${id}`)
  }
  return (
    <>
      {shown === null ? <NewImport onStarted={started} /> : <ImportRun key={shown} id={shown} onClosed={() => navigate('/settings/import')} />}
      <PastImports imports={imports.data.results} shown={shown} />
    </>
  )
}

export default function Import() {
  useTitle('Import your games')
  return (
    <RequireAuth>
      <div className="settings import-page">
        <p className="breadcrumb">
          <Link to="/settings">Settings</Link>
        </p>
        <h1 className="page-title">Import your games</h1>
        <p className="lede">
          Bring your history from Steam, Backloggd, Grouvee, HowLongToBeat, Playnite or another Overworld: games,
          ratings, reviews, play time and playthroughs.
        </p>
        <ImportContent />
      </div>
    </RequireAuth>
  )
}
