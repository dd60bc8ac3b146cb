import {readlinkSync, symlinkSync} from 'node:fs'
import {formatIdentity, identityOf, isAlive, parseIdentity} from '../process/identity.js'
import type {JobPaths} from './job-paths.js'
import {removeQuietly} from './store.js'

/**
 * `stop` says it is stopping the job before it signals anything: a symlink `stopping` whose target
 * is the stopper's identity (a symlink needs no data block, so a full disk cannot refuse it). An
 * agent that dies while it exists died of the stop; a stop that was itself interrupted leaves it
 * behind, and then only a death by signal is the stop's (README "Reliability").
 */
export function markStopping(paths: JobPaths): void {
  const me = identityOf(process.pid)
  removeQuietly(paths.stopping)
  try {
    symlinkSync((me ? formatIdentity(me) : `${process.pid}`).trim(), paths.stopping)
  } catch {}
}

export type StopIntent = 'none' | 'in_progress' | 'interrupted'

export function readStopIntent(paths: JobPaths): StopIntent {
  let target: string
  try {
    target = readlinkSync(paths.stopping, 'latin1')
  } catch {
    return 'none'
  }
  const who = parseIdentity(target)
  return who && isAlive(who) ? 'in_progress' : 'interrupted'
}

/** Did the job end because of a stop? rc undefined = it ended without an exit status. */
export function endedByStop(intent: StopIntent, rc: number | undefined): boolean {
  if (intent === 'none') return false
  return intent === 'in_progress' || rc === undefined || rc >= 128
}
