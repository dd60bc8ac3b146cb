import {watch, type FSWatcher} from 'node:fs'

/**
 * Wakes a waiter when something in the watched directories changes (inotify through fs.watch), or
 * after `ms` at the latest: the slow poll that covers what a watch can miss. No busy loop.
 */
export class ChangeWatch {
  private readonly watchers = new Map<string, FSWatcher>()
  private changed = false
  private wake?: () => void

  /** Watch these directories too (those already watched, or gone, are skipped). */
  add(dirs: Iterable<string>): void {
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue
      try {
        const w = watch(dir, {persistent: true}, () => this.fire())
        w.on('error', () => {
          w.close()
          this.watchers.delete(dir)
        })
        this.watchers.set(dir, w)
      } catch {}
    }
  }

  private fire(): void {
    this.changed = true
    this.wake?.()
  }

  /** Resolves at the next change (at once if one came since the last call), or after `ms`. */
  next(ms: number): Promise<void> {
    if (this.changed) {
      this.changed = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const t = setTimeout(done, ms)
      const self = this
      function done() {
        clearTimeout(t)
        self.wake = undefined
        self.changed = false
        resolve()
      }
      this.wake = done
    })
  }

  close(): void {
    for (const w of this.watchers.values()) w.close()
    this.watchers.clear()
    this.wake?.()
  }
}
