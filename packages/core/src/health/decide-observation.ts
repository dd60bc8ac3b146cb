import type {OutcomeClass, ReasonCode, Telemetry} from '@dx-runner/provider'
import type {JobMeta, OutcomeRecord} from '../store/job-meta.js'
import type {JobPaths} from '../store/job-paths.js'
import type {MutationSnapshot} from '../job/mutations.js'
import type {ProcessIdentity} from '../process/identity.js'
import {CLOCK_TICKS} from '../process/proc.js'
import {endedByStop, type StopIntent} from '../store/stop-intent.js'
import type {ReadResult, RcRecord} from '../store/store.js'
import type {ObserverPowers} from '../job/observers.js'
import {advanceHeartbeat, type Heartbeat} from './heartbeat.js'
import {deriveHealth, type Health} from './derive-health.js'
import type {ProviderSignals} from './provider-signals.js'
import type {Thresholds} from './thresholds.js'
import {overNoMutationBudget} from './run-budgets.js'
import {budgetPassed, budgetUsage} from './cost-budget.js'
import type {GateResult} from '../gates/gate-result.js'
import {brokeScope, scopeViolationRecord, type ScopeViolationRecord} from './scope-violation.js'

/** What the log told us: telemetry for the outcome, signals for a live job. */
export interface TailReading extends ProviderSignals {
  telemetry: Telemetry
}

/** Everything one observation of a job knows, read from disk and /proc (job/observe-facts.ts). */
export interface ObservationFacts {
  paths: JobPaths
  /** ms since epoch: the instant of this observation. */
  now: number
  metaState: 'ok' | 'missing' | 'corrupt'
  meta?: JobMeta
  log: {size: number; mtimeMs?: number}
  agentId?: ProcessIdentity
  monitorId?: ProcessIdentity
  agentAlive: boolean
  monitorAlive: boolean
  /** When the machine booted (ms since epoch; 0 unknown), for the agent's age. */
  bootMs: number
  prevHeartbeat?: Heartbeat
  snapshot?: MutationSnapshot
  /** The job's mutation count: counted now (`mutationsCounted`) or as last recorded. */
  mutationCount: number
  /** Mutations were counted in this observation (they were due, or the job just ended). */
  mutationsCounted: boolean
  /** The outcome already on disk. */
  outcome?: OutcomeRecord
  rc: ReadResult<RcRecord>
  stopIntent: StopIntent
  /** When the rc file was written (ms), read only for a job that ended and has no outcome yet. */
  rcMtimeMs?: number
  /** The supervisor's no-mutation budget ended this attempt (its marker is there), read for an ended job and a live one whose agent is gone. */
  noMutationTimedOut?: boolean
  /** The provider's classification of an ended, unclassified job; undefined when its provider is not installed. */
  classified?: OutcomeClass
  /** The log, when this observation needs it (an ended job's whole log, a live job's tail). */
  reading?: TailReading
  /** CPU ticks of the job's process group now, read for a live job only. */
  groupCpuTicks?: number
  /** Children's CPU seconds from the supervisor's `cputime`, read once the job has an outcome. */
  cpuTimes?: number
  /** The job's scope judged now (a profile `scope` in its meta), taken whenever its mutations are counted. */
  scopeCheck?: GateResult
  /** Whether `cputime` was read (a live job whose outcome this observation records reads it after acting). */
  cpuTimesRead: boolean
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

/** What an observation changes, applied in order by job/apply-observation.ts. */
export type ObservationAction =
  | {do: 'record_mutations'; snapshot: MutationSnapshot}
  | {do: 'record_heartbeat'; heartbeat: Heartbeat}
  /** Create the outcome unless one exists (a stop's `killed` written meanwhile wins); `adopt`: the view follows whichever is on disk after. */
  | {do: 'record_outcome'; outcome: OutcomeRecord; adopt: boolean}
  /** End the job's processes first, then record this outcome with the exit status and time as they are then. */
  | {do: 'end_refused_job'; outcome: OutcomeRecord}
  /** Write the job's `scope-violation` artifact (what it broke), before it is ended. */
  | {do: 'record_scope_violation'; record: ScopeViolationRecord}

export interface ObservationDecision {
  /** The job as it reads once the actions are done. */
  view: JobView
  actions: ObservationAction[]
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

const iso = (ms: number) => new Date(ms).toISOString()

/** When this attempt began, from what the job recorded. */
export function attemptStartedAt(f: Pick<ObservationFacts, 'prevHeartbeat' | 'snapshot' | 'meta'>): string | null {
  return f.prevHeartbeat?.attempt_started_at ?? f.snapshot?.started_at ?? f.meta?.created_at ?? null
}

/** A live job's mutations are counted at most once per mutation interval (report and check count now). */
export function mutationsDue(prev: Heartbeat | undefined, thresholds: Thresholds, now: number, fresh: boolean): boolean {
  return fresh || !prev?.mutation_observed_at || now - Date.parse(prev.mutation_observed_at) >= thresholds.mutationIntervalSec * 1000
}

/** The phase an observation finds a job in, from what is on disk; it decides what else is read. */
export function jobPhase(f: {meta?: JobMeta; outcome?: OutcomeRecord; rc: ReadResult<RcRecord>}): 'no_meta' | 'recorded' | 'ended' | 'blocked' | 'live' {
  if (!f.meta) return 'no_meta'
  if (f.outcome) return 'recorded'
  if (f.rc.kind !== 'missing') return 'ended'
  return f.meta.blocked ? 'blocked' : 'live'
}

function pidAge(id: ProcessIdentity | undefined, bootMs: number, now: number): number | null {
  if (!id || !bootMs) return null
  return Math.max(0, Math.round((now - (bootMs + (id.starttime / CLOCK_TICKS) * 1000)) / 1000))
}

/** An ended job's class from the provider's, corrected by what only core knows. Pure. */
export function finalClass(provider: OutcomeClass, f: Pick<ObservationFacts, 'rc' | 'mutationCount' | 'stopIntent' | 'noMutationTimedOut' | 'scopeCheck' | 'meta' | 'reading'>): OutcomeClass {
  let cls = provider
  if (f.rc.kind === 'corrupt' && cls.state === 'success') cls = {state: 'failed', reason_code: 'process_exit_with_rc'}
  if (cls.state === 'success' && f.mutationCount === 0) cls = {state: 'no_op', reason_code: 'exit_0_no_mutation'}
  // the root was full when the job ended: its log (and so its telemetry) may be cut short
  if (f.rc.kind === 'ok' && f.rc.value.disk_full) cls = {state: 'failed', reason_code: 'disk_full'}
  // its run budget ended it: it had changed nothing in its worktree by the deadline (README "Run budgets")
  if (f.noMutationTimedOut) cls = {state: 'failed', reason_code: 'no_mutation_timeout'}
  // it finished over its money or token budget (README "Run budgets"): its usage as the agent reported it
  if (f.meta && budgetPassed(f.meta, budgetUsage(f.reading?.telemetry ?? {}))) cls = {state: 'failed', reason_code: 'budget_exceeded'}
  // it left changes outside its scope (README "Scope"), even if it ended before an observer saw them
  if (brokeScope(f.scopeCheck)) cls = {state: 'failed', reason_code: 'scope_violation'}
  if (endedByStop(f.stopIntent, f.rc.kind === 'ok' ? f.rc.value.exit_code : undefined)) cls = {state: 'killed', reason_code: 'stopped_by_user'}
  return cls
}

/** The fields of a view that follow from its outcome (or its absence). Pure. */
export function withOutcome(view: JobView, f: ObservationFacts, outcome: OutcomeRecord | undefined, cpuTimes: number | undefined): JobView {
  const v = {...view}
  if (outcome && cpuTimes !== undefined) v.cpu_time_sec = Math.max(v.cpu_time_sec, cpuTimes)
  // the supervisor counts what the agent left behind after the exit status (README "Artifacts")
  if (outcome && f.rc.kind === 'ok' && f.rc.value.leftover > (outcome.leftover_processes ?? 0)) {
    outcome = {...outcome, leftover_processes: f.rc.value.leftover}
  }
  v.outcome = outcome
  v.exit_code = f.rc.kind === 'ok' ? f.rc.value.exit_code : (outcome?.exit_code ?? null)
  // ended but not classified (provider not installed): it ended when its rc was written
  v.completed_at = outcome?.completed_at ?? (f.rc.kind !== 'missing' && f.rcMtimeMs !== undefined ? iso(f.rcMtimeMs) : null)
  const startedMs = v.started_at ? Date.parse(v.started_at) : f.now
  const endMs = v.completed_at ? Date.parse(v.completed_at) : f.now
  v.elapsed_sec = Math.max(0, Math.round((endMs - startedMs) / 1000))
  return v
}

/**
 * facts → the job's view and what to change on disk. Pure; table-tested. `may` is what the observing
 * command is allowed to change (job/observers.ts); with nothing allowed, no action is returned and the
 * view is what the job reads as without them.
 */
export function decideObservation(f: ObservationFacts, o: {thresholds: Thresholds; may: ObserverPowers}): ObservationDecision {
  const {now} = f
  const {thresholds, may} = o
  const startedAt = attemptStartedAt(f)
  const startedMs = startedAt ? Date.parse(startedAt) : now
  const telemetry = f.reading?.telemetry ?? {}
  const base: JobView = {
    beads: f.paths.beads,
    provider: f.paths.provider,
    paths: f.paths,
    meta: f.meta,
    state: 'missing',
    reason_code: 'no_metadata',
    pid: f.agentId?.pid ?? null,
    agentAlive: f.agentAlive,
    monitorAlive: f.monitorAlive,
    started_at: startedAt,
    completed_at: null,
    elapsed_sec: 0,
    log_bytes: f.log.size,
    mutation_count: f.mutationCount,
    retry_count: f.meta?.retries ?? 0,
    exit_code: null,
    cpu_time_sec: (f.prevHeartbeat?.cpu_ticks ?? 0) / CLOCK_TICKS,
    pid_age_sec: pidAge(f.agentId, f.bootMs, now),
    telemetry,
  }
  const meta = f.meta
  if (!meta) {
    const h = deriveHealth(
      {meta: f.metaState === 'missing' ? 'missing' : 'corrupt', agentAlive: f.agentAlive, agentRecorded: true, monitorAlive: f.monitorAlive, attemptStartedAt: now, logBytes: 0, lastProgressAt: now, cpuProgressing: false, mutationCount: 0, providerRetrying: false},
      thresholds,
      now,
    )
    return {view: {...base, ...h}, actions: []}
  }

  const actions: ObservationAction[] = []
  if (may.record && f.mutationsCounted && f.snapshot) {
    actions.push({do: 'record_mutations', snapshot: {...f.snapshot, count: f.mutationCount, observed_at: iso(now)}})
  }
  let outcome = f.outcome
  let health: Health
  let view = base
  const phase = jobPhase(f)

  // start --queue: recorded and waiting for a slot, nothing launched yet (README "Concurrency")
  if (phase === 'live' && meta.queue && !f.agentId && !f.monitorId) {
    return {view: withOutcome({...view, state: 'queued', reason_code: 'queued', started_at: null}, f, undefined, undefined), actions}
  }

  // Ended but not yet classified: classify once, from the whole log, and record it.
  if (phase === 'ended' && f.classified) {
    const exitCode = f.rc.kind === 'ok' ? f.rc.value.exit_code : null
    outcome = outcomeRecord(meta, finalClass(f.classified, f), telemetry, startedAt ?? meta.created_at, iso(f.rcMtimeMs ?? now), exitCode)
    if (f.rc.kind === 'ok') outcome.leftover_processes = f.rc.value.leftover
    if (may.record && brokeScope(f.scopeCheck) && outcome.reason_code === 'scope_violation') actions.push({do: 'record_scope_violation', record: scopeViolationRecord(f.scopeCheck, now)})
    if (may.record) actions.push({do: 'record_outcome', outcome, adopt: true})
  }

  if (outcome || meta.blocked) {
    health = deriveHealth(
      {meta: 'ok', blocked: meta.blocked ?? undefined, outcome: outcome ? {state: outcome.state, reason_code: outcome.reason_code as ReasonCode} : undefined, agentAlive: f.agentAlive, agentRecorded: true, monitorAlive: f.monitorAlive, attemptStartedAt: startedMs, logBytes: f.log.size, lastProgressAt: now, cpuProgressing: false, mutationCount: f.mutationCount, providerRetrying: false},
      thresholds,
      now,
    )
  } else if (phase === 'ended') {
    // Its provider is not installed: nothing can classify it, so nothing is recorded until it is back,
    // and an exit status alone cannot vouch for success (an agent may report its error and exit 0).
    health = {state: 'exited_err', reason_code: 'provider_not_installed'}
  } else {
    const live = decideLive(f, meta, startedAt, startedMs, thresholds, may)
    health = live.health
    outcome = live.outcome
    actions.push(...live.actions)
    view = {...view, cpu_time_sec: live.heartbeat.cpu_ticks / CLOCK_TICKS}
  }
  view = withOutcome({...view, state: health.state, reason_code: health.reason_code}, f, outcome, f.cpuTimes)
  return {view, actions}
}

/** A job with no exit status yet: fold this observation into its heartbeat and see what it is doing. */
function decideLive(f: ObservationFacts, meta: JobMeta, startedAt: string | null, startedMs: number, thresholds: Thresholds, may: ObserverPowers) {
  const {now} = f
  const reading = f.reading ?? {telemetry: {}, retrying: false, authRefused: false}
  const actions: ObservationAction[] = []
  let outcome: OutcomeRecord | undefined
  const {heartbeat, cpuProgressing} = advanceHeartbeat(
    f.prevHeartbeat,
    {
      log_bytes: f.log.size,
      log_mtime_ms: f.log.mtimeMs,
      cpu_ticks: f.groupCpuTicks ?? f.prevHeartbeat?.cpu_ticks ?? 0,
      mutation_count: f.mutationCount,
      mutation_observed_at: f.mutationsCounted ? iso(now) : f.prevHeartbeat?.mutation_observed_at,
      tool_calls: reading.telemetry.tool_calls ?? 0,
      agent_alive: f.agentAlive || (!f.agentId && f.monitorAlive),
    },
    thresholds,
    now,
    startedMs,
  )
  // agent and supervisor both gone, no rc: nobody is left to write one, whatever the heartbeat could keep
  if (!f.agentAlive && f.monitorId !== undefined && !f.monitorAlive) {
    const gone = now - thresholds.rcGraceSec * 1000
    if (!heartbeat.dead_since || Date.parse(heartbeat.dead_since) > gone) heartbeat.dead_since = iso(gone)
  }
  let health = deriveHealth(
    {
      meta: 'ok',
      agentAlive: f.agentAlive,
      agentRecorded: f.agentId !== undefined,
      monitorAlive: f.monitorAlive,
      attemptStartedAt: startedMs,
      deadSince: heartbeat.dead_since ? Date.parse(heartbeat.dead_since) : undefined,
      logBytes: f.log.size,
      lastProgressAt: Date.parse(heartbeat.last_progress_at),
      lastProgressKind: heartbeat.last_progress_kind,
      cpuProgressing,
      mutationCount: f.mutationCount,
      providerRetrying: reading.retrying,
    },
    thresholds,
    now,
  )
  // a stop killed the supervisor too (the agent ignored TERM): no rc, and the stop says why
  if (health.state === 'exited_err' && (health.reason_code === 'monitor_no_rc_file' || health.reason_code === 'late_finalize_no_rc') && endedByStop(f.stopIntent, undefined)) {
    health = {state: 'exited_err', reason_code: 'stopped_by_user'}
  }
  // its no-mutation budget ended it, but its supervisor died before writing rc: the marker says why
  if (health.reason_code === 'monitor_no_rc_file' && f.noMutationTimedOut) health = {state: 'exited_err', reason_code: 'no_mutation_timeout'}
  if (may.record) actions.push({do: 'record_heartbeat', heartbeat})
  if (may.endRefused && f.agentAlive && reading.authRefused && f.monitorId !== undefined) {
    // The CLIs retry a dead key for minutes; a refused key will not get better. End it first and
    // record after, so an interrupted observer never leaves a "failed" job running.
    outcome = outcomeRecord(meta, {state: 'failed', reason_code: 'provider_auth_failed'}, reading.telemetry, startedAt ?? meta.created_at, iso(now), null)
    actions.push({do: 'end_refused_job', outcome})
    health = {state: 'exited_err', reason_code: 'provider_auth_failed'}
  } else if (may.endRefused && brokeScope(f.scopeCheck) && f.monitorId !== undefined && (f.agentAlive || f.monitorAlive)) {
    // it changed a path outside its scope or went over a scope budget: ended at once (README "Scope")
    outcome = outcomeRecord(meta, {state: 'failed', reason_code: 'scope_violation'}, reading.telemetry, startedAt ?? meta.created_at, iso(now), null)
    actions.push({do: 'record_scope_violation', record: scopeViolationRecord(f.scopeCheck, now)}, {do: 'end_refused_job', outcome})
    health = {state: 'exited_err', reason_code: 'scope_violation'}
  } else if (may.endRefused && f.agentAlive && f.monitorId !== undefined && budgetPassed(meta, budgetUsage(reading.telemetry))) {
    // the agent reported usage past its money or token budget: ended at once, group and all (README "Run budgets")
    outcome = outcomeRecord(meta, {state: 'failed', reason_code: 'budget_exceeded'}, reading.telemetry, startedAt ?? meta.created_at, iso(now), null)
    actions.push({do: 'end_refused_job', outcome})
    health = {state: 'exited_err', reason_code: 'budget_exceeded'}
  } else if (may.endRefused && overNoMutationBudget(meta, {now, startedMs, agentAlive: f.agentAlive, monitorAlive: f.monitorAlive, groupRecorded: f.monitorId !== undefined, mutationsCounted: f.mutationsCounted, mutationCounts: [f.mutationCount, f.snapshot?.count ?? 0, f.prevHeartbeat?.mutation_count ?? 0]})) {
    // its supervisor, which enforces the budget, is gone: the observer does it (README "Run budgets")
    outcome = outcomeRecord(meta, {state: 'failed', reason_code: 'no_mutation_timeout'}, reading.telemetry, startedAt ?? meta.created_at, iso(now), null)
    actions.push({do: 'end_refused_job', outcome})
    health = {state: 'exited_err', reason_code: 'no_mutation_timeout'}
  } else if (may.record && (health.reason_code === 'monitor_no_rc_file' || health.reason_code === 'stopped_by_user' || (health.reason_code === 'no_mutation_timeout' && !f.agentAlive))) {
    const cls: OutcomeClass = health.reason_code === 'stopped_by_user' ? {state: 'killed', reason_code: 'stopped_by_user'} : {state: 'failed', reason_code: health.reason_code}
    outcome = outcomeRecord(meta, cls, reading.telemetry, startedAt ?? meta.created_at, heartbeat.dead_since ?? iso(now), null)
    actions.push({do: 'record_outcome', outcome, adopt: false})
  }
  return {health, outcome, actions, heartbeat}
}
