import type {HealthState} from '../health/reason-codes.js'

export interface WatchdogPolicy {
  maxRetries: number
  /** First restart waits this long after the job was seen stuck; each later one doubles, up to the cap. */
  backoffBaseSec: number
  backoffCapSec: number
}

export const DEFAULT_WATCHDOG_POLICY: WatchdogPolicy = {maxRetries: 3, backoffBaseSec: 30, backoffCapSec: 600}

/** What the watchdog remembers about a job between rounds (<beads>.watchdog). */
export interface WatchdogMemory {
  /** When the job was first seen needing action in its current attempt. */
  first_seen_at: string
  /** The attempt this memory belongs to (heartbeat's attempt_started_at). */
  attempt: string
  /** Rate-limit waits: restarts that did not spend a retry. */
  rate_limit_waits?: number
}

export interface JobSituation {
  state: HealthState
  reason_code: string
  retries: number
  /** ms since epoch */
  now: number
  memory?: WatchdogMemory
  attemptStartedAt: string
  /** When the provider said the limit resets (ms since epoch), if it did. */
  rateLimitResetAt?: number
}

export type WatchdogAction =
  | {action: 'none'}
  | {action: 'wait'; until: number; why: string}
  | {action: 'restart'; countRetry: boolean; why: string}
  | {action: 'block'; reason_code: 'retries_exhausted' | 'provider_auth_failed'; stop: boolean}

export function backoffSec(policy: WatchdogPolicy, retries: number): number {
  return Math.min(policy.backoffCapSec, policy.backoffBaseSec * 2 ** retries)
}

/** Decide one job's fate this round. Pure. */
export function decideWatchdogAction(s: JobSituation, policy: WatchdogPolicy): WatchdogAction {
  if (s.state === 'blocked' || s.state === 'missing') return {action: 'none'}
  if (s.reason_code === 'provider_auth_failed') return {action: 'block', reason_code: 'provider_auth_failed', stop: false}
  const stuck = s.state === 'stalled' || s.state === 'no_op'
  const limited = s.state === 'exited_err' && s.reason_code === 'provider_rate_limited'
  if (!stuck && !limited) return {action: 'none'}
  const since = s.memory && s.memory.attempt === s.attemptStartedAt ? Date.parse(s.memory.first_seen_at) : s.now
  if (limited) {
    // Waiting out a rate limit spends no retry: the provider said "later", not "no".
    const until = s.rateLimitResetAt ?? since + backoffSec(policy, s.memory?.rate_limit_waits ?? 0) * 1000
    if (s.now < until) return {action: 'wait', until, why: 'provider_rate_limited'}
    return {action: 'restart', countRetry: false, why: 'provider_rate_limited'}
  }
  if (s.retries >= policy.maxRetries) return {action: 'block', reason_code: 'retries_exhausted', stop: true}
  const until = since + backoffSec(policy, s.retries) * 1000
  if (s.now < until) return {action: 'wait', until, why: s.state}
  return {action: 'restart', countRetry: true, why: `${s.state}/${s.reason_code}`}
}

/** The facts decideWatchdogAction needs, from one observation of a job and the watchdog's memory of it. Pure. */
export function jobSituation(
  v: {state: HealthState; reason_code: string; started_at: string | null; meta?: {retries: number; created_at: string}},
  memory: WatchdogMemory | undefined,
  now: number,
): JobSituation {
  return {state: v.state, reason_code: v.reason_code, retries: v.meta?.retries ?? 0, now, memory, attemptStartedAt: v.started_at ?? v.meta?.created_at ?? ''}
}
