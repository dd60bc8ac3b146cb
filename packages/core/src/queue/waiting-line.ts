import {readdirSync, readlinkSync, symlinkSync, unlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {formatIdentity, identityOf, isAlive, parseIdentity, type ProcessIdentity} from '../process/identity.js'
import type {JobPaths} from '../store/job-paths.js'
import {listJobs} from '../store/list-jobs.js'
import {ensureDir} from '../store/store.js'
import {queueDir, queuedMarker, WAITER_ENTRY_RE, waiterEntryName} from './queue-paths.js'
import {queuedRecord} from './queued-job.js'

/** One place in a provider's line: a queued job (its meta) or a blocking `start` waiting (its entry). */
export interface LinePlace {
  seq: number
  beads: string
  kind: 'job' | 'waiter'
  maxParallel: number
  paths?: JobPaths
}

/**
 * The next number in the provider's line: after everyone in it, and otherwise the clock (ms), so the
 * line needs no counter file and a start that gives up leaves nothing. The caller holds the provider's lock. Pure.
 */
export function nextSeq(line: readonly {seq: number}[], now: number): number {
  return Math.max(now, ...line.map((p) => p.seq + 1))
}

/** Tell the provider's supervisors that there is a line to hand slots to (README "Concurrency"). The caller holds the provider's lock. */
export function markQueued(root: string, provider: string): void {
  ensureDir(queueDir(root, provider))
  writeFileSync(queuedMarker(root, provider), '')
}

/** Nobody queued is left: supervisors of the provider stop starting the hand-off. The caller holds the provider's lock. */
export function unmarkQueued(root: string, provider: string): void {
  try {
    unlinkSync(queuedMarker(root, provider))
  } catch {}
}

/** A blocking start's entry: a symlink (atomic, no data block) naming its limit and its process, so a dead waiter is seen as dead. */
export function addWaiter(root: string, provider: string, seq: number, beads: string, maxParallel: number): void {
  ensureDir(queueDir(root, provider))
  const me = identityOf(process.pid)
  symlinkSync(`${maxParallel} ${me ? formatIdentity(me).trim() : `${process.pid} 0 -`}`, join(queueDir(root, provider), waiterEntryName(seq, beads)))
}

export function removeWaiter(root: string, provider: string, seq: number, beads: string): void {
  try {
    unlinkSync(join(queueDir(root, provider), waiterEntryName(seq, beads)))
  } catch {}
}

function readWaiter(dir: string, name: string): {maxParallel: number; who?: ProcessIdentity} | undefined {
  try {
    const text = readlinkSync(join(dir, name), 'latin1')
    const sp = text.indexOf(' ')
    const maxParallel = Number(text.slice(0, sp))
    if (!Number.isInteger(maxParallel) || maxParallel < 1) return undefined
    return {maxParallel, who: parseIdentity(text.slice(sp + 1))}
  } catch {
    return undefined
  }
}

/**
 * The provider's line in arrival order: its queued jobs and its live waiters. A waiter whose process
 * is gone holds no place; with `sweep` (the caller holds the provider's lock) its entry is removed.
 */
export function waitingLine(root: string, provider: string, opts: {sweep: boolean; jobs?: JobPaths[]}): LinePlace[] {
  const line: LinePlace[] = []
  for (const paths of opts.jobs ?? listJobs(root)) {
    if (paths.provider !== provider) continue
    const q = queuedRecord(paths)
    if (q) line.push({seq: q.seq, beads: paths.beads, kind: 'job', maxParallel: q.max_parallel, paths})
  }
  const dir = queueDir(root, provider)
  let names: string[] = []
  try {
    names = readdirSync(dir)
  } catch {}
  for (const name of names) {
    const m = WAITER_ENTRY_RE.exec(name)
    if (!m) continue
    const w = readWaiter(dir, name)
    if (!w || !w.who || !isAlive(w.who)) {
      if (opts.sweep) removeWaiter(root, provider, Number(m[1]), m[2])
      continue
    }
    line.push({seq: Number(m[1]), beads: m[2], kind: 'waiter', maxParallel: w.maxParallel})
  }
  return line.sort((a, b) => a.seq - b.seq)
}

/** Each queued job's place in its provider's line (1 = next), keyed `<provider>/<beads>`, for `status`. Reads only. */
export function queuePositions(root: string, providers: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>()
  const jobs = listJobs(root)
  for (const provider of new Set(providers)) {
    const line = waitingLine(root, provider, {sweep: false, jobs})
    line.forEach((p, i) => {
      if (p.kind === 'job') out.set(`${provider}/${p.beads}`, i + 1)
    })
  }
  return out
}
