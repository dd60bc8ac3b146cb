import type {JobPaths} from './job-paths.js'

/** What one attempt leaves besides its log: dropped before the next attempt of the job starts. */
export function attemptFiles(p: JobPaths): string[] {
  return [p.rc, p.outcome, p.pid, p.monitorPid, p.heartbeat, p.timeoutMarker, p.cputime, p.stopping, p.secretExposed, p.secretFiles, `${p.pid}.new`, `${p.monitorPid}.new`, `${p.rc}.new`, `${p.cputime}.new`]
}
