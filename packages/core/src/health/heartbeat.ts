import type {Thresholds} from './thresholds.js'

export type ProgressKind = 'log' | 'tool' | 'mutation' | 'cpu'

/** Last observed progress of a job, kept in <beads>.heartbeat across invocations. */
export interface Heartbeat {
  attempt_started_at: string
  observed_at: string
  log_bytes: number
  cpu_ticks: number
  /** When cpu_ticks was sampled (rates need at least a second between samples). */
  cpu_observed_at: string
  mutation_count: number
  mutation_observed_at?: string
  tool_calls: number
  last_progress_at: string
  last_progress_kind?: ProgressKind
  /** First time the agent was seen gone without an rc file. */
  dead_since?: string
}

export interface ProgressSample {
  log_bytes: number
  /** ms since epoch of the log's last write, if it has any bytes. */
  log_mtime_ms?: number
  cpu_ticks: number
  mutation_count: number
  mutation_observed_at?: string
  tool_calls: number
  agent_alive: boolean
}

export interface HeartbeatUpdate {
  heartbeat: Heartbeat
  cpuProgressing: boolean
}

const iso = (ms: number) => new Date(ms).toISOString()

/** Fold a new observation into the heartbeat. Pure. */
export function advanceHeartbeat(
  prev: Heartbeat | undefined,
  sample: ProgressSample,
  thresholds: Thresholds,
  nowMs: number,
  attemptStartedAtMs: number,
  ticksPerSecond = 100,
): HeartbeatUpdate {
  const startedAt = prev?.attempt_started_at ?? iso(attemptStartedAtMs)
  let lastMs = Math.max(Date.parse(prev?.last_progress_at ?? startedAt), Date.parse(startedAt))
  let kind = prev?.last_progress_kind
  const bump = (ms: number, k: ProgressKind) => {
    if (ms >= lastMs) {
      lastMs = ms
      kind = k
    }
  }
  if (sample.log_bytes > 0 && sample.log_mtime_ms !== undefined && sample.log_bytes !== (prev?.log_bytes ?? 0)) {
    bump(Math.min(sample.log_mtime_ms, nowMs), 'log')
  }
  if (prev && sample.tool_calls > prev.tool_calls) bump(nowMs, 'tool')
  if (sample.mutation_count > (prev?.mutation_count ?? 0)) bump(nowMs, 'mutation')

  let cpuTicks = prev?.cpu_ticks ?? sample.cpu_ticks
  let cpuAt = prev?.cpu_observed_at ?? iso(nowMs)
  let cpuProgressing = false
  if (!prev) {
    cpuTicks = sample.cpu_ticks
  } else if (sample.agent_alive) {
    const dtSec = (nowMs - Date.parse(prev.cpu_observed_at)) / 1000
    if (dtSec >= 1) {
      const ratio = (sample.cpu_ticks - prev.cpu_ticks) / ticksPerSecond / dtSec
      cpuProgressing = ratio >= thresholds.cpuProgressRatio
      if (cpuProgressing) bump(nowMs, 'cpu')
      cpuTicks = sample.cpu_ticks
      cpuAt = iso(nowMs)
    }
  }

  return {
    cpuProgressing,
    heartbeat: {
      attempt_started_at: startedAt,
      observed_at: iso(nowMs),
      log_bytes: sample.log_bytes,
      cpu_ticks: cpuTicks,
      cpu_observed_at: cpuAt,
      mutation_count: Math.max(sample.mutation_count, prev?.mutation_count ?? 0),
      mutation_observed_at: sample.mutation_observed_at ?? prev?.mutation_observed_at,
      tool_calls: Math.max(sample.tool_calls, prev?.tool_calls ?? 0),
      last_progress_at: iso(lastMs),
      last_progress_kind: kind,
      dead_since: sample.agent_alive ? undefined : (prev?.dead_since ?? iso(nowMs)),
    },
  }
}
