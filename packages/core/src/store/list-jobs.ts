import {existsSync, readdirSync, type Dirent} from 'node:fs'
import {join} from 'node:path'
import {ARTIFACTS, BEADS_RE, jobPaths, legacyJobPaths, PROVIDER_DIR_RE, type JobPaths} from './job-paths.js'
import {legacyIds, migrateLegacyJob} from './migrate-layout.js'

/** Files whose presence alone makes a directory a job (a ghost, for prune). */
const GHOST_NAMES = Object.values(ARTIFACTS).filter((a) => a.evidence).map((a) => a.name)

function providerDirs(root: string): string[] {
  try {
    return readdirSync(root, {withFileTypes: true})
      .filter((e) => e.isDirectory() && PROVIDER_DIR_RE.test(e.name))
      .map((e) => e.name)
      .sort()
  } catch {
    return []
  }
}

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, {withFileTypes: true})
  } catch {
    return []
  }
}

/** Jobs of one provider directory: a directory per job, plus flat-layout jobs (migrated when finished). */
function jobsIn(root: string, provider: string, withGhosts: boolean): JobPaths[] {
  const list = entries(join(root, provider))
  const byId = new Map<string, JobPaths>()
  const flat = list.filter((e) => !e.isDirectory()).map((e) => e.name)
  const legacy = legacyIds(flat, (id) => BEADS_RE.test(id))
  for (const id of legacy) byId.set(id, migrateLegacyJob(root, provider, id, list.map((e) => e.name)))
  for (const e of list) {
    if (!e.isDirectory() || !BEADS_RE.test(e.name) || byId.has(e.name)) continue
    const p = jobPaths(root, provider, e.name)
    if (existsSync(p.meta) || (withGhosts && GHOST_NAMES.some((n) => existsSync(join(p.dir, n))))) byId.set(e.name, p)
  }
  if (withGhosts) {
    // flat-layout leftovers without a meta (a ghost of the old layout)
    for (const n of flat) {
      const name = GHOST_NAMES.find((g) => n.endsWith(`.${g}`))
      const id = name ? n.slice(0, -name.length - 1) : undefined
      if (id && BEADS_RE.test(id) && !byId.has(id)) byId.set(id, legacyJobPaths(root, provider, id))
    }
  }
  return [...byId.keys()].sort().map((id) => byId.get(id)!)
}

/** Every job with metadata (valid or not) under the root, sorted by provider then beads. */
export function listJobs(root: string, opts: {withGhosts?: boolean} = {}): JobPaths[] {
  const out: JobPaths[] = []
  for (const provider of providerDirs(root)) out.push(...jobsIn(root, provider, opts.withGhosts ?? false))
  return out
}

/** Where the job for a beads id lives, if it has metadata under any provider. */
export function findJob(root: string, beads: string): JobPaths | undefined {
  for (const provider of providerDirs(root)) {
    const p = jobPaths(root, provider, beads)
    if (existsSync(p.meta)) return p
    const legacy = legacyJobPaths(root, provider, beads)
    if (existsSync(legacy.meta)) return migrateLegacyJob(root, provider, beads, entries(legacy.providerDir).map((e) => e.name))
  }
  return undefined
}
