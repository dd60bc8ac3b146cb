import {isAlive, readIdentityFile} from '../process/identity.js'
import type {JobPaths} from '../store/job-paths.js'
import {listJobs} from '../store/list-jobs.js'

/** A job holds a slot while its agent lives, or, before the agent is recorded, while its supervisor does (by identity, never a bare pid file). */
export function holdsSlot(paths: JobPaths): boolean {
  const agent = readIdentityFile(paths.pid)
  if (agent.kind === 'ok') return isAlive(agent.identity)
  const monitor = readIdentityFile(paths.monitorPid)
  return monitor.kind === 'ok' && isAlive(monitor.identity)
}

/** The provider's jobs that hold a slot now. */
export function liveJobCount(root: string, provider: string, jobs: JobPaths[] = listJobs(root)): number {
  return jobs.filter((p) => p.provider === provider && holdsSlot(p)).length
}
