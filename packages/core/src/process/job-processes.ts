import {readFileSync} from 'node:fs'
import {isAlive, readIdentityFile} from './identity.js'
import type {JobPaths} from '../store/job-paths.js'
import {procPids, ProcessTable, readProcStat} from './proc.js'

/** The environment marker every process of a job carries (README "Reliability": what stop can reach). */
export const JOB_MARKER = 'DX_RUNNER_JOB'

const MARK = Buffer.from(`${JOB_MARKER}=`)

/** The value of DX_RUNNER_JOB in one NUL-separated environment, if it is there. */
function markOf(env: Buffer): string | undefined {
  for (let at = env.indexOf(MARK); at >= 0; at = env.indexOf(MARK, at + 1)) {
    if (at > 0 && env[at - 1] !== 0) continue
    const end = env.indexOf(0, at)
    return env.subarray(at + MARK.length, end < 0 ? env.length : end).toString()
  }
  return undefined
}

/** One pass over every process's environment: job directory → the marked processes of that job. */
export function markedJobs(): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const pid of procPids()) {
    if (pid === process.pid) continue
    let env: Buffer
    try {
      env = readFileSync(`/proc/${pid}/environ`)
    } catch {
      continue
    }
    const dir = markOf(env)
    if (dir !== undefined) out.set(dir, [...(out.get(dir) ?? []), pid])
  }
  return out
}

/** Processes whose environment holds DX_RUNNER_JOB=<dir>: the agent and all it started, setsid or not. */
export function markedProcesses(dir: string): number[] {
  return markedJobs().get(dir) ?? []
}

const ownGroup = (): number | undefined => readProcStat(process.pid)?.pgrp

/**
 * Everything that belongs to the job and still runs: the supervisor's process group (found from
 * monitor.pid, or from the agent's own group when monitor.pid is gone), the groups already known
 * (`known`: a supervisor still finishing its record after its agent died), and every marked process.
 */
export function jobProcesses(paths: JobPaths, known: Iterable<number> = []): {groups: number[]; pids: number[]} {
  const table = ProcessTable.scan()
  const groups = new Set<number>(known)
  for (const file of [paths.monitorPid, paths.pid]) {
    const id = readIdentityFile(file)
    if (id.kind !== 'ok' || !isAlive(id.identity, table)) continue
    const pgrp = table.get(id.identity.pid)?.pgrp
    if (pgrp !== undefined && pgrp > 1) groups.add(pgrp)
  }
  const mine = ownGroup()
  if (mine !== undefined) groups.delete(mine)
  const pids = new Set<number>()
  for (const g of groups) for (const st of table.group(g)) pids.add(st.pid)
  for (const pid of markedProcesses(paths.dir)) {
    const st = table.get(pid)
    if (st && st.state !== 'Z' && st.state !== 'X') pids.add(pid)
  }
  pids.delete(process.pid)
  return {groups: [...groups].filter((g) => [...pids].some((p) => table.get(p)?.pgrp === g)), pids: [...pids]}
}

function signal(target: {groups: number[]; pids: number[]}, sig: NodeJS.Signals): void {
  for (const g of target.groups) {
    try {
      process.kill(-g, sig)
    } catch {}
  }
  for (const p of target.pids) {
    try {
      process.kill(p, sig)
    } catch {}
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** TERM everything of the job, wait up to `graceMs`, then KILL what is left. Resolves once nothing is left (or 5 s after KILL). */
export async function endJobProcesses(paths: JobPaths, graceMs: number): Promise<{found: number; remaining: number[]}> {
  let now = jobProcesses(paths)
  const found = now.pids.length
  if (found === 0) return {found, remaining: []}
  // the groups seen now are followed to their end, even once the identities that led to them are dead
  const known = new Set(now.groups)
  signal(now, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline) {
    await sleep(50)
    now = jobProcesses(paths, known)
    if (now.pids.length === 0) return {found, remaining: []}
    // a child born after our TERM gets one too
    signal(now, 'SIGTERM')
  }
  const hard = Date.now() + 5000
  do {
    signal(now, 'SIGKILL')
    await sleep(50)
    now = jobProcesses(paths, known)
  } while (now.pids.length > 0 && Date.now() < hard)
  return {found, remaining: now.pids}
}
