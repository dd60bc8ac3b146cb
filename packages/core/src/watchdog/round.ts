import type {ProviderV1} from '@dx-runner/provider'
import type {JobView} from '../health/decide-observation.js'
import type {Thresholds} from '../health/thresholds.js'
import {pausePoint} from '../process/fault-point.js'
import {listJobs} from '../store/list-jobs.js'
import {observeJob, observeJobs} from '../job/observe-job.js'
import {ProcessTable} from '../process/proc.js'
import {readJsonFile, writeJsonAtomic} from '../store/store.js'
import {carryOut, type FreshLook} from './carry-out.js'
import {decideWatchdogAction, jobSituation, type WatchdogMemory, type WatchdogPolicy} from './decide-action.js'
import {handOnSlots} from './hand-on-slots.js'

/** The providers a round may need: `find` to read a job, `get` (throws when not installed) to restart one. */
export interface RoundProviders {
  find(name: string): ProviderV1 | undefined
  get(name: string): ProviderV1
}

/** One line of the watchdog's account (README "watchdog"): `action` says what happened. */
export type WatchdogEntry = {action: string} & Record<string, unknown>

export interface RoundOptions {
  root: string
  policy: WatchdogPolicy
  thresholds: Thresholds
  providers: () => Promise<RoundProviders>
  /** The environment restarts run in (the job's recorded launch settings go over it). */
  env: NodeJS.ProcessEnv
  emit(entry: WatchdogEntry): void
}

/** Look at every job of the root once, act on those the policy says, and account for each in `emit`. */
export async function watchdogRound(round: number, o: RoundOptions): Promise<void> {
  const providers = await o.providers()
  let views: JobView[] = []
  try {
    views = await observeJobs(listJobs(o.root), {observer: 'watchdog', thresholds: o.thresholds, providerFor: (n) => providers.find(n)})
  } catch (error) {
    o.emit({action: 'round_failed', round, error: (error as Error).message})
    return
  }
  let acted = 0
  for (const v of views) {
    try {
      acted += (await watchJob(v, o)) ? 1 : 0
    } catch (error) {
      // One job's failure is reported; the round goes on.
      o.emit({action: 'failed', beads: v.beads, provider: v.provider, state: v.state, reason_code: v.reason_code, error: (error as Error).message.split('\n')[0]})
    }
  }
  // the backstop of the queue's hand-off: a supervisor that was killed handed nothing on
  acted += await handOnSlots(views, o.root, providers, o.env, o.emit)
  o.emit({action: 'round', round, jobs: views.length, acted})
}

/** Decide one observed job's fate and carry it out; true when the job was restarted or blocked. */
async function watchJob(v: JobView, o: RoundOptions): Promise<boolean> {
  if (!v.meta) return false
  const memRead = readJsonFile<WatchdogMemory>(v.paths.watchdog)
  const attempt = v.started_at ?? v.meta.created_at
  const memory = memRead.kind === 'ok' ? memRead.value : undefined
  const decision = decideWatchdogAction(jobSituation(v, memory, Date.now()), o.policy)
  const base = {beads: v.beads, provider: v.provider, state: v.state, reason_code: v.reason_code, retry_count: v.meta.retries}
  if (decision.action === 'none') return false
  if (decision.action === 'wait') {
    if (!memory || memory.attempt !== attempt) writeJsonAtomic(v.paths.watchdog, {first_seen_at: new Date().toISOString(), attempt, rate_limit_waits: memory?.rate_limit_waits ?? 0})
    o.emit({action: 'waiting', ...base, until: new Date(decision.until).toISOString(), why: decision.why})
    return false
  }
  pausePoint('watchdog-before-act')
  const providers = await o.providers()
  // Under the job's lock, the job is looked at and decided again: a stop since this round's look wins.
  const lookAgain = async (): Promise<FreshLook> => {
    const now = Date.now()
    const fresh = await observeJob(v.paths, {table: ProcessTable.scan(), thresholds: o.thresholds, now, providerFor: (n) => providers.find(n), observer: 'watchdog-recheck'})
    const mem = readJsonFile<WatchdogMemory>(v.paths.watchdog)
    return {state: fresh.state, reason_code: fresh.reason_code, decision: decideWatchdogAction(jobSituation(fresh, mem.kind === 'ok' ? mem.value : undefined, now), o.policy)}
  }
  const r = await carryOut(v.paths, decision.action, {lookAgain, provider: async () => providers.get(v.meta!.provider), env: o.env})
  switch (r.done) {
    case 'skipped':
      o.emit({action: 'skipped', ...base, now_state: r.now.state, now_reason_code: r.now.reason_code, why: 'the job changed since this round looked at it'})
      return false
    case 'blocked':
      o.emit({action: 'blocked', ...base, reason_code: r.decision.reason_code})
      return true
    case 'restarted': {
      const waits = (memory?.rate_limit_waits ?? 0) + (r.decision.countRetry ? 0 : 1)
      writeJsonAtomic(v.paths.watchdog, {first_seen_at: new Date().toISOString(), attempt: '-', rate_limit_waits: waits})
      o.emit({action: 'restarted', ...base, retry_count: r.restart.meta.retries, why: r.decision.why, pid: r.restart.launched.agent.pid})
      return true
    }
  }
}
