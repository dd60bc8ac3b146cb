import {existsSync, readdirSync, rmSync} from 'node:fs'
import {acquireJobLock} from '../store/job-lock.js'
import {ARTIFACT_NAMES, type JobPaths} from '../store/job-paths.js'

const LEGACY_OWN = new Set<string>(Object.values(ARTIFACT_NAMES))
import {endJobProcesses, markedJobs} from '../process/job-processes.js'
import {listJobs} from '../store/list-jobs.js'
import {removeStdinPrompt} from '../store/prompt-file.js'
import {isJobActive} from '../process/job-active.js'
import {queuedRecord} from '../queue/queued-job.js'
import {readJsonFile, type ReadResult} from '../store/store.js'

export interface PruneEntry {
  beads: string
  provider: string
  reason: 'finished' | 'ghost' | 'invalid_pid' | 'metadata_corrupt'
  removed: string[]
}

function classify(paths: JobPaths, meta: ReadResult<object>): PruneEntry['reason'] {
  if (meta.kind === 'missing') return 'ghost'
  if (meta.kind === 'corrupt') return 'metadata_corrupt'
  const hasEnd = readJsonFile(paths.outcome).kind === 'ok' || existsSync(paths.rc)
  return hasEnd ? 'finished' : 'invalid_pid'
}

/** The job's own files: its directory's entries, or in the flat layout `<beads>.<artifact>` (never another id's). */
function ownFiles(paths: JobPaths): string[] {
  if (paths.layout === 'dir') {
    try {
      return readdirSync(paths.dir)
    } catch {
      return []
    }
  }
  const prefix = `${paths.beads}.`
  return readdirSync(paths.dir).filter((name) => {
    if (!name.startsWith(prefix)) return false
    const rest = name.slice(prefix.length)
    return LEGACY_OWN.has(rest) || /^log\.\d+$/.test(rest)
  })
}

/** Remove every artifact of jobs that are not running (never a live one); end what they left running first. */
export async function pruneJobs(root: string, beads?: string): Promise<PruneEntry[]> {
  const out: PruneEntry[] = []
  // one pass over every environment for the whole prune, not one per job
  const marked = markedJobs()
  for (const paths of listJobs(root, {withGhosts: true})) {
    if (beads !== undefined && paths.beads !== beads) continue
    const lock = acquireJobLock(paths.lock)
    try {
      // a queued job is waiting for its turn, not finished
      if (isJobActive(paths) || queuedRecord(paths)) continue
      // processes marked with this job outlived it (they escaped its group): they go with it
      if (marked.has(paths.dir)) await endJobProcesses(paths, 2000)
      const meta = readJsonFile<{prompt_file?: unknown}>(paths.meta)
      const reason = classify(paths, meta)
      // a prompt that came over stdin (start --prompt-file -) lives under <root>/.prompts and goes with its job
      removeStdinPrompt(root, meta)
      const removed = ownFiles(paths)
      if (paths.layout === 'dir') rmSync(paths.dir, {recursive: true, force: true})
      else for (const name of removed) rmSync(`${paths.dir}/${name}`, {recursive: true, force: true})
      if (removed.length > 0) out.push({beads: paths.beads, provider: paths.provider, reason, removed})
    } finally {
      lock.release()
    }
  }
  return out
}
