import {randomBytes} from 'node:crypto'
import {linkSync, lstatSync, readlinkSync, renameSync, symlinkSync, unlinkSync} from 'node:fs'
import {DxError} from '../errors.js'
import {formatIdentity, identityOf, isAlive, parseIdentity} from '../process/identity.js'
import {ensureParent, readSmallFile} from './store.js'

export interface JobLock {
  release(): void
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** A lock without a readable holder this old is a leftover (no lock of ours is ever born empty). */
const ANONYMOUS_STALE_MS = 2000

const unlinkQuietly = (path: string): void => {
  try {
    unlinkSync(path)
  } catch {}
}

/** Who holds the lock: the symlink's target (or, for a lock file of an older version, its text). */
function readHolder(path: string): string | undefined {
  try {
    return readlinkSync(path, 'latin1')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') return undefined
  }
  // a lock file of an older version (never a FIFO or device: those are read as nothing)
  const r = readSmallFile(path, 256)
  return r.kind === 'ok' ? r.value : r.kind === 'corrupt' ? '' : undefined
}

/** Is the lock at `path` (whose holder read `text`) held by nobody: a dead holder, or an old anonymous lock? */
function isStale(path: string, text: string): boolean {
  const holder = text.length <= 200 ? parseIdentity(text) : undefined
  if (holder) return !isAlive(holder)
  try {
    return Date.now() - lstatSync(path).mtimeMs > ANONYMOUS_STALE_MS
  } catch {
    return false
  }
}

/**
 * Remove a stale lock without removing a fresh one that another process took in the meantime:
 * move it aside, and only delete it if it is still the lock we judged stale; otherwise put it back.
 */
function breakStale(path: string, seen: string): void {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`
  try {
    renameSync(path, aside)
  } catch {
    return // somebody else broke or released it
  }
  if (readHolder(aside) !== seen) {
    try {
      linkSync(aside, path)
    } catch {}
  }
  unlinkQuietly(aside)
}

/**
 * A per-job lock: a symlink whose target is its holder's pid + start time + boot id. Creating a
 * symlink is atomic, fails if the lock exists, and needs no data block, so a lock is never seen
 * half-made and can be taken on a full disk (README "Reliability": stop works on a full root). A
 * lock whose holder is gone (by identity, so a reused PID does not keep it) is broken. Waiters wait
 * up to 30 s by default: a holder may be stopping a job, which takes up to its 10 s grace window,
 * and then launching the next attempt.
 */
export function acquireJobLock(path: string, waitMs = 30_000): JobLock {
  ensureParent(path)
  const me = identityOf(process.pid)
  const body = (me ? formatIdentity(me) : `${process.pid}`).trim()
  const deadline = Date.now() + waitMs
  let delay = 5
  for (;;) {
    try {
      symlinkSync(body, path)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const text = readHolder(path)
    if (text === undefined) continue // released between our attempt and our read
    if (isStale(path, text)) {
      breakStale(path, text)
      continue
    }
    if (Date.now() > deadline) {
      throw new DxError(`another dx-runner command holds the lock ${path}; try again`)
    }
    sleepSync(delay)
    delay = Math.min(delay * 2, 100)
  }
  let released = false
  return {
    release() {
      if (released) return
      released = true
      // only our own lock: a lock someone broke and re-took is theirs
      if (readHolder(path) === body) unlinkQuietly(path)
    },
  }
}
