import {watch, type FSWatcher} from 'node:fs'
import {basename} from 'node:path'
import type {JobPaths} from '../store/job-paths.js'

/** The files whose change can end a job or change what it is: its exit status, outcome, meta (blocked), processes, a stop. */
const ENDING_FILES = ['rc', 'outcome', 'meta', 'pid', 'monitorPid', 'stopping'] as const

/**
 * Call `wake` when a job's ending files change (inotify through fs.watch: no CPU while nothing
 * happens), or a job's directory appears or goes in its provider directory (prune). `withLog` adds the
 * log (for waiting on `healthy`). Files observers write themselves (heartbeat, mutation) are not
 * watched, so looking never wakes the looker. A directory that cannot be watched (gone, no inotify
 * left) is simply not watched: the caller's poll covers it. Returns close().
 */
export function watchJobFiles(jobs: readonly JobPaths[], wake: () => void, opts: {withLog?: boolean} = {}): () => void {
  const names = new Map<string, Set<string>>()
  const add = (dir: string, name: string) => {
    let set = names.get(dir)
    if (!set) names.set(dir, (set = new Set()))
    set.add(name)
  }
  for (const p of jobs) {
    for (const k of ENDING_FILES) add(p.dir, basename(p[k]))
    if (opts.withLog) add(p.dir, basename(p.log))
    if (p.dir !== p.providerDir) add(p.providerDir, basename(p.dir))
  }
  const watchers: FSWatcher[] = []
  for (const [dir, wanted] of names) {
    try {
      const w = watch(dir, (_event, file) => {
        // no name: Linux gives one, but a platform that does not still wakes us
        if (file === null || wanted.has(String(file))) wake()
      })
      w.on('error', () => w.close())
      watchers.push(w)
    } catch {}
  }
  return () => {
    for (const w of watchers) w.close()
  }
}
