import {watch, type FSWatcher} from 'node:fs'
import {basename} from 'node:path'
import type {JobPaths} from '../store/job-paths.js'

/** The files whose change can end a job or change what it is: its exit status, outcome, meta (blocked), processes, a stop. */
const ENDING_FILES = ['rc', 'outcome', 'meta', 'pid', 'monitorPid', 'stopping'] as const

/**
 * Call `wake(job)` when a job's ending files change (inotify through fs.watch: no CPU while nothing
 * happens), or a job's directory appears or goes in its provider directory (prune). `withLog` adds the
 * log (for waiting on `healthy`). Files observers write themselves (heartbeat, mutation) are not
 * watched, so looking never wakes the looker. A directory that cannot be watched (gone, no inotify
 * left) is simply not watched: the caller's poll covers it. Returns close().
 */
export function watchJobFiles(jobs: readonly JobPaths[], wake: (job?: JobPaths) => void, opts: {withLog?: boolean} = {}): () => void {
  // directory → file name → the job it belongs to
  const names = new Map<string, Map<string, JobPaths>>()
  const add = (dir: string, name: string, job: JobPaths) => {
    let m = names.get(dir)
    if (!m) names.set(dir, (m = new Map()))
    m.set(name, job)
  }
  for (const p of jobs) {
    for (const k of ENDING_FILES) add(p.dir, basename(p[k]), p)
    if (opts.withLog) add(p.dir, basename(p.log), p)
    if (p.dir !== p.providerDir) add(p.providerDir, basename(p.dir), p)
  }
  const watchers: FSWatcher[] = []
  for (const [dir, wanted] of names) {
    try {
      const w = watch(dir, (_event, file) => {
        // no name: Linux gives one, but a platform that does not still wakes us (for every job)
        if (file === null) wake()
        else {
          const job = wanted.get(String(file))
          if (job) wake(job)
        }
      })
      w.on('error', () => w.close())
      watchers.push(w)
    } catch {}
  }
  return () => {
    for (const w of watchers) w.close()
  }
}
