import {appendFileSync} from 'node:fs'
import type {ProviderV1} from '@dx-runner/provider'
import {DxError} from '../errors.js'
import {outcomeRecord} from '../health/decide-observation.js'
import {isReasonCode} from '../health/reason-codes.js'
import {launchAttempt} from '../job/launch-attempt.js'
import {checkRelaunch} from '../job/restart-job.js'
import {acquireJobLock} from '../store/job-lock.js'
import type {JobPaths} from '../store/job-paths.js'
import type {JobMeta} from '../store/job-meta.js'
import {listJobs} from '../store/list-jobs.js'
import {readJsonFile, writeJsonAtomic} from '../store/store.js'
import {entriesThatMayGo} from './decide-turn.js'
import {liveJobCount} from './live-jobs.js'
import {queuedRecord} from './queued-job.js'
import {acquireProviderLock} from './queue-paths.js'
import {unmarkQueued, waitingLine} from './waiting-line.js'

/** What the hand-off did with one queued job. */
export interface Dispatched {
  beads: string
  provider: string
  action: 'launched' | 'failed'
  pid?: number
  error?: string
}

/**
 * The hand-off (README "Reliability"): launch the provider's queued jobs that now have a slot, in
 * line order, each with the settings it was submitted with (meta.launch, like restart), under its
 * submission limit. Run by a job's supervisor when its agent ends and by every watchdog round; safe
 * to run any number of times at once (the provider's lock orders them).
 */
export async function dispatchQueue(root: string, provider: string, providerFor: () => Promise<ProviderV1>, env: NodeJS.ProcessEnv): Promise<Dispatched[]> {
  const lock = acquireProviderLock(root, provider)
  try {
    return await dispatchUnderLock(root, provider, providerFor, env)
  } finally {
    lock.release()
  }
}

/**
 * dispatchQueue's work for a caller that already holds the provider's lock. A `start` runs it before
 * it looks for a slot: queued jobs that may go are launched first, so a newcomer never starts ahead of them.
 */
export async function dispatchUnderLock(root: string, provider: string, providerFor: () => Promise<ProviderV1>, env: NodeJS.ProcessEnv): Promise<Dispatched[]> {
  const done: Dispatched[] = []
  for (;;) {
    const jobs = listJobs(root)
    const line = waitingLine(root, provider, {sweep: true, jobs})
    if (!line.some((p) => p.kind === 'job')) {
      unmarkQueued(root, provider)
      break
    }
    const next = line.slice(0, entriesThatMayGo(liveJobCount(root, provider, jobs), line)).find((p) => p.kind === 'job')
    if (!next?.paths) break
    const d = await launchQueued(next.paths, providerFor, env)
    if (d) done.push(d)
  }
  return done
}

/** Launch one queued job under its own lock, unless a stop or a restart got to it first; a launch that cannot be made ends the job (exited_err), with why in its log. */
async function launchQueued(paths: JobPaths, providerFor: () => Promise<ProviderV1>, env: NodeJS.ProcessEnv): Promise<Dispatched | undefined> {
  const lock = acquireJobLock(paths.lock)
  try {
    const r = readJsonFile<JobMeta>(paths.meta)
    const meta = r.kind === 'ok' ? r.value : undefined
    if (!meta || !queuedRecord(paths, meta)) return undefined
    try {
      const provider = await providerFor()
      const {auth, plan} = await checkRelaunch(paths, meta, provider, env)
      const launched = await launchAttempt({
        paths,
        meta,
        provider,
        auth,
        env: plan.env,
        plan,
        pty: meta.execution_mode === 'pty-detached',
        keepSnapshot: false,
        commit: () => writeJsonAtomic(paths.meta, meta),
      })
      return {beads: paths.beads, provider: paths.provider, action: 'launched', pid: launched.agent.pid}
    } catch (error) {
      const why = (error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/^cannot restart [^:]+: /, '')
      const reason = DxError.isInstance(error) && error.reasonCode && isReasonCode(error.reasonCode) ? error.reasonCode : 'queued_launch_failed'
      try {
        appendFileSync(paths.log, `dx-runner: the queued job could not be launched: ${why}\n`)
      } catch {}
      const now = new Date().toISOString()
      writeJsonAtomic(paths.outcome, outcomeRecord(meta, {state: 'failed', reason_code: reason}, {}, meta.created_at, now, null))
      return {beads: paths.beads, provider: paths.provider, action: 'failed', error: why}
    }
  } finally {
    lock.release()
  }
}
