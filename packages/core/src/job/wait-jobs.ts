import {ExitCode} from '@dx-runner/provider'
import {checkExitCode} from '../health/derive-health.js'
import type {HealthState} from '../health/reason-codes.js'

/** What `wait --for` can wait for (README "Commands"). */
export const WAIT_FOR = ['terminal', 'healthy', 'stalled'] as const
export type WaitFor = (typeof WAIT_FOR)[number]

/** States a job does not leave by itself. Any other state, known or not (`queued`, a future one), is not terminal. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set<HealthState>(['exited_ok', 'exited_err', 'no_op', 'blocked', 'missing'])

/** The backstop poll of `wait` at its most frequent: time-based verdicts (stalled, an agent gone without an rc) and missed file events. */
export const WAIT_POLL_MS = 5000
/** ... and at its least frequent. */
export const WAIT_POLL_MAX_MS = 60_000
/** The share of a core the poll may take: a round that costs more makes the next one later. */
export const WAIT_POLL_CPU_SHARE = 0.005
/** File events are gathered this long before one observation (an exit writes several files at once). */
export const WAIT_SETTLE_MS = 100

export function isWaitFor(s: string): s is WaitFor {
  return (WAIT_FOR as readonly string[]).includes(s)
}

/** Is a job in this state done waiting for? Terminal, or the asked state. Pure. */
export function waitIsOver(state: string, waitFor: WaitFor): boolean {
  return TERMINAL_STATES.has(state) || (waitFor !== 'terminal' && state === waitFor)
}

/** A done job's code: `check`'s exit code for the state it was done in (0, 2, 3 or 23). */
export function waitJobCode(state: string): number {
  return checkExitCode(state as HealthState)
}

/** Codes from most to least serious: a failure needs a person most, then a job that did nothing, then a stall (it may resume). */
export const WAIT_CODE_ORDER: readonly number[] = [ExitCode.jobError, ExitCode.noOp, ExitCode.stalled, ExitCode.ok]

/**
 * `wait`'s exit code: 124 when any job is not done (the time-out ran out), else the most serious of
 * the done jobs' codes in WAIT_CODE_ORDER (0 for no jobs). Pure.
 */
export function waitExitCode(jobs: readonly {done: boolean; state: string}[]): number {
  if (jobs.some((j) => !j.done)) return ExitCode.waitTimedOut
  let worst: number = ExitCode.ok
  for (const j of jobs) {
    const code = waitJobCode(j.state)
    if (WAIT_CODE_ORDER.indexOf(code) < WAIT_CODE_ORDER.indexOf(worst)) worst = code
  }
  return worst
}

/**
 * When the next poll comes: WAIT_POLL_MS, or later when the last full round cost so much CPU (own and
 * children's, git included) that polling sooner would take more than WAIT_POLL_CPU_SHARE of a core;
 * never later than WAIT_POLL_MAX_MS. Pure.
 */
export function nextPollMs(roundCpuMs: number): number {
  const budgeted = roundCpuMs / WAIT_POLL_CPU_SHARE
  return Math.round(Math.min(WAIT_POLL_MAX_MS, Math.max(WAIT_POLL_MS, Number.isFinite(budgeted) ? budgeted : WAIT_POLL_MAX_MS)))
}
