import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../config.js'
import { openDatabase, type Db } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { igdbGameToInput, MalformedGameError } from './igdb.js'
import { upsertGameByIgdb } from './repository.js'

export interface ImportSummary {
  added: number
  updated: number
  /** Records left out: their index in the array (from 0) and why. */
  skipped: { index: number; reason: string }[]
}

/**
 * Upserts IGDB v4 `games` records by igdb id, each in its own transaction so none is half-written.
 * Malformed records are skipped with their reason; a database error stops the import (records before it stay).
 */
export async function importGames(
  db: Db,
  records: unknown[],
  onProgress?: (done: number, total: number) => void,
): Promise<ImportSummary> {
  const summary: ImportSummary = { added: 0, updated: 0, skipped: [] }
  for (const [index, record] of records.entries()) {
    try {
      const input = igdbGameToInput(record)
      const { added } = await db.transaction().execute((trx) => upsertGameByIgdb(trx, input))
      summary[added ? 'added' : 'updated']++
    } catch (error) {
      if (!(error instanceof MalformedGameError)) throw new Error(`record [${index}]: ${(error as Error).message}`, { cause: error })
      summary.skipped.push({ index, reason: error.message })
    }
    onProgress?.(index + 1, records.length)
  }
  return summary
}

export function formatSummary({ added, updated, skipped }: ImportSummary): string {
  const lines = [`added ${added}, updated ${updated}, skipped ${skipped.length}`]
  for (const { index, reason } of skipped) lines.push(`  record [${index}]: ${reason}`)
  return lines.join('\n') + '\n'
}

const BAR_WIDTH = 30

/** A progress bar redrawn in place on a terminal; a line every tenth of the way otherwise (logs, pipes). */
export function progressWriter(stream: NodeJS.WriteStream): (done: number, total: number) => void {
  let shown = -1
  return (done, total) => {
    const percent = Math.floor((done / total) * 100)
    const step = stream.isTTY ? percent : Math.floor(percent / 10) * 10
    if (step === shown) return
    shown = step
    if (stream.isTTY) {
      const filled = Math.floor((done / total) * BAR_WIDTH)
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent}% ${done}/${total}`)
      if (done === total) stream.write('\n')
    } else {
      stream.write(`${done}/${total} (${percent}%)\n`)
    }
  }
}

/** `npm run import-games -- FILE`: returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const file = args[0]
  if (args.length !== 1 || !file) {
    process.stderr.write('usage: npm run import-games -- FILE (a JSON array of IGDB v4 games records)\n')
    return 2
  }
  let records: unknown
  try {
    records = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    process.stderr.write(`import-games: cannot read ${file}: ${reason}\n`)
    return 1
  }
  if (!Array.isArray(records)) {
    process.stderr.write(`import-games: ${file} must hold a JSON array of IGDB games records\n`)
    return 1
  }
  const db = openDatabase(loadConfig().databaseUrl, { queryTimeoutMs: 0 })
  try {
    await migrateToLatest(db)
    process.stdout.write(formatSummary(await importGames(db, records, progressWriter(process.stderr))))
    return 0
  } catch (error) {
    process.stderr.write(`\nimport-games: ${(error as Error).message}\n`)
    return 1
  } finally {
    await db.destroy()
  }
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
