import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { readImportFile, type FileFormat } from './parse.js'
import { ImportFormatError, type ImportRow, type ImportSource } from './rows.js'

/** Files parsed at once by this process; more wait their turn (each upload is at most 20 MB). */
const MAX_PARSERS = 2

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
 * Parses an upload on a worker thread: a 20 MB file takes a good part of a second to read, which the main thread,
 * answering every other request, must not spend. Throws ImportFormatError as readImportFile does.
 */
export async function parseOffMainThread(source: ImportSource, format: FileFormat, bytes: Uint8Array): Promise<ImportRow[]> {
  const release = await turn()
  try {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: { source, format, bytes } satisfies Job })
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
