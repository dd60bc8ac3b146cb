import {acquireJobLock} from '../store/job-lock.js'
import type {JobPaths} from '../store/job-paths.js'
import {readMetaOrThrow, stopJobUnlocked} from './stop-job.js'
import {writeJsonAtomic} from '../store/store.js'
import {isJobActive} from './start-job.js'

/** Mark a job as needing a person; stop it first when it still runs. The caller holds the job's lock. */
export async function blockJobUnlocked(paths: JobPaths, reasonCode: string, opts: {stop: boolean; graceMs?: number}): Promise<void> {
  const meta = readMetaOrThrow(paths)
  if (opts.stop && isJobActive(paths)) await stopJobUnlocked(paths, meta, opts.graceMs ?? 10_000, 'stopped_by_user')
  writeJsonAtomic(paths.meta, {...meta, blocked: {reason_code: reasonCode, at: new Date().toISOString()}})
}

/** blockJobUnlocked under the job's lock. */
export async function blockJob(paths: JobPaths, reasonCode: string, opts: {stop: boolean; graceMs?: number}): Promise<void> {
  const lock = acquireJobLock(paths.lock)
  try {
    await blockJobUnlocked(paths, reasonCode, opts)
  } finally {
    lock.release()
  }
}
