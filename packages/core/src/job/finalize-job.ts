import {linkSync, writeFileSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {isReasonCode, REASON_CODES, type OutcomeClass, type ReasonCode} from '@dx-runner/provider'
import {DxError, ExitCode} from '../errors.js'
import type {Heartbeat} from '../health/heartbeat.js'
import {endJobProcesses, jobProcesses} from '../process/job-processes.js'
import {acquireJobLock} from '../store/job-lock.js'
import {isOutcomeRecord, type OutcomeRecord} from '../store/job-meta.js'
import type {JobPaths} from '../store/job-paths.js'
import {FILE_MODE, readJsonFile, readRcRecord, removeQuietly, writeJsonAtomic, type ReadResult, type RcRecord} from '../store/store.js'
import {outcomeRecord} from '../health/decide-observation.js'
import {readMetaOrThrow} from './stop-job.js'

export interface FinalizeResult {
  beads: string
  provider: string
  state: OutcomeRecord['state']
  reason_code: ReasonCode
  exit_code: number
  finalized_by: 'operator'
  finalized_at: string
  ended_pids: number[]
  remaining_pids: number[]
}

/** The reason code an operator gave, checked against the closed set (exit 1 with one line otherwise). */
export function finalizeReason(code: string): ReasonCode {
  if (!isReasonCode(code)) {
    throw new DxError(`invalid --reason-code ${JSON.stringify(code.length > 60 ? `${code.slice(0, 60)}…` : code)}: not one of the ${REASON_CODES.length} reason codes (README "States")`, {exitCode: ExitCode.general})
  }
  return code
}

/** What a finalized job reads as: outcome_exit_0 is a success (exited_ok), every other reason a failure (exited_err). Pure. */
export function finalizeClass(reason: ReasonCode): OutcomeClass {
  return reason === 'outcome_exit_0' ? {state: 'success', reason_code: reason} : {state: 'failed', reason_code: reason}
}

/** The exit status recorded: the one given, else the rc the supervisor wrote, else 0 for outcome_exit_0 and 1 for the rest. Pure. */
export function finalizeExitCode(given: number | undefined, rc: ReadResult<RcRecord>, reason: ReasonCode): number {
  if (given !== undefined) return given
  if (rc.kind === 'ok') return rc.value.exit_code
  return reason === 'outcome_exit_0' ? 0 : 1
}

/** Create `rc` only if none exists: the supervisor's own exit status, written meanwhile, wins. */
function writeRcOnce(path: string, exitCode: number): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(tmp, `${exitCode}\n`, {mode: FILE_MODE, flag: 'wx'})
  try {
    linkSync(tmp, path)
  } catch {
    // written by the supervisor as it ended
  } finally {
    removeQuietly(tmp)
  }
}

/**
 * An operator ends a job's record by hand (README "finalize"): under the job's lock, end whatever of it
 * still runs, write its rc if none was written, and write the outcome with `finalized_by: operator`.
 */
export async function finalizeJob(paths: JobPaths, reason: ReasonCode, o: {exitCode?: number; graceMs?: number} = {}): Promise<FinalizeResult> {
  const meta = readMetaOrThrow(paths)
  const lock = acquireJobLock(paths.lock)
  try {
    const ended = jobProcesses(paths).pids
    const r = await endJobProcesses(paths, o.graceMs ?? 5000)
    if (r.remaining.length > 0) {
      throw new DxError(`job ${paths.beads}: processes ${r.remaining.join(', ')} survived TERM and KILL; nothing recorded`, {exitCode: ExitCode.jobError})
    }
    const exitCode = finalizeExitCode(o.exitCode, readRcRecord(paths.rc), reason)
    writeRcOnce(paths.rc, exitCode)
    const hb = readJsonFile<Heartbeat>(paths.heartbeat)
    const before = readJsonFile<OutcomeRecord>(paths.outcome)
    const prior = before.kind === 'ok' && isOutcomeRecord(before.value) ? before.value : undefined
    const now = new Date().toISOString()
    const startedAt = prior?.started_at ?? (hb.kind === 'ok' && hb.value.attempt_started_at ? hb.value.attempt_started_at : meta.created_at)
    // what the job already recorded (its telemetry) is kept; the operator's word replaces its verdict
    const outcome: OutcomeRecord = {...prior, ...outcomeRecord(meta, finalizeClass(reason), {}, startedAt, now, exitCode), finalized_by: 'operator', finalized_at: now}
    writeJsonAtomic(paths.outcome, outcome)
    removeQuietly(paths.stopping)
    return {beads: paths.beads, provider: paths.provider, state: outcome.state, reason_code: reason, exit_code: exitCode, finalized_by: 'operator', finalized_at: now, ended_pids: ended, remaining_pids: []}
  } finally {
    lock.release()
  }
}
