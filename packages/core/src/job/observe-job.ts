import type {ProviderV1} from '@dx-runner/provider'
import {decideObservation, type JobView} from '../health/decide-observation.js'
import type {Thresholds} from '../health/thresholds.js'
import {jobThresholds} from '../health/job-thresholds.js'
import {applyObservation} from './apply-observation.js'
import type {JobPaths} from '../store/job-paths.js'
import {gatherFacts} from './observe-facts.js'
import {OBSERVERS, type Observer} from './observers.js'
import {ProcessTable} from '../process/proc.js'

export {outcomeRecord, type JobView} from '../health/decide-observation.js'
export {parseTimes} from './observe-facts.js'

export interface ObserveContext {
  table: ProcessTable
  thresholds: Thresholds
  now: number
  providerFor(name: string): ProviderV1 | undefined
  /** Who is looking: what they may change is OBSERVERS[observer] (job/observers.ts). */
  observer: Observer
  /** Count mutations now, ignoring the throttle (report, check). */
  freshMutations?: boolean
  /** Parse the whole log for telemetry (report). */
  fullTelemetry?: boolean
}

/** Observe one job: gather its facts, decide what it is and what to record, and record it. */
export async function observeJob(paths: JobPaths, ctx: ObserveContext): Promise<JobView> {
  const facts = await gatherFacts(paths, ctx)
  // a job is judged by the thresholds it was started with, unless this command was given them as flags
  const thresholds = jobThresholds(ctx.thresholds, facts.meta)
  const {view, actions} = decideObservation(facts, {thresholds, may: OBSERVERS[ctx.observer]})
  return applyObservation(facts, view, actions, thresholds)
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return out
}

/** Observe jobs with one /proc scan for all of them and at most 8 at a time (each may run git). */
export async function observeJobs(jobs: JobPaths[], ctx: Omit<ObserveContext, 'table' | 'now'>): Promise<JobView[]> {
  const table = ProcessTable.scan()
  const now = Date.now()
  return mapLimit(jobs, 8, (paths) => observeJob(paths, {...ctx, table, now}))
}
