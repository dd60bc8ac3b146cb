import {existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync} from 'node:fs'
import {join} from 'node:path'
import {ARTIFACT_NAMES, jobPaths, legacyJobPaths, type JobPaths} from './job-paths.js'
import {acquireJobLock} from './job-lock.js'
import {isJobActive} from '../process/job-active.js'
import {DIR_MODE} from './store.js'

const LEGACY_NAMES = Object.values(ARTIFACT_NAMES)

/** Legacy file names of `beads` in a provider directory: `<beads>.<artifact>` and rotated logs. */
function legacyFilesOf(names: string[], beads: string): Array<[from: string, to: string]> {
  const out: Array<[string, string]> = []
  const prefix = `${beads}.`
  for (const n of names) {
    if (!n.startsWith(prefix)) continue
    const rest = n.slice(prefix.length)
    if ((LEGACY_NAMES as readonly string[]).includes(rest) || /^log\.\d{1,3}$/.test(rest)) out.push([n, rest])
  }
  return out
}

/**
 * Move a finished job of the flat layout into its own directory (README "Migration"). A live legacy
 * job stays where its supervisor writes until it has ended; so does any job we cannot move (a
 * read-only root). Returns the paths to use for the job now.
 */
export function migrateLegacyJob(root: string, provider: string, beads: string, names: string[]): JobPaths {
  const legacy = legacyJobPaths(root, provider, beads)
  if (isJobActive(legacy)) return legacy
  let lock
  try {
    lock = acquireJobLock(legacy.lock, 2000)
  } catch {
    return legacy
  }
  try {
    return moveIntoDir(legacy, names)
  } finally {
    lock.release()
  }
}

/** migrateLegacyJob for a caller that holds the job's lock (restart, after stopping it). */
export function migrateLegacyJobLocked(legacy: JobPaths): JobPaths {
  let names: string[] = []
  try {
    names = readdirSync(legacy.providerDir)
  } catch {}
  return moveIntoDir(legacy, names)
}

function moveIntoDir(legacy: JobPaths, names: string[]): JobPaths {
  const next = jobPaths(legacy.root, legacy.provider, legacy.beads)
  try {
    if (isJobActive(legacy)) return legacy
    if (existsSync(next.dir) && !lstatSync(next.dir).isDirectory()) return legacy
    mkdirSync(next.dir, {recursive: true, mode: DIR_MODE})
    // the meta last: while it is in the old place the job is still found there
    const files = legacyFilesOf(names, legacy.beads).sort(([a], [b]) => Number(a.endsWith('.meta')) - Number(b.endsWith('.meta')))
    for (const [from, to] of files) renameSync(join(legacy.providerDir, from), join(next.dir, to))
    return next
  } catch {
    try {
      rmdirSync(next.dir)
    } catch {}
    return existsSync(legacy.meta) ? legacy : next
  }
}

/** The ids a provider directory holds in the flat layout (a regular `<beads>.meta` file), shortest first. */
export function legacyIds(names: string[], isId: (id: string) => boolean): string[] {
  return names
    .filter((n) => n.endsWith('.meta'))
    .map((n) => n.slice(0, -'.meta'.length))
    .filter(isId)
    .sort((a, b) => a.length - b.length || a.localeCompare(b))
}
