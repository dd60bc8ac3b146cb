import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {jobPaths, PROVIDER_DIR_RE, type JobPaths} from './job-paths.js'

const SUFFIXES = ['.meta', '.pid', '.monitor.pid', '.rc', '.outcome', '.log', '.heartbeat', '.mutation', '.contract']
const BEADS_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/

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

/** Every job with metadata (valid or not) under the root, sorted by provider then beads. */
export function listJobs(root: string, opts: {withGhosts?: boolean} = {}): JobPaths[] {
  const out: JobPaths[] = []
  for (const provider of providerDirs(root)) {
    let names: string[]
    try {
      names = readdirSync(join(root, provider))
    } catch {
      continue
    }
    const beads = new Set<string>()
    for (const n of names) {
      const suffix = opts.withGhosts ? SUFFIXES.find((s) => n.endsWith(s)) : n.endsWith('.meta') ? '.meta' : undefined
      if (!suffix) continue
      const id = n.slice(0, -suffix.length)
      if (BEADS_RE.test(id)) beads.add(id)
    }
    for (const b of [...beads].sort()) out.push(jobPaths(root, provider, b))
  }
  return out
}

/** Where the job for a beads id lives, if it has metadata under any provider. */
export function findJob(root: string, beads: string): JobPaths | undefined {
  for (const provider of providerDirs(root)) {
    const p = jobPaths(root, provider, beads)
    if (existsSync(p.meta)) return p
  }
  return undefined
}
