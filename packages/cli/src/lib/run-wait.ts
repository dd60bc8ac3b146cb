import {
  artifactRoot,
  DxError,
  findJob,
  isWaitFor,
  listJobs,
  nextPollMs,
  parseDuration,
  validateBeadsId,
  WAIT_FOR,
  WAIT_POLL_MS,
  WAIT_SETTLE_MS,
  waitExitCode,
  waitIsOver,
  waitJobCode,
  watchJobFiles,
  type JobPaths,
  type JobView,
  type Thresholds,
  type WaitFor,
} from '@dx-runner/core'
import {readFileSync} from 'node:fs'
import {observeAll} from './observe.js'
import {printable} from './printable.js'
import type {ProvidersFor} from './run-status.js'
import type {Result} from './output.js'

export interface WaitFlags {
  beads?: string
  all?: boolean
  for?: string
  timeout?: string
}

/** One job of `wait --json` (schema: wait). */
export interface WaitJob {
  beads: string
  provider: string
  state: string
  reason_code: string
  exit_code: string
  done: boolean
  done_at: string | null
  code: number | null
}

export interface WaitDoc {
  for: WaitFor
  started_at: string
  finished_at: string
  timed_out: boolean
  exit_code: number
  jobs: WaitJob[]
}

/** `--beads a,b,c`: each id checked, duplicates dropped, in the order given. */
export function parseBeadsList(raw: string): string[] {
  const ids = raw.split(',').map((s) => s.trim())
  if (ids.some((id) => id === '')) throw new DxError(`invalid --beads ${JSON.stringify(raw)}: expected comma-separated job ids`)
  return [...new Set(ids.map((id) => validateBeadsId(id)))]
}

interface WaitPlan {
  waitFor: WaitFor
  timeoutMs?: number
  ids?: string[]
}

/** The flags checked before anything is read: one of --beads / --all, a known --for, a positive --timeout. */
export function waitPlan(flags: WaitFlags): WaitPlan {
  if (flags.beads !== undefined && flags.all) throw new DxError('--beads and --all do not go together: name the jobs or take them all')
  if (flags.beads === undefined && !flags.all) throw new DxError('name the jobs to wait for: --beads a,b,c or --all')
  const waitFor = flags.for ?? 'terminal'
  if (!isWaitFor(waitFor)) throw new DxError(`invalid --for ${JSON.stringify(waitFor)}: expected ${WAIT_FOR.join(', ')}`)
  const timeoutMs = flags.timeout === undefined ? undefined : parseDuration('--timeout', flags.timeout) * 1000
  return {waitFor, timeoutMs, ids: flags.beads === undefined ? undefined : parseBeadsList(flags.beads)}
}

/** CPU ms this process has used, with the children it waited for (git): what a round of observation costs. */
function cpuMs(): number {
  const u = process.cpuUsage()
  let children = 0
  try {
    const f = readFileSync('/proc/self/stat', 'latin1').split(') ')[1].split(' ')
    // fields 16 and 17 (cutime, cstime), in clock ticks of 10 ms
    children = (Number(f[13]) + Number(f[14])) * 10
  } catch {}
  return (u.user + u.system) / 1000 + (Number.isFinite(children) ? children : 0)
}

/** The line `wait` prints for a job as it is done: check's line. */
export function waitLine(j: WaitJob): string {
  return `${printable(`${j.beads} ${j.state} ${j.reason_code}`)}${j.exit_code === '-' ? '' : ` rc=${j.exit_code}`}\n`
}

function fromView(v: JobView): Pick<WaitJob, 'provider' | 'state' | 'reason_code' | 'exit_code'> {
  return {provider: v.provider, state: v.state, reason_code: v.reason_code, exit_code: v.exit_code === null ? '-' : String(v.exit_code)}
}

/**
 * `wait`: observe the jobs as status does (observer `wait`) until each is done or the time-out runs
 * out. Between observations it sleeps on file events (watchJobFiles) with a slow poll as backstop.
 * `onDone` gets each job as it is done; the result's exit code is waitExitCode's.
 */
export async function runWait(flags: WaitFlags, providers: ProvidersFor, thresholds: Thresholds, onDone: (job: WaitJob) => void): Promise<Result<WaitDoc>> {
  const plan = waitPlan(flags)
  const startedAt = new Date()
  const deadline = plan.timeoutMs === undefined ? Infinity : startedAt.getTime() + plan.timeoutMs
  const root = artifactRoot()
  const jobs: WaitJob[] = []
  const pending = new Map<WaitJob, JobPaths>()
  const blank = {state: 'missing', reason_code: 'no_metadata', exit_code: '-', done: false, done_at: null, code: null}
  const finish = (j: WaitJob, at: Date) => {
    Object.assign(j, {done: true, done_at: at.toISOString(), code: waitJobCode(j.state)})
    pending.delete(j)
    onDone(j)
  }
  if (plan.ids) {
    for (const beads of plan.ids) {
      const paths = findJob(root, beads)
      const j: WaitJob = {beads, provider: paths?.provider ?? '-', ...blank}
      jobs.push(j)
      if (paths) pending.set(j, paths)
      else finish(j, startedAt)
    }
  } else {
    for (const paths of listJobs(root)) {
      const j: WaitJob = {beads: paths.beads, provider: paths.provider, ...blank}
      jobs.push(j)
      pending.set(j, paths)
    }
  }

  if (pending.size > 0) {
    const loaded = await providers([...new Set([...pending.values()].map((p) => p.provider))])
    const byPaths = new Map([...pending.entries()].map(([j, p]) => [p, j]))
    // what the next round looks at: every pending job (the poll, a nameless event) or the ones whose files changed
    let pollDue = true
    const touched = new Set<WaitJob>()
    let pollMs = WAIT_POLL_MS
    let cold = true
    let wakeSleeper: (() => void) | undefined
    const wake = (paths?: JobPaths) => {
      const j = paths ? byPaths.get(paths) : undefined
      if (!paths) pollDue = true
      else if (j && pending.has(j)) touched.add(j)
      else return
      wakeSleeper?.()
    }
    // watched from after the first look, and then only what is still pending (a root of finished jobs sets up no watch)
    let close: (() => void) | undefined
    try {
      for (;;) {
        if (pollDue || touched.size > 0) {
          const full = pollDue
          const batch = full ? [...pending.entries()] : [...touched].filter((j) => pending.has(j)).map((j) => [j, pending.get(j)!] as const)
          pollDue = false
          touched.clear()
          const cpu0 = cpuMs()
          const views = await observeAll('wait', batch.map(([, p]) => p), loaded, thresholds)
          const at = new Date()
          batch.forEach(([j], i) => {
            Object.assign(j, fromView(views[i]))
            if (waitIsOver(j.state, plan.waitFor)) finish(j, at)
          })
          // the first round runs cold (modules compiled on first use): its cost says little about the next
          if (full && !cold) pollMs = nextPollMs(cpuMs() - cpu0)
          cold = false
          if (!close && pending.size > 0) {
            close = watchJobFiles([...pending.values()], wake, {withLog: plan.waitFor === 'healthy'})
            // what ended between that look and the watch: one more look at each
            for (const j of pending.keys()) touched.add(j)
          }
        }
        if (pending.size === 0 || Date.now() >= deadline) break
        // sleep until a file event (then let the burst settle), the poll, or the deadline
        await new Promise<void>((resolve) => {
          const poll = setTimeout(() => ((pollDue = true), resolve()), Math.min(pollMs, deadline - Date.now()))
          wakeSleeper = () => {
            wakeSleeper = undefined
            clearTimeout(poll)
            setTimeout(resolve, Math.min(WAIT_SETTLE_MS, Math.max(0, deadline - Date.now())))
          }
          if (touched.size > 0 || pollDue) wakeSleeper()
        })
        wakeSleeper = undefined
        // the deadline: one last look, so a job that ended on time counts
        if (Date.now() >= deadline) pollDue = true
      }
    } finally {
      close?.()
    }
  }

  const finishedAt = new Date()
  const exitCode = waitExitCode(jobs)
  const doc: WaitDoc = {for: plan.waitFor, started_at: startedAt.toISOString(), finished_at: finishedAt.toISOString(), timed_out: pending.size > 0, exit_code: exitCode, jobs}
  return {doc, text: jobs.length === 0 ? 'no jobs\n' : '', exitCode}
}

/** The stderr line of a time-out: the jobs not done, each with where it was. */
export function timedOutLine(doc: WaitDoc, timeout: string): string {
  const left = doc.jobs.filter((j) => !j.done).map((j) => `${j.beads} (${j.state})`)
  return printable(`wait timed out after ${timeout}; not done: ${left.join(', ')}`)
}
