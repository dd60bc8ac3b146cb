import {statSync} from 'node:fs'
import type {ExitFacts, ProviderV1, Telemetry} from '@dx-runner/provider'
import {foldTelemetry} from '@dx-runner/provider-utils'
import type {Heartbeat} from '../health/heartbeat.js'
import {foldSignals, isStructuredLine, NO_SIGNALS} from '../health/provider-signals.js'
import type {Thresholds} from '../health/thresholds.js'
import {jobPhase, mutationsDue, type ObservationFacts, type TailReading} from '../health/decide-observation.js'
import {readIdentityFile, isAlive} from '../process/identity.js'
import type {JobPaths} from '../store/job-paths.js'
import {isJobMeta, isOutcomeRecord, type JobMeta, type OutcomeRecord} from '../store/job-meta.js'
import {readTailLines} from '../store/log-tail.js'
import {countMutations, type MutationSnapshot} from './mutations.js'
import {jobScope, jobScopeCheck} from '../gates/scope-gate.js'
import {bootTimeMs, type ProcessTable} from '../process/proc.js'
import {readJsonFile, readRcRecord, readSmallFile} from '../store/store.js'
import {readStopIntent} from '../store/stop-intent.js'

/** The tail we read of a live job's log to see retries and auth failures. */
const LIVE_TAIL_BYTES = 64 * 1024
/** The most of a finished job's log we parse for its telemetry. */
const FINAL_TAIL_BYTES = 8 * 1024 * 1024

export interface GatherOptions {
  table: ProcessTable
  thresholds: Thresholds
  now: number
  providerFor(name: string): ProviderV1 | undefined
  /** Count mutations now, ignoring the throttle (report, check). */
  freshMutations?: boolean
  /** Parse the whole log for telemetry (report). */
  fullTelemetry?: boolean
}

export function readTelemetry(provider: ProviderV1 | undefined, log: string, maxBytes: number): TailReading {
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

/** Children's CPU seconds from the shell's `times` output (second line: user and system of waited children). */
export function parseTimes(text: string): number | undefined {
  const line = text.split('\n')[1]
  if (!line) return undefined
  let total = 0
  for (const m of line.matchAll(/(\d+)m([\d.]+)s/g)) total += Number(m[1]) * 60 + Number(m[2])
  return Number.isFinite(total) ? total : undefined
}

/** The supervisor's `times` for the agent, in seconds. */
export function readCpuTimes(paths: JobPaths): number | undefined {
  const t = readSmallFile(paths.cputime, 4096)
  return t.kind === 'ok' ? parseTimes(t.value) : undefined
}

/**
 * Read one job's facts from disk and /proc, each file at most once and only those its phase needs (a
 * recorded job's log is not parsed; a live job's git is counted once per mutation interval).
 */
export async function gatherFacts(paths: JobPaths, o: GatherOptions): Promise<ObservationFacts> {
  const {now} = o
  const metaRead = readJsonFile<JobMeta>(paths.meta)
  const metaState = metaRead.kind === 'ok' ? (isJobMeta(metaRead.value) ? 'ok' : 'corrupt') : metaRead.kind
  const meta = metaState === 'ok' && metaRead.kind === 'ok' ? metaRead.value : undefined
  const log = logStat(paths.log)
  const agentFile = readIdentityFile(paths.pid)
  const monitorFile = readIdentityFile(paths.monitorPid)
  const agentId = agentFile.kind === 'ok' ? agentFile.identity : undefined
  const monitorId = monitorFile.kind === 'ok' ? monitorFile.identity : undefined
  const agentAlive = isAlive(agentId, o.table)
  const monitorAlive = isAlive(monitorId, o.table)
  const hbRead = readJsonFile<Heartbeat>(paths.heartbeat)
  const prevHeartbeat = hbRead.kind === 'ok' && typeof hbRead.value.attempt_started_at === 'string' ? hbRead.value : undefined
  const snapRead = readJsonFile<MutationSnapshot>(paths.mutation)
  const snapshot = snapRead.kind === 'ok' && typeof snapRead.value.started_at === 'string' ? snapRead.value : undefined
  const facts: ObservationFacts = {
    paths,
    now,
    metaState,
    meta,
    log,
    agentId,
    monitorId,
    agentAlive,
    monitorAlive,
    bootMs: agentId ? bootTimeMs() : 0,
    prevHeartbeat,
    snapshot,
    mutationCount: Math.max(snapshot?.count ?? 0, prevHeartbeat?.mutation_count ?? 0),
    mutationsCounted: false,
    rc: {kind: 'missing'},
    stopIntent: 'none',
    cpuTimesRead: false,
  }
  if (!meta) return facts

  const outcomeRead = readJsonFile<OutcomeRecord>(paths.outcome)
  facts.outcome = outcomeRead.kind === 'ok' && isOutcomeRecord(outcomeRead.value) ? outcomeRead.value : undefined
  // read after the liveness checks: a supervisor seen gone has already written its rc
  facts.rc = readRcRecord(paths.rc)
  facts.stopIntent = facts.outcome ? 'none' : readStopIntent(paths)
  const provider = o.providerFor(meta.provider)
  const phase = jobPhase(facts)

  if (phase === 'ended' || o.fullTelemetry) facts.reading = readTelemetry(provider, paths.log, FINAL_TAIL_BYTES)
  else if (phase === 'live') facts.reading = readTelemetry(provider, paths.log, LIVE_TAIL_BYTES)

  const count =
    (phase === 'ended' && provider !== undefined) ||
    (phase === 'live' && mutationsDue(prevHeartbeat, o.thresholds, now, o.freshMutations === true) && (agentAlive || monitorAlive || !prevHeartbeat?.dead_since))
  if (count) {
    facts.mutationsCounted = true
    if (snapshot) facts.mutationCount = Math.max(await countMutations(meta.worktree, snapshot), 0)
    // only a job with a scope pays for judging it, and only when its mutations are counted (throttled)
    if (jobScope(meta) && facts.mutationCount > 0) facts.scopeCheck = await jobScopeCheck(meta, snapshot)
  }

  if (phase === 'ended') {
    facts.rcMtimeMs = mtimeMs(paths.rc)
    if (provider) {
      const exit: ExitFacts = {exit_code: facts.rc.kind === 'ok' ? facts.rc.value.exit_code : -1, telemetry: facts.reading?.telemetry ?? {}, timed_out: mtimeMs(paths.timeoutMarker) !== undefined}
      facts.noMutationTimedOut = mtimeMs(paths.noMutationMarker) !== undefined
      facts.classified = provider.classifyExit(exit)
    }
  }
  // the supervisor may have died after its budget ended the agent: the marker still says why
  if (phase === 'live' && !agentAlive) facts.noMutationTimedOut = mtimeMs(paths.noMutationMarker) !== undefined
  if (phase === 'live' && monitorId !== undefined && (agentAlive || monitorAlive)) facts.groupCpuTicks = o.table.groupCpuTicks(monitorId.pid)
  if (phase === 'recorded' || facts.classified) {
    facts.cpuTimes = readCpuTimes(paths)
    facts.cpuTimesRead = true
  }
  return facts
}
