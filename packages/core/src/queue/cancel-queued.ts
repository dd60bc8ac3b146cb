import {outcomeRecord} from '../health/decide-observation.js'
import type {JobPaths} from '../store/job-paths.js'
import type {JobMeta} from '../store/job-meta.js'
import {writeJsonAtomic} from '../store/store.js'

/** `stop` of a queued job: it leaves the line, never launched, and reads as ended by the user (exited_err / stopped_by_user). The caller holds the job's lock. */
export function cancelQueuedJob(paths: JobPaths, meta: JobMeta): {beads: string; provider: string; stopped: boolean; already_finished: boolean; remaining_pids: number[]} {
  const now = new Date().toISOString()
  // the outcome is what takes it out of line: a queued job is one never launched and without an outcome
  writeJsonAtomic(paths.outcome, outcomeRecord(meta, {state: 'killed', reason_code: 'stopped_by_user'}, {}, meta.created_at, now, null))
  return {beads: paths.beads, provider: paths.provider, stopped: true, already_finished: false, remaining_pids: []}
}
