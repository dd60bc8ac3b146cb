import {existsSync} from 'node:fs'
import type {JobPaths} from '../store/job-paths.js'
import type {JobMeta} from '../store/job-meta.js'
import {readJsonFile} from '../store/store.js'

/** What a queued job was submitted under (meta.queue): its provider's limit then, when, and its place in line. */
export interface QueueRecord {
  max_parallel: number
  queued_at: string
  seq: number
}

export function isQueueRecord(v: unknown): v is QueueRecord {
  if (typeof v !== 'object' || v === null) return false
  const q = v as Record<string, unknown>
  return Number.isInteger(q.max_parallel) && (q.max_parallel as number) >= 1 && typeof q.queued_at === 'string' && Number.isInteger(q.seq)
}

/** Nothing of an attempt exists yet: no supervisor, no agent, no exit status, no outcome. */
export function neverLaunched(paths: JobPaths): boolean {
  return !existsSync(paths.monitorPid) && !existsSync(paths.pid) && !existsSync(paths.rc) && !existsSync(paths.outcome)
}

/** The job waits in its provider's queue: recorded with `queue` and never launched since. */
export function queuedRecord(paths: JobPaths, meta?: JobMeta): QueueRecord | undefined {
  if (!neverLaunched(paths)) return undefined
  const m = meta ?? (() => {
    const r = readJsonFile<JobMeta>(paths.meta)
    return r.kind === 'ok' ? r.value : undefined
  })()
  return m && isQueueRecord(m.queue) ? m.queue : undefined
}
