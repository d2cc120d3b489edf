import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openDatabase, type Db } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { progressWriter } from '../games/import.js'
import { findUserIdByUsername } from '../users/repository.js'
import { createImportWork } from './jobs.js'
import { formatOfContent, readImportFile, type FileFormat } from './parse.js'
import { findImport, insertImport, storeImportRows, updateImport, type ImportSummary } from './repository.js'
import { IMPORT_SOURCES, ImportFormatError, type ImportSource } from './rows.js'

const USAGE = `usage: npm run import -- --user <username> --source <${IMPORT_SOURCES.join('|')}> <file>\n`

/** The file's format by its name; a name that says neither is read by its first character. */
function formatOfFile(file: string, bytes: Buffer): FileFormat {
  if (/\.csv$/i.test(file)) return 'csv'
  if (/\.json$/i.test(file)) return 'json'
  return formatOfContent(bytes)
}

export function formatImportSummary(summary: ImportSummary): string {
  return (['added', 'updated', 'unchanged', 'unmatched', 'skipped', 'failed', 'rounded'] as const)
    .map((key) => `${key} ${summary[key]}`)
    .join(', ')
}

/** Rows not imported, with why: what an operator needs to tell the person. */
async function notImported(db: Db, importId: number): Promise<string> {
  const rows = await db
    .selectFrom('import_rows')
    .select(['line', 'title', 'outcome', 'reason'])
    .where('import_id', '=', importId)
    .where('outcome', 'in', ['unmatched', 'skipped', 'failed'])
    .orderBy('position')
    .execute()
  return rows.map((row) => `  ${row.line === null ? '' : `line ${row.line}: `}${row.title} — ${row.outcome}: ${row.reason ?? ''}\n`).join('')
}

/**
 * Imports a file into a person's library as the web app does (preview, then commit), for an operator: rows that
 * match no game are left out and listed. Returns the exit code.
 */
export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { user: { type: 'string' }, source: { type: 'string' } }, allowPositionals: true })
  const [file] = positionals
  const source = values.source as ImportSource | undefined
  if (!values.user || !source || !IMPORT_SOURCES.includes(source) || !file || positionals.length !== 1) {
    process.stderr.write(USAGE)
    return 2
  }
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(file)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    process.stderr.write(`import: cannot read ${file}: ${reason}\n`)
    return 1
  }
  const config = loadConfig()
  const db = openDatabase(config.databaseUrl, { queryTimeoutMs: 0 })
  const work = createImportWork(db, { newGames: config.newGames, log: { error: (...args: unknown[]) => console.error(...args) }, sweep: false })
  try {
    await migrateToLatest(db)
    const userId = await findUserIdByUsername(db, values.user)
    if (userId === undefined) {
      process.stderr.write(`import: no account named ${values.user}\n`)
      return 1
    }
    const rows = readImportFile(source, formatOfFile(file, bytes), bytes)
    const created = await db.transaction().execute((trx) => insertImport(trx, userId, source, rows.length))
    if ('active' in created) throw new Error(`${values.user} has an import in progress (${created.active}): it must be committed or cancelled first`)
    const importId = created.id
    await storeImportRows(db, importId, rows)
    process.stderr.write(`matching ${rows.length} rows\n`)
    await work.run(importId, progressWriter(process.stderr))
    await updateImport(db, importId, { status: 'committing', done: 0 })
    process.stderr.write('writing\n')
    await work.run(importId, progressWriter(process.stderr))
    const record = await findImport(db, importId)
    if (record?.status !== 'done') throw new Error(`the import stopped (${record?.status}): ${record?.error ?? 'see the log'}`)
    process.stdout.write(`${formatImportSummary(record.summary)}\n${await notImported(db, importId)}`)
    return 0
  } catch (error) {
    if (error instanceof ImportFormatError) {
      const where = error.line === null ? '' : ` (line ${error.line}${error.column === null ? '' : `, column ${error.column}`})`
      process.stderr.write(`import: ${file} cannot be read${where}: ${error.message}\n`)
    } else {
      process.stderr.write(`\nimport: ${(error as Error).message}\n`)
    }
    return 1
  } finally {
    await work.close()
    await db.destroy()
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
