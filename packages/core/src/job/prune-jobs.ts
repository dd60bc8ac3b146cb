import {readdirSync, rmSync} from 'node:fs'
import {acquireJobLock} from './job-lock.js'
import type {JobPaths} from './job-paths.js'
import {listJobs} from './list-jobs.js'
import {removeStdinPrompt} from './prompt-file.js'
import {isJobActive} from './start-job.js'
import {readJsonFile, type ReadResult} from './store.js'

export interface PruneEntry {
  beads: string
  provider: string
  reason: 'finished' | 'ghost' | 'invalid_pid' | 'metadata_corrupt'
  removed: string[]
}

function classify(paths: JobPaths, meta: ReadResult<object>): PruneEntry['reason'] {
  if (meta.kind === 'missing') return 'ghost'
  if (meta.kind === 'corrupt') return 'metadata_corrupt'
  const hasEnd = readJsonFile(paths.outcome).kind === 'ok' || readdirSync(paths.dir).includes(`${paths.beads}.rc`)
  return hasEnd ? 'finished' : 'invalid_pid'
}

/** Remove every artifact of jobs that are not running (never a live one). */
export function pruneJobs(root: string, beads?: string): PruneEntry[] {
  const out: PruneEntry[] = []
  for (const paths of listJobs(root, {withGhosts: true})) {
    if (beads !== undefined && paths.beads !== beads) continue
    const lock = acquireJobLock(paths.lock)
    try {
      if (isJobActive(paths)) continue
      const meta = readJsonFile<{prompt_file?: unknown}>(paths.meta)
      const reason = classify(paths, meta)
      const removed: string[] = []
      // a prompt that came over stdin (start --prompt-file -) lives under <root>/.prompts and goes with its job
      removeStdinPrompt(root, meta)
      const prefix = `${paths.beads}.`
      for (const name of readdirSync(paths.dir)) {
        if (!name.startsWith(prefix)) continue
        const rest = name.slice(prefix.length)
        // Only our own artifact names: <beads>.<suffix>, never another id that shares a prefix.
        if (!/^(meta|pid|monitor\.pid|log(\.\d+)?|outcome|rc|contract|mutation|heartbeat|timeout|watchdog|cputime|tmp)$/.test(rest)) continue
        rmSync(`${paths.dir}/${name}`, {recursive: true, force: true})
        removed.push(name)
      }
      if (removed.length > 0) out.push({beads: paths.beads, provider: paths.provider, reason, removed})
    } finally {
      lock.release()
    }
  }
  return out
}
