import type {EvidenceCommands} from '../gates/evidence-plan.js'

/** Each preflight check's policy: `error` blocks start when the check fails, `warn` only prints it. */
export type CheckPolicy = 'error' | 'warn'

/** Whether start refuses to launch without the gate's flag (--required-baseline, --feature-key). */
export type GatePolicy = 'required' | 'optional'

/**
 * A named set of start settings (README "Profiles"), read from YAML or JSON and checked against
 * PROFILE_SCHEMA. Every key is optional: what a profile leaves out comes from the config or the defaults.
 */
export interface Profile {
  $schema?: string
  description?: string
  provider?: {
    name?: string
    model?: string
    /** false: a --model other than `model` is refused (exit 1) */
    allow_model_override?: boolean
    fallback_providers?: string[]
    fallback_models?: string[]
  }
  concurrency?: {max_parallel?: number; queue_timeout_sec?: number}
  preflight?: {strict?: boolean; checks?: Record<string, CheckPolicy>}
  timeouts?: {
    max_runtime_minutes?: number
    no_mutation_timeout_minutes?: number
    stall_minutes?: number
    no_op_minutes?: number
    first_output_seconds?: number
    first_mutation_grace_seconds?: number
  }
  scope?: {allowed_paths?: string[]; mutation_budget?: number; file_budget?: number}
  gates?: {baseline?: GatePolicy; feature_key?: GatePolicy}
  /** evidence-gate's verification command per claim kind: tests, lint, build, typecheck */
  evidence?: EvidenceCommands
  /** Money and token budgets (README "Run budgets"): per job, and the total cost of the profile's jobs per UTC day. */
  budgets?: {max_cost_usd?: number; max_tokens?: number; daily_cost_usd?: number}
}

/** Where a profile was found: shipped with the CLI, under the config directory, or a file named on the command line. */
export type ProfileOrigin = 'builtin' | 'user' | 'file'

/** A profile read from its file. */
export interface LoadedProfile {
  name: string
  origin: ProfileOrigin
  file: string
  profile: Profile
}
