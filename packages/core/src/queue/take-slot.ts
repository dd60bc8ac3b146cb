import {join} from 'node:path'
import {DxError, ExitCode} from '../errors.js'
import type {JobLock} from '../store/job-lock.js'
import {listJobs} from '../store/list-jobs.js'
import {removeDirIfEmpty} from '../store/store.js'
import {ChangeWatch} from './change-watch.js'
import {entriesThatMayGo} from './decide-turn.js'
import {holdsSlot, liveJobCount} from './live-jobs.js'
import {acquireProviderLock, queueDir} from './queue-paths.js'
import {addWaiter, nextSeq, removeWaiter, waitingLine} from './waiting-line.js'

/** A start's concurrency settings (README "Concurrency"): the provider's limit (null: none), how long to wait for a slot, and `--queue`. */
export interface Concurrency {
  maxParallel: number | null
  queueTimeoutSec: number
  queue: boolean
}

/** A slot to launch in now, or a place in line for a `--queue` job; either way the provider's lock is held until the caller releases it. */
export type Slot = {kind: 'launch'; lock: JobLock} | {kind: 'queue'; lock: JobLock; seq: number; position: number; maxParallel: number}

/** The slow poll under the watch: a change a watch missed is seen within this long. */
const BACKSTOP_MS = 1000

export {acquireProviderLock}

/** Under the provider's lock: can an arrival with this limit go now, and where would it stand? */
function look(root: string, provider: string, maxParallel: number, seq?: number): {go: boolean; position: number; seq: number} {
  const jobs = listJobs(root)
  const line = waitingLine(root, provider, {sweep: true, jobs})
  const live = liveJobCount(root, provider, jobs)
  const at = seq === undefined ? line.length : line.findIndex((p) => p.seq === seq)
  const mine = seq === undefined ? [...line, {maxParallel}] : line
  const index = at < 0 ? line.length : at
  return {go: index < entriesThatMayGo(live, mine), position: index + 1, seq: seq ?? nextSeq(line, Date.now())}
}

function fullError(provider: string, maxParallel: number, waitedSec: number): DxError {
  const waited = waitedSec > 0 ? ` after waiting ${waitedSec}s` : ''
  return new DxError(`${provider} is at its limit of ${maxParallel} running jobs${waited}; nothing was started (raise --queue-timeout or use --queue)`, {
    exitCode: ExitCode.concurrencyLimit,
    reasonCode: 'concurrency_limit',
  })
}

/**
 * A slot for a start (first come, first served with everyone already waiting). Free: returned at
 * once. `queue`: a place in line. Otherwise the start waits in line up to queueTimeoutSec, saying so
 * once through `say`, woken by changes in the provider's job directories and its line; on time-out it
 * removes its entry from the line and throws exit 27 (`concurrency_limit`), having written nothing else.
 */
export async function takeSlot(
  root: string,
  provider: string,
  beads: string,
  c: Concurrency & {maxParallel: number},
  say: (line: string) => void,
  /** Under the provider's lock, before each look: launch the queued jobs ahead that may go (dispatchUnderLock), so they start first. */
  launchAhead: () => Promise<unknown> = async () => {},
): Promise<Slot> {
  let lock = acquireProviderLock(root, provider)
  let seq: number
  try {
    await launchAhead()
    const first = look(root, provider, c.maxParallel)
    if (first.go) return {kind: 'launch', lock}
    if (c.queue) return {kind: 'queue', lock, seq: first.seq, position: first.position, maxParallel: c.maxParallel}
    if (!(c.queueTimeoutSec > 0)) throw fullError(provider, c.maxParallel, 0)
    seq = first.seq
    addWaiter(root, provider, seq, beads, c.maxParallel)
    say(`${provider} is at its limit of ${c.maxParallel} running jobs; waiting up to ${c.queueTimeoutSec}s for a slot (place ${first.position} in line)`)
  } catch (error) {
    lock.release()
    throw error
  }
  lock.release()
  const deadline = Date.now() + c.queueTimeoutSec * 1000
  const watch = new ChangeWatch()
  try {
    for (;;) {
      watch.add([queueDir(root, provider), join(root, provider), ...liveJobDirs(root, provider)])
      const left = deadline - Date.now()
      if (left <= 0) break
      await watch.next(Math.min(left, BACKSTOP_MS))
      lock = acquireProviderLock(root, provider)
      let go = false
      try {
        await launchAhead()
        go = look(root, provider, c.maxParallel, seq).go
      } finally {
        if (!go) lock.release()
      }
      if (go) {
        removeWaiter(root, provider, seq, beads)
        return {kind: 'launch', lock}
      }
    }
  } finally {
    watch.close()
  }
  // a start that gives up leaves nothing: not its entry, not an empty line (under the lock: another start may be joining it)
  lock = acquireProviderLock(root, provider)
  try {
    removeWaiter(root, provider, seq, beads)
    removeDirIfEmpty(queueDir(root, provider))
    removeDirIfEmpty(join(root, '.queue'))
  } finally {
    lock.release()
  }
  throw fullError(provider, c.maxParallel, c.queueTimeoutSec)
}

/** Only a job holding a slot can free one: its directory is where its exit status appears. */
function liveJobDirs(root: string, provider: string): string[] {
  return listJobs(root)
    .filter((p) => p.provider === provider && holdsSlot(p))
    .map((p) => p.dir)
}
