import {observeJobs, type JobPaths, type JobView, type Observer, type Thresholds} from '@dx-runner/core'
import type {LoadedProviders} from './providers.js'

/** Observe jobs as `observer` (what it may change: OBSERVERS in core), with one /proc scan for all of them. */
export async function observeAll(
  observer: Observer,
  jobs: JobPaths[],
  providers: LoadedProviders,
  thresholds: Thresholds,
  opts: {freshMutations?: boolean; fullTelemetry?: boolean} = {},
): Promise<JobView[]> {
  return observeJobs(jobs, {observer, thresholds, providerFor: (n) => providers.find(n), ...opts})
}
