import {DxError, ExitCode} from '../errors.js'
import type {ReasonCode} from '@dx-runner/provider'
import {acquireJobLock} from '../store/job-lock.js'
import type {JobPaths} from '../store/job-paths.js'
import {isJobMeta, isOutcomeRecord, type JobMeta, type OutcomeRecord} from '../store/job-meta.js'
import {endJobProcesses, jobProcesses} from '../process/job-processes.js'
import {outcomeRecord} from './observe-job.js'
import {markStopping} from '../store/stop-intent.js'
import {readJsonFile, readRcFile, removeQuietly, writeJsonAtomic} from '../store/store.js'
import type {Heartbeat} from '../health/heartbeat.js'
import {queuedRecord} from '../queue/queued-job.js'
import {cancelQueuedJob} from '../queue/cancel-queued.js'

export interface StopResult {
  beads: string
  provider: string
  stopped: boolean
  already_finished: boolean
  remaining_pids: number[]
}

export function readMetaOrThrow(paths: JobPaths): JobMeta {
  const r = readJsonFile<JobMeta>(paths.meta)
  if (r.kind === 'missing') throw new DxError(`no job ${paths.beads}: nothing to act on`, {exitCode: ExitCode.jobError})
  if (r.kind === 'corrupt' || !isJobMeta(r.value)) {
    throw new DxError(`job ${paths.beads} has corrupt metadata (${paths.meta}); prune it and start again`, {exitCode: ExitCode.jobError})
  }
  return r.value
}

function isFinished(paths: JobPaths): boolean {
  const outcome = readJsonFile<OutcomeRecord>(paths.outcome)
  return (outcome.kind === 'ok' && isOutcomeRecord(outcome.value)) || readRcFile(paths.rc).kind !== 'missing'
}

/**
 * Stop everything of the job (its process group, found from any valid identity, and every process
 * carrying its marker): TERM, grace, KILL. The `killed` outcome is written only once nothing is left,
 * so an interrupted stop never records a job as stopped while its agent runs. Caller holds no lock.
 */
export async function stopJobUnlocked(paths: JobPaths, meta: JobMeta, graceMs: number, reason: ReasonCode = 'stopped_by_user'): Promise<StopResult> {
  // a queued job has nothing running: it leaves the line
  if (queuedRecord(paths, meta)) return cancelQueuedJob(paths, meta)
  const finished = isFinished(paths)
  const running = jobProcesses(paths)
  if (running.pids.length === 0) {
    return {beads: paths.beads, provider: paths.provider, stopped: false, already_finished: true, remaining_pids: []}
  }
  if (finished) {
    // only what the agent left behind runs on: end it, keep the job's own outcome
    const r = await endJobProcesses(paths, graceMs)
    return {beads: paths.beads, provider: paths.provider, stopped: false, already_finished: true, remaining_pids: r.remaining}
  }
  const hb = readJsonFile<Heartbeat>(paths.heartbeat)
  const startedAt = hb.kind === 'ok' && hb.value.attempt_started_at ? hb.value.attempt_started_at : meta.created_at
  markStopping(paths)
  const r = await endJobProcesses(paths, graceMs)
  if (r.remaining.length === 0) {
    const rc = readRcFile(paths.rc)
    try {
      writeJsonAtomic(paths.outcome, outcomeRecord(meta, {state: 'killed', reason_code: reason}, {}, startedAt, new Date().toISOString(), rc.kind === 'ok' ? rc.value : null))
      removeQuietly(paths.stopping)
    } catch {
      // a full root: `stopping` and the rc (or its absence) still say the stop ended the job
    }
  }
  return {beads: paths.beads, provider: paths.provider, stopped: true, already_finished: false, remaining_pids: r.remaining}
}

export async function stopJob(paths: JobPaths, graceMs = 10_000): Promise<StopResult> {
  const meta = readMetaOrThrow(paths)
  const lock = acquireJobLock(paths.lock)
  try {
    return await stopJobUnlocked(paths, meta, graceMs)
  } finally {
    lock.release()
  }
}
