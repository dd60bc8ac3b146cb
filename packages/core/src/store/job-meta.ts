import type {LaunchRecord} from '../job/launch-settings.js'
import type {Settings, SettingsSources} from '../profiles/settings.js'
import type {QueueRecord} from '../queue/queued-job.js'

/** <provider>/<beads>/meta: what the job is. Written once at start; restart changes only `retries` (and `blocked` via the watchdog). */
export interface JobMeta {
  schema_version: 1
  beads: string
  provider: string
  worktree: string
  repo: string | null
  prompt_file: string
  model: string | null
  selected_model: string
  fallback_reason: string
  execution_mode: 'detached' | 'pty-detached'
  retries: number
  created_at: string
  timeout_sec: number | null
  /** Run budget: end the job if it has changed nothing in its worktree this long after its attempt started (plus the grace). */
  no_mutation_timeout_sec?: number | null
  /** Run budget: seconds added to no_mutation_timeout_sec before the judgement. */
  first_mutation_grace_sec?: number | null
  /** Run budget: end the job once the cost the agent reported passes this many USD (start --max-cost-usd). */
  max_cost_usd?: number | null
  /** Run budget: end the job once the tokens (input + output) the agent reported pass this many (start --max-tokens). */
  max_tokens?: number | null
  blocked?: {reason_code: string; at: string} | null
  /** The launch settings start took from its environment, re-used by restart and the watchdog (absent in metas written before them). */
  launch?: LaunchRecord
  /** The profile start was given (`--profile`): its name and file; null without one. */
  profile?: {name: string; file: string | null} | null
  /** Every start setting as resolved (README "Profiles"); restart and the watchdog reuse them, and observers judge the job by its thresholds. */
  settings?: Settings
  /** Where each of `settings` came from: flag, env, profile, config or default. */
  settings_sources?: SettingsSources
  /** What a job submitted with `start --queue` into a full provider was queued under (README "Concurrency"); absent when it launched at once. */
  queue?: QueueRecord | null
}

/** <provider>/<beads>/contract: what the job promised. */
export interface JobContract {
  worktree: string
  required_baseline: string | null
  feature_key: string | null
  timeout_sec: number | null
}

/** <provider>/<beads>/outcome: the normalized telemetry every provider reports. */
export interface OutcomeRecord {
  provider: string
  selected_model: string
  reason_code: string
  fallback_reason: string
  state: 'success' | 'failed' | 'killed' | 'no_op'
  execution_mode: string
  started_at: string
  completed_at: string
  exit_code: number | null
  input_tokens?: number
  output_tokens?: number
  cost_usd?: number
  tool_calls?: number
  session_id?: string
  /** Processes the agent left behind when it exited, which the supervisor ended (README "Artifacts"). */
  leftover_processes?: number
  /** Written by `finalize`: an operator ended the job's record by hand, at `finalized_at`. */
  finalized_by?: 'operator'
  finalized_at?: string
}

export function isJobMeta(v: unknown): v is JobMeta {
  if (typeof v !== 'object' || v === null) return false
  const m = v as Record<string, unknown>
  return (
    typeof m.beads === 'string' &&
    typeof m.provider === 'string' &&
    typeof m.worktree === 'string' &&
    typeof m.prompt_file === 'string' &&
    typeof m.selected_model === 'string' &&
    typeof m.retries === 'number' &&
    Number.isInteger(m.retries) &&
    m.retries >= 0 &&
    typeof m.created_at === 'string' &&
    !Number.isNaN(Date.parse(m.created_at))
  )
}

const OUTCOME_STATES = new Set(['success', 'failed', 'killed', 'no_op'])

export function isOutcomeRecord(v: unknown): v is OutcomeRecord {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return typeof o.reason_code === 'string' && typeof o.state === 'string' && OUTCOME_STATES.has(o.state)
}
