import {ProcessTable, observeJob, type JobPaths, type JobView, type Thresholds} from '@dx-runner/core'
import type {LoadedProviders} from './providers.js'
import {mapLimit} from './views.js'

/** Observe jobs with one /proc scan for all of them and bounded parallel git. */
export async function observeAll(
  jobs: JobPaths[],
  providers: LoadedProviders,
  thresholds: Thresholds,
  opts: {freshMutations?: boolean; fullTelemetry?: boolean} = {},
): Promise<JobView[]> {
  const table = ProcessTable.scan()
  const now = Date.now()
  return mapLimit(jobs, 8, (paths) =>
    observeJob(paths, {table, thresholds, now, providerFor: (n) => providers.find(n), act: true, ...opts}),
  )
}
