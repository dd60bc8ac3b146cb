import {ExitCode} from '@dx-runner/provider'
import type {OutcomeClass} from '@dx-runner/provider'
import type {ProgressKind} from './heartbeat.js'
import type {HealthState, ReasonCode} from './reason-codes.js'
import type {Thresholds} from './thresholds.js'

/** Everything health depends on, gathered from disk and /proc by the caller. */
export interface HealthFacts {
  meta: 'ok' | 'missing' | 'corrupt'
  /** Set when retries are spent or the provider refused for good. */
  blocked?: {reason_code: string}
  /** The final outcome, once the job has ended and been classified. */
  outcome?: OutcomeClass
  agentAlive: boolean
  /** The agent's PID has been recorded (false only in the instant before the supervisor writes it). */
  agentRecorded: boolean
  monitorAlive: boolean
  /** ms since epoch: when this attempt began. */
  attemptStartedAt: number
  /** ms since epoch: first time the agent was seen gone without an rc file. */
  deadSince?: number
  logBytes: number
  lastProgressAt: number
  lastProgressKind?: ProgressKind
  cpuProgressing: boolean
  mutationCount: number
  /** The agent CLI is backing off: a 429, a 5xx, or no answer at all (connection refused, DNS, TLS, timeout). */
  providerRetrying: boolean
}

export interface Health {
  state: HealthState
  reason_code: ReasonCode
}

const PROGRESS_REASON: Record<ProgressKind, ReasonCode> = {
  log: 'log_progress',
  tool: 'tool_progress',
  mutation: 'mutation_progress',
  cpu: 'cpu_progress',
}

/** facts → {state, reason_code}. Pure; table-tested. */
export function deriveHealth(f: HealthFacts, t: Thresholds, nowMs: number): Health {
  if (f.meta === 'missing') return {state: 'missing', reason_code: 'no_metadata'}
  if (f.meta === 'corrupt') return {state: 'missing', reason_code: 'metadata_corrupt'}
  if (f.blocked) return {state: 'blocked', reason_code: f.blocked.reason_code as ReasonCode}
  if (f.outcome) {
    const ok = f.outcome.state === 'success' || (f.outcome.state === 'no_op' && f.outcome.reason_code === 'exit_0_no_mutation')
    return {state: ok ? 'exited_ok' : 'exited_err', reason_code: f.outcome.reason_code as ReasonCode}
  }

  if (!f.agentAlive && (f.agentRecorded || !f.monitorAlive)) {
    const since = f.deadSince ?? nowMs
    if (nowMs - since < t.rcGraceSec * 1000) return {state: 'healthy', reason_code: 'awaiting_finalize'}
    return {state: 'exited_err', reason_code: f.monitorAlive ? 'late_finalize_no_rc' : 'monitor_no_rc_file'}
  }

  const idleMs = nowMs - f.lastProgressAt
  if (f.mutationCount === 0 && idleMs >= t.noOpMinutes * 60_000) return {state: 'no_op', reason_code: 'no_heartbeat_no_mutation'}
  if (idleMs >= t.stallMinutes * 60_000) return {state: 'stalled', reason_code: 'no_progress'}
  if (f.providerRetrying) return {state: 'healthy', reason_code: 'provider_retrying'}
  if (f.logBytes === 0) {
    if (f.mutationCount > 0) return {state: 'silent_mutation', reason_code: 'mutation_progress'}
    if (nowMs - f.attemptStartedAt < t.firstOutputSec * 1000) return {state: 'launching', reason_code: 'awaiting_first_output'}
    if (f.cpuProgressing) return {state: 'waiting_first_output', reason_code: 'cpu_progress'}
    return {state: 'waiting_first_output', reason_code: 'awaiting_first_output'}
  }
  return {state: 'healthy', reason_code: PROGRESS_REASON[f.lastProgressKind ?? 'log']}
}

/** `check` exit codes of SPEC.md. */
export function checkExitCode(state: HealthState): number {
  switch (state) {
    case 'stalled':
      return ExitCode.stalled
    case 'no_op':
      return ExitCode.noOp
    case 'exited_err':
    case 'blocked':
    case 'missing':
      return ExitCode.jobError
    default:
      return ExitCode.ok
  }
}
