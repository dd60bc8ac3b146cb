import {openSync, writeSync, closeSync, unlinkSync} from 'node:fs'
import {DxError} from '../errors.js'
import {formatIdentity, identityOf, isAlive, readIdentityFile} from './identity.js'
import {ensureParent} from './store.js'

export interface JobLock {
  release(): void
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * A per-job lock: an O_EXCL file holding our pid + start time. A lock whose holder is gone
 * (by identity, so a reused PID does not keep it) is broken.
 */
export function acquireJobLock(path: string, waitMs = 10_000): JobLock {
  ensureParent(path)
  const me = identityOf(process.pid)
  const deadline = Date.now() + waitMs
  let delay = 5
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      try {
        if (me) writeSync(fd, formatIdentity(me))
      } catch (error) {
        // could not record who holds it (disk full): do not leave an anonymous lock behind
        closeSync(fd)
        try {
          unlinkSync(path)
        } catch {}
        throw error
      }
      closeSync(fd)
      let released = false
      return {
        release() {
          if (released) return
          released = true
          try {
            unlinkSync(path)
          } catch {}
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = readIdentityFile(path)
    if (holder.kind === 'missing') continue
    // An empty lock file is a holder killed between open and write: stale once it is not brand new.
    if (holder.kind === 'ok' ? !isAlive(holder.identity) : Date.now() > deadline - waitMs + 200) {
      try {
        unlinkSync(path)
      } catch {}
      continue
    }
    if (Date.now() > deadline) {
      throw new DxError(`another dx-runner command holds the lock ${path}; try again`)
    }
    sleepSync(delay)
    delay = Math.min(delay * 2, 100)
  }
}
