import type {ProviderV1} from '@dx-runner/provider'
import {blockJobUnlocked} from '../job/block-job.js'
import {acquireJobLock} from '../store/job-lock.js'
import type {JobPaths} from '../store/job-paths.js'
import {restartJobUnlocked, type RestartResult} from '../job/restart-job.js'
import type {WatchdogAction} from './decide-action.js'

/** What the job looks like now, and what the watchdog would decide from that. */
export interface FreshLook {
  state: string
  reason_code: string
  decision: WatchdogAction
}

export type CarriedOut =
  | {done: 'restarted'; restart: RestartResult; decision: Extract<WatchdogAction, {action: 'restart'}>}
  | {done: 'blocked'; decision: Extract<WatchdogAction, {action: 'block'}>}
  /** Something changed the job since the round looked at it (a user's stop, a restart): the watchdog leaves it be. */
  | {done: 'skipped'; now: FreshLook}

/**
 * Carry out a round's restart or block under the job's lock, after looking at the job again: whatever
 * happened since the round's observation (a user's `stop` in between) wins, and nothing is done unless
 * the fresh look leads to the same action.
 */
export async function carryOut(
  paths: JobPaths,
  planned: 'restart' | 'block',
  o: {lookAgain: () => Promise<FreshLook>; provider: () => Promise<ProviderV1>; env: NodeJS.ProcessEnv},
): Promise<CarriedOut> {
  const lock = acquireJobLock(paths.lock)
  try {
    const now = await o.lookAgain()
    const d = now.decision
    if (d.action !== planned) return {done: 'skipped', now}
    if (d.action === 'block') {
      await blockJobUnlocked(paths, d.reason_code, {stop: d.stop})
      return {done: 'blocked', decision: d}
    }
    if (d.action !== 'restart') return {done: 'skipped', now}
    const restart = await restartJobUnlocked(paths, await o.provider(), {env: o.env, countRetry: d.countRetry, clearBlocked: false})
    return {done: 'restarted', restart, decision: d}
  } finally {
    lock.release()
  }
}
