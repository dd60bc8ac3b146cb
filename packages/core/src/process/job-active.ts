import {isAlive, readIdentityFile} from './identity.js'
import type {JobPaths} from '../store/job-paths.js'

/** Is a job with these paths active (its supervisor or agent alive, by full identity)? */
export function isJobActive(paths: JobPaths): boolean {
  const a = readIdentityFile(paths.pid)
  const m = readIdentityFile(paths.monitorPid)
  return (a.kind === 'ok' && isAlive(a.identity)) || (m.kind === 'ok' && isAlive(m.identity))
}
