import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { readImportFile, type FileFormat } from './parse.js'
import { ImportFormatError, type ImportRow, type ImportSource } from './rows.js'

/** Files parsed at once by this process; more wait their turn (each upload is at most 20 MB). */
const MAX_PARSERS = 2
/**
 * Below this size a file is read on the main thread: a few milliseconds at most (a Steam library of 1,000 games is
 * about 200 KB), less than starting a thread costs.
 */
export const INLINE_PARSE_BYTES = 256 * 1024

interface Job {
  source: ImportSource
  format: FileFormat
  bytes: Uint8Array
}

type Answer = { rows: ImportRow[] } | { formatError: { message: string; line: number | null; column: number | null } } | { failure: string }

// In the worker: parse the one file it was given, answer, and end.
if (!isMainThread && parentPort) {
  const { source, format, bytes } = workerData as Job
  let answer: Answer
  try {
    answer = { rows: readImportFile(source, format, bytes) }
  } catch (error) {
    answer =
      error instanceof ImportFormatError
        ? { formatError: { message: error.message, line: error.line, column: error.column } }
        : { failure: error instanceof Error ? error.message : String(error) }
  }
  parentPort.postMessage(answer)
}

/**
 * This file, as the worker's entry. Run from the TypeScript source (tests, `npm run import`), the worker registers
 * tsx's loader before loading it, as a new thread has none of this thread's loaders.
 */
function workerEntry(): [string | URL, { eval?: boolean }] {
  if (!import.meta.url.endsWith('.ts')) return [new URL(import.meta.url), {}]
  const load = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}) })`
  return [load, { eval: true }]
}

let active = 0
const waiting: (() => void)[] = []

async function turn(): Promise<() => void> {
  if (active >= MAX_PARSERS) await new Promise<void>((resolve) => waiting.push(resolve))
  active++
  return () => {
    active--
    waiting.shift()?.()
  }
}

/**
 * Parses an upload, a big one on a worker thread: a 20 MB file takes seconds to read, which the main thread,
 * answering every other request, must not spend. Throws ImportFormatError as readImportFile does.
 */
export async function parseOffMainThread(source: ImportSource, format: FileFormat, bytes: Uint8Array): Promise<ImportRow[]> {
  if (bytes.length < INLINE_PARSE_BYTES) return readImportFile(source, format, bytes)
  const release = await turn()
  try {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const [entry, options] = workerEntry()
      const worker = new Worker(entry, { ...options, workerData: { source, format, bytes } satisfies Job })
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`import parser exited with code ${code}`)))
    })
    if ('rows' in answer) return answer.rows
    if ('formatError' in answer) throw new ImportFormatError(answer.formatError.message, answer.formatError.line, answer.formatError.column)
    throw new Error(`import parser failed: ${answer.failure}`)
  } finally {
    release()
  }
}
