import {DxError, ExitCode} from '../errors.js'
import {isJobMeta, isOutcomeRecord, type JobMeta, type OutcomeRecord} from '../store/job-meta.js'
import {listJobs} from '../store/list-jobs.js'
import {readJsonFile} from '../store/store.js'

/** The UTC day of an instant, `YYYY-MM-DD`. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/** One job as the daily cap counts it: the profile it was started under and its recorded outcome. */
export interface DailyCostJob {
  profile: string | null
  outcome?: Pick<OutcomeRecord, 'completed_at' | 'cost_usd'>
}

/** What a profile's jobs that finished on this UTC day cost, as their agents reported it (unpriced jobs count 0). Pure. */
export function dailyCost(jobs: DailyCostJob[], profile: string, day: string): number {
  let total = 0
  for (const j of jobs) {
    if (j.profile !== profile || !j.outcome || typeof j.outcome.cost_usd !== 'number') continue
    if (j.outcome.completed_at.slice(0, 10) === day) total += j.outcome.cost_usd
  }
  return total
}

/** The cap is reached: what the profile's jobs of today cost is at or over it. Pure. */
export function dailyCapReached(spent: number, cap: number | null): boolean {
  return cap !== null && cap > 0 && spent >= cap
}

/** Every job of the root with the profile it ran under and its outcome (read only: nothing is written). */
export function readDailyCostJobs(root: string): DailyCostJob[] {
  const out: DailyCostJob[] = []
  for (const p of listJobs(root)) {
    const m = readJsonFile<JobMeta>(p.meta)
    if (m.kind !== 'ok' || !isJobMeta(m.value)) continue
    const o = readJsonFile<OutcomeRecord>(p.outcome)
    out.push({profile: m.value.profile?.name ?? null, outcome: o.kind === 'ok' && isOutcomeRecord(o.value) ? o.value : undefined})
  }
  return out
}

/**
 * A start under a profile with a daily_cost_usd whose jobs of today (UTC) already cost that much is
 * refused: exit 21, reason budget_exhausted, before anything is written (README "Run budgets").
 */
export function checkDailyCost(root: string, profile: string | undefined, cap: number | null, now: number): void {
  if (profile === undefined || cap === null) return
  const day = utcDay(now)
  const spent = dailyCost(readDailyCostJobs(root), profile, day)
  if (dailyCapReached(spent, cap)) {
    throw new DxError(`budget_exhausted: profile ${profile}: its jobs of ${day} (UTC) already cost ${spent.toFixed(4)} USD, at or over its daily_cost_usd ${cap}`, {exitCode: ExitCode.preflightFailed, reasonCode: 'budget_exhausted'})
  }
}
