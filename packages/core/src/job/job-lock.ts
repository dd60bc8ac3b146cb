import {randomBytes} from 'node:crypto'
import {linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync} from 'node:fs'
import {DxError} from '../errors.js'
import {formatIdentity, identityOf, isAlive, parseIdentity} from './identity.js'
import {ensureParent} from './store.js'

export interface JobLock {
  release(): void
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** A lock file without a readable holder this old is a leftover (no lock of ours is ever born empty). */
const ANONYMOUS_STALE_MS = 2000

const unlinkQuietly = (path: string): void => {
  try {
    unlinkSync(path)
  } catch {}
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1')
  } catch {
    return undefined
  }
}

/** Is the lock at `path` (whose content was `text`) held by nobody: a dead holder, or an old anonymous file? */
function isStale(path: string, text: string): boolean {
  const holder = text.length <= 200 ? parseIdentity(text) : undefined
  if (holder) return !isAlive(holder)
  try {
    return Date.now() - statSync(path).mtimeMs > ANONYMOUS_STALE_MS
  } catch {
    return false
  }
}

/**
 * Remove a stale lock without removing a fresh one that another process took in the meantime:
 * move it aside, and only delete it if it is still the file we judged stale; otherwise put it back.
 */
function breakStale(path: string, seen: string): void {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`
  try {
    renameSync(path, aside)
  } catch {
    return // somebody else broke or released it
  }
  if (readText(aside) !== seen) {
    try {
      linkSync(aside, path)
    } catch {}
  }
  unlinkQuietly(aside)
}

/**
 * A per-job lock: a file holding our pid + start time, created with its content in one step
 * (written aside, then hard-linked into place, which fails if the lock exists), so no waiter ever
 * sees a half-made lock. A lock whose holder is gone (by identity, so a reused PID does not keep
 * it) is broken. Waiters wait up to 30 s by default: a holder may be stopping a job, which takes
 * up to its 10 s grace window, and then launching the next attempt.
 */
export function acquireJobLock(path: string, waitMs = 30_000): JobLock {
  ensureParent(path)
  const me = identityOf(process.pid)
  const body = me ? formatIdentity(me) : `${process.pid}\n`
  const mine = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.new`
  try {
    writeFileSync(mine, body, {mode: 0o600, flag: 'wx'})
  } catch (error) {
    // a full disk fails here, before any lock exists: leave nothing behind
    unlinkQuietly(mine)
    throw error
  }
  const deadline = Date.now() + waitMs
  let delay = 5
  try {
    for (;;) {
      try {
        linkSync(mine, path)
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const text = readText(path)
      if (text === undefined) continue // released between our link and our read
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
  } finally {
    unlinkQuietly(mine)
  }
  let released = false
  return {
    release() {
      if (released) return
      released = true
      // only our own lock: a lock someone broke and re-took is theirs
      if (readText(path) === body) unlinkQuietly(path)
    },
  }
}
