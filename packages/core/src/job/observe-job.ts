import {linkSync, statSync} from 'node:fs'
import {randomBytes} from 'node:crypto'
import type {ExitFacts, OutcomeClass, ProviderV1, ReasonCode, Telemetry} from '@dx-runner/provider'
import {foldTelemetry} from '@dx-runner/provider-utils'
import {advanceHeartbeat, type Heartbeat} from '../health/heartbeat.js'
import {deriveHealth, type Health} from '../health/derive-health.js'
import {foldSignals, isStructuredLine, NO_SIGNALS, type ProviderSignals} from '../health/provider-signals.js'
import type {Thresholds} from '../health/thresholds.js'
import {readIdentityFile, isAlive, type ProcessIdentity} from '../process/identity.js'
import type {JobPaths} from '../store/job-paths.js'
import {isJobMeta, isOutcomeRecord, type JobMeta, type OutcomeRecord} from '../store/job-meta.js'
import {readTailLines} from '../store/log-tail.js'
import {countMutations, type MutationSnapshot} from './mutations.js'
import {bootTimeMs, CLOCK_TICKS, type ProcessTable} from '../process/proc.js'
import {FILE_MODE, readJsonFile, readRcRecord, readSmallFile, removeQuietly, writeJsonAtomic} from '../store/store.js'
import {endedByStop, readStopIntent} from '../store/stop-intent.js'
import {endJobProcesses} from '../process/job-processes.js'
import {writeFileSync} from 'node:fs'

export interface ObserveContext {
  table: ProcessTable
  thresholds: Thresholds
  now: number
  providerFor(name: string): ProviderV1 | undefined
  /** Persist heartbeats and outcomes, and end agents whose key was refused (status, check, watchdog do). */
  act: boolean
  /** Count mutations now, ignoring the throttle (report, check). */
  freshMutations?: boolean
  /** Parse the whole log for telemetry (report). */
  fullTelemetry?: boolean
}

export interface JobView extends Health {
  beads: string
  provider: string
  paths: JobPaths
  meta?: JobMeta
  pid: number | null
  agentAlive: boolean
  monitorAlive: boolean
  started_at: string | null
  completed_at: string | null
  elapsed_sec: number
  log_bytes: number
  mutation_count: number
  retry_count: number
  outcome?: OutcomeRecord
  exit_code: number | null
  cpu_time_sec: number
  pid_age_sec: number | null
  telemetry: Telemetry
}

/** The tail we read of a live job's log to see retries and auth failures. */
const LIVE_TAIL_BYTES = 64 * 1024
/** The most of a finished job's log we parse for its telemetry. */
const FINAL_TAIL_BYTES = 8 * 1024 * 1024

interface TailReading extends ProviderSignals {
  telemetry: Telemetry
}

function readTelemetry(provider: ProviderV1 | undefined, log: string, maxBytes: number): TailReading {
  let telemetry: Telemetry = {}
  let signals = NO_SIGNALS
  if (!provider?.parseEvent) return {telemetry, ...signals}
  for (const line of readTailLines(log, maxBytes)) {
    if (!line) continue
    let e
    try {
      e = provider.parseEvent(line)
    } catch {
      e = undefined
    }
    if (!e) continue
    telemetry = foldTelemetry(telemetry, e)
    signals = foldSignals(signals, e, isStructuredLine(line))
  }
  return {telemetry, ...signals}
}

function genericClassify(facts: ExitFacts): OutcomeClass {
  if (facts.timed_out) return {state: 'failed', reason_code: 'timeout'}
  return facts.exit_code === 0 ? {state: 'success', reason_code: 'outcome_exit_0'} : {state: 'failed', reason_code: 'process_exit_with_rc'}
}

/** Observers record what they learn when they can; a full or read-only root must not stop them answering. */
function persist(write: () => void): void {
  try {
    write()
  } catch {}
}

/** Create the outcome only if none exists: a stop's `killed` written meanwhile must win. */
function writeOutcomeOnce(path: string, record: OutcomeRecord): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, {mode: FILE_MODE, flag: 'wx'})
  try {
    linkSync(tmp, path)
  } catch {
    // already finalized by someone else
  } finally {
    removeQuietly(tmp)
  }
}

export function outcomeRecord(
  meta: JobMeta,
  cls: OutcomeClass,
  t: Telemetry,
  startedAt: string,
  completedAt: string,
  exitCode: number | null,
): OutcomeRecord {
  const r: OutcomeRecord = {
    provider: meta.provider,
    selected_model: meta.selected_model,
    reason_code: cls.reason_code,
    fallback_reason: meta.fallback_reason,
    state: cls.state,
    execution_mode: meta.execution_mode,
    started_at: startedAt,
    completed_at: completedAt,
    exit_code: exitCode,
  }
  if (t.input_tokens !== undefined) r.input_tokens = t.input_tokens
  if (t.output_tokens !== undefined) r.output_tokens = t.output_tokens
  if (t.cost_usd !== undefined) r.cost_usd = t.cost_usd
  if (t.tool_calls !== undefined) r.tool_calls = t.tool_calls
  if (t.session_id !== undefined) r.session_id = t.session_id
  return r
}

function mtimeMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs
  } catch {
    return undefined
  }
}

function logStat(path: string): {size: number; mtimeMs?: number} {
  try {
    const st = statSync(path)
    return {size: st.size, mtimeMs: st.mtimeMs}
  } catch {
    return {size: 0}
  }
}

function pidAge(id: ProcessIdentity | undefined, now: number): number | null {
  if (!id) return null
  const boot = bootTimeMs()
  if (!boot) return null
  return Math.max(0, Math.round((now - (boot + (id.starttime / CLOCK_TICKS) * 1000)) / 1000))
}

/** Children's CPU seconds from the shell's `times` output (second line: user and system of waited children). */
export function parseTimes(text: string): number | undefined {
  const line = text.split('\n')[1]
  if (!line) return undefined
  let total = 0
  for (const m of line.matchAll(/(\d+)m([\d.]+)s/g)) total += Number(m[1]) * 60 + Number(m[2])
  return Number.isFinite(total) ? total : undefined
}

/** Gather the facts of one job from disk and /proc, derive its health, and (when acting) persist what was learnt. */
export async function observeJob(paths: JobPaths, ctx: ObserveContext): Promise<JobView> {
  const {now, thresholds} = ctx
  const metaRead = readJsonFile<JobMeta>(paths.meta)
  const metaState = metaRead.kind === 'ok' ? (isJobMeta(metaRead.value) ? 'ok' : 'corrupt') : metaRead.kind
  const meta = metaState === 'ok' && metaRead.kind === 'ok' ? metaRead.value : undefined
  const log = logStat(paths.log)
  const agentFile = readIdentityFile(paths.pid)
  const monitorFile = readIdentityFile(paths.monitorPid)
  const agentId = agentFile.kind === 'ok' ? agentFile.identity : undefined
  const monitorId = monitorFile.kind === 'ok' ? monitorFile.identity : undefined
  const agentAlive = isAlive(agentId, ctx.table)
  const monitorAlive = isAlive(monitorId, ctx.table)
  const hbRead = readJsonFile<Heartbeat>(paths.heartbeat)
  const prevHb = hbRead.kind === 'ok' && typeof hbRead.value.attempt_started_at === 'string' ? hbRead.value : undefined
  const snapRead = readJsonFile<MutationSnapshot>(paths.mutation)
  const snap = snapRead.kind === 'ok' && typeof snapRead.value.started_at === 'string' ? snapRead.value : undefined
  const provider = meta ? ctx.providerFor(meta.provider) : undefined

  const startedAt = prevHb?.attempt_started_at ?? snap?.started_at ?? meta?.created_at ?? null
  const startedMs = startedAt ? Date.parse(startedAt) : now
  let mutationCount = Math.max(snap?.count ?? 0, prevHb?.mutation_count ?? 0)
  const pgid = monitorId?.pid

  const view: JobView = {
    beads: paths.beads,
    provider: paths.provider,
    paths,
    meta,
    state: 'missing',
    reason_code: 'no_metadata',
    pid: agentId?.pid ?? null,
    agentAlive,
    monitorAlive,
    started_at: startedAt,
    completed_at: null,
    elapsed_sec: 0,
    log_bytes: log.size,
    mutation_count: mutationCount,
    retry_count: meta?.retries ?? 0,
    exit_code: null,
    cpu_time_sec: (prevHb?.cpu_ticks ?? 0) / CLOCK_TICKS,
    pid_age_sec: pidAge(agentId, now),
    telemetry: {},
  }
  if (!meta) {
    const h = deriveHealth(
      {meta: metaState === 'missing' ? 'missing' : 'corrupt', agentAlive, agentRecorded: true, monitorAlive, attemptStartedAt: now, logBytes: 0, lastProgressAt: now, cpuProgressing: false, mutationCount: 0, providerRetrying: false},
      thresholds,
      now,
    )
    return {...view, ...h}
  }

  const recount = async (): Promise<number> => {
    if (!snap) return mutationCount
    const n = await countMutations(meta.worktree, snap)
    mutationCount = Math.max(n, 0)
    if (ctx.act) persist(() => writeJsonAtomic(paths.mutation, {...snap, count: mutationCount, observed_at: new Date(now).toISOString()}))
    return mutationCount
  }

  let outcomeRead = readJsonFile<OutcomeRecord>(paths.outcome)
  let outcome = outcomeRead.kind === 'ok' && isOutcomeRecord(outcomeRead.value) ? outcomeRead.value : undefined
  // read after the liveness checks: a supervisor seen gone has already written its rc
  const rcRecord = readRcRecord(paths.rc)
  const rc = rcRecord.kind === 'ok' ? ({kind: 'ok', value: rcRecord.value.exit_code} as const) : rcRecord
  const stopIntent = outcome ? 'none' : readStopIntent(paths)

  // Finished but not yet classified: classify once, from the whole log, and persist.
  if (!outcome && rc.kind !== 'missing') {
    const reading = readTelemetry(provider, paths.log, FINAL_TAIL_BYTES)
    await recount()
    const exitCode = rc.kind === 'ok' ? rc.value : null
    const facts: ExitFacts = {exit_code: exitCode ?? -1, telemetry: reading.telemetry, timed_out: mtimeMs(paths.timeoutMarker) !== undefined}
    let cls = provider ? provider.classifyExit(facts) : genericClassify(facts)
    if (rc.kind === 'corrupt' && cls.state === 'success') cls = {state: 'failed', reason_code: 'process_exit_with_rc'}
    if (cls.state === 'success' && mutationCount === 0) cls = {state: 'no_op', reason_code: 'exit_0_no_mutation'}
    // the root was full when the job ended: its log (and so its telemetry) may be cut short
    if (rcRecord.kind === 'ok' && rcRecord.value.disk_full) cls = {state: 'failed', reason_code: 'disk_full'}
    if (endedByStop(stopIntent, exitCode ?? undefined)) cls = {state: 'killed', reason_code: 'stopped_by_user'}
    const completedAt = new Date(mtimeMs(paths.rc) ?? now).toISOString()
    outcome = outcomeRecord(meta, cls, reading.telemetry, startedAt ?? meta.created_at, completedAt, exitCode)
    if (rcRecord.kind === 'ok') outcome.leftover_processes = rcRecord.value.leftover
    view.telemetry = reading.telemetry
    if (ctx.act) {
      persist(() => writeOutcomeOnce(paths.outcome, outcome!))
      outcomeRead = readJsonFile<OutcomeRecord>(paths.outcome)
      if (outcomeRead.kind === 'ok' && isOutcomeRecord(outcomeRead.value)) outcome = outcomeRead.value
    }
  }

  let health: Health
  if (outcome || meta.blocked) {
    if (ctx.fullTelemetry && Object.keys(view.telemetry).length === 0) {
      view.telemetry = readTelemetry(provider, paths.log, FINAL_TAIL_BYTES).telemetry
    }
    health = deriveHealth(
      {meta: 'ok', blocked: meta.blocked ?? undefined, outcome: outcome ? {state: outcome.state, reason_code: outcome.reason_code as ReasonCode} : undefined, agentAlive, agentRecorded: true, monitorAlive, attemptStartedAt: startedMs, logBytes: log.size, lastProgressAt: now, cpuProgressing: false, mutationCount, providerRetrying: false},
      thresholds,
      now,
    )
  } else {
    const reading = readTelemetry(provider, paths.log, ctx.fullTelemetry ? FINAL_TAIL_BYTES : LIVE_TAIL_BYTES)
    view.telemetry = reading.telemetry
    const due =
      ctx.freshMutations ||
      !prevHb?.mutation_observed_at ||
      now - Date.parse(prevHb.mutation_observed_at) >= thresholds.mutationIntervalSec * 1000
    let mutationAt = prevHb?.mutation_observed_at
    if (due && (agentAlive || monitorAlive || !prevHb?.dead_since)) {
      await recount()
      mutationAt = new Date(now).toISOString()
    }
    const cpuTicks = pgid !== undefined && (agentAlive || monitorAlive) ? ctx.table.groupCpuTicks(pgid) : (prevHb?.cpu_ticks ?? 0)
    const {heartbeat, cpuProgressing} = advanceHeartbeat(
      prevHb,
      {
        log_bytes: log.size,
        log_mtime_ms: log.mtimeMs,
        cpu_ticks: cpuTicks,
        mutation_count: mutationCount,
        mutation_observed_at: mutationAt,
        tool_calls: reading.telemetry.tool_calls ?? 0,
        agent_alive: agentAlive || (!agentId && monitorAlive),
      },
      thresholds,
      now,
      startedMs,
    )
    view.cpu_time_sec = heartbeat.cpu_ticks / CLOCK_TICKS
    // agent and supervisor both gone, no rc: nobody is left to write one, whatever the heartbeat could keep
    if (!agentAlive && monitorId !== undefined && !monitorAlive) {
      const gone = now - thresholds.rcGraceSec * 1000
      if (!heartbeat.dead_since || Date.parse(heartbeat.dead_since) > gone) heartbeat.dead_since = new Date(gone).toISOString()
    }
    health = deriveHealth(
      {
        meta: 'ok',
        agentAlive,
        agentRecorded: agentId !== undefined,
        monitorAlive,
        attemptStartedAt: startedMs,
        deadSince: heartbeat.dead_since ? Date.parse(heartbeat.dead_since) : undefined,
        logBytes: log.size,
        lastProgressAt: Date.parse(heartbeat.last_progress_at),
        lastProgressKind: heartbeat.last_progress_kind,
        cpuProgressing,
        mutationCount,
        providerRetrying: reading.retrying,
      },
      thresholds,
      now,
    )
    // a stop killed the supervisor too (the agent ignored TERM): no rc, and the stop says why
    if (health.state === 'exited_err' && (health.reason_code === 'monitor_no_rc_file' || health.reason_code === 'late_finalize_no_rc') && endedByStop(stopIntent, undefined)) {
      health = {state: 'exited_err', reason_code: 'stopped_by_user'}
    }
    if (ctx.act) {
      persist(() => writeJsonAtomic(paths.heartbeat, heartbeat))
      if (agentAlive && reading.authRefused && pgid !== undefined) {
        // The CLIs retry a dead key for minutes; a refused key will not get better. End it first and
        // record after, so an interrupted observer never leaves a "failed" job running.
        await endJobProcesses(paths, 2000)
        const rcNow = readRcRecord(paths.rc)
        outcome = outcomeRecord(meta, {state: 'failed', reason_code: 'provider_auth_failed'}, reading.telemetry, startedAt ?? meta.created_at, new Date().toISOString(), rcNow.kind === 'ok' ? rcNow.value.exit_code : null)
        persist(() => writeJsonAtomic(paths.outcome, outcome!))
        health = {state: 'exited_err', reason_code: 'provider_auth_failed'}
      } else if (health.reason_code === 'monitor_no_rc_file' || health.reason_code === 'stopped_by_user') {
        const cls: OutcomeClass = health.reason_code === 'stopped_by_user' ? {state: 'killed', reason_code: 'stopped_by_user'} : {state: 'failed', reason_code: 'monitor_no_rc_file'}
        outcome = outcomeRecord(meta, cls, reading.telemetry, startedAt ?? meta.created_at, heartbeat.dead_since ?? new Date(now).toISOString(), null)
        persist(() => writeOutcomeOnce(paths.outcome, outcome!))
      }
    }
  }

  if (outcome) {
    const t = readSmallFile(paths.cputime, 4096)
    const cpu = t.kind === 'ok' ? parseTimes(t.value) : undefined
    if (cpu !== undefined) view.cpu_time_sec = Math.max(view.cpu_time_sec, cpu)
  }
  // the supervisor counts what the agent left behind after the exit status (README "Artifacts")
  if (outcome && rcRecord.kind === 'ok' && rcRecord.value.leftover > (outcome.leftover_processes ?? 0)) {
    outcome = {...outcome, leftover_processes: rcRecord.value.leftover}
  }
  view.state = health.state
  view.reason_code = health.reason_code
  view.outcome = outcome
  view.mutation_count = mutationCount
  view.exit_code = rc.kind === 'ok' ? rc.value : (outcome?.exit_code ?? null)
  view.completed_at = outcome?.completed_at ?? null
  const endMs = outcome ? Date.parse(outcome.completed_at) : now
  view.elapsed_sec = Math.max(0, Math.round((endMs - startedMs) / 1000))
  return view
}

