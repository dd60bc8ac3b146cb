import {DxError, ExitCode} from '../errors.js'
import {readIdentityFile, isAlive} from './identity.js'
import {acquireJobLock} from './job-lock.js'
import type {JobPaths} from './job-paths.js'
import {isJobMeta, isOutcomeRecord, type JobMeta, type OutcomeRecord} from './job-meta.js'
import {stopProcessGroup} from './kill-group.js'
import {outcomeRecord} from './observe-job.js'
import {readJsonFile, readRcFile, writeJsonAtomic} from './store.js'
import type {Heartbeat} from '../health/heartbeat.js'

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

/** Stop the job's whole process group (TERM, grace, KILL) and record it as killed by the user. Caller holds no lock. */
export async function stopJobUnlocked(paths: JobPaths, meta: JobMeta, graceMs: number, reason = 'stopped_by_user'): Promise<StopResult> {
  const monitor = readIdentityFile(paths.monitorPid)
  const agent = readIdentityFile(paths.pid)
  const pgid = monitor.kind === 'ok' ? monitor.identity.pid : undefined
  const live = (agent.kind === 'ok' && isAlive(agent.identity)) || (monitor.kind === 'ok' && isAlive(monitor.identity))
  const outcome = readJsonFile<OutcomeRecord>(paths.outcome)
  const finished = (outcome.kind === 'ok' && isOutcomeRecord(outcome.value)) || readRcFile(paths.rc).kind !== 'missing'
  if (!live || pgid === undefined) {
    return {beads: paths.beads, provider: paths.provider, stopped: false, already_finished: finished || !live, remaining_pids: []}
  }
  const hb = readJsonFile<Heartbeat>(paths.heartbeat)
  const startedAt = hb.kind === 'ok' && hb.value.attempt_started_at ? hb.value.attempt_started_at : meta.created_at
  // Record the intent first, so a status racing the exit sees `killed`, not the signal's rc.
  writeJsonAtomic(paths.outcome, outcomeRecord(meta, {state: 'killed', reason_code: reason}, {}, startedAt, new Date().toISOString(), null))
  const r = await stopProcessGroup(pgid, graceMs)
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
