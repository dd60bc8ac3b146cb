import type {EvidenceCommands} from '../gates/evidence-plan.js'
import type {CheckPolicy, GatePolicy} from './profile.js'

/** Where a resolved start setting came from, strongest first. */
export const SETTING_SOURCES = ['flag', 'env', 'profile', 'config', 'default'] as const
export type SettingSource = (typeof SETTING_SOURCES)[number]

/** Every value a start resolves (README "Profiles"), recorded in the job's meta as `settings`; names as in the profile file. */
export interface Settings {
  provider: string | null
  model: string | null
  allow_model_override: boolean
  fallback_providers: string[]
  fallback_models: string[]
  max_parallel: number | null
  queue_timeout_sec: number
  max_runtime_minutes: number | null
  no_mutation_timeout_minutes: number | null
  first_mutation_grace_seconds: number | null
  stall_minutes: number
  no_op_minutes: number
  first_output_seconds: number
  preflight_strict: boolean
  preflight_checks: Record<string, CheckPolicy>
  gates_baseline: GatePolicy
  gates_feature_key: GatePolicy
  allowed_paths: string[] | null
  mutation_budget: number | null
  file_budget: number | null
  /** evidence-gate's verification command per claim kind (README "Evidence gate") */
  evidence: EvidenceCommands
  /** Run budgets in money and tokens (README "Run budgets"): per job, and the profile's jobs' cost per UTC day. */
  max_cost_usd: number | null
  max_tokens: number | null
  daily_cost_usd: number | null
}

export type SettingKey = keyof Settings
export type SettingsSources = Record<SettingKey, SettingSource>

/** The values one layer (flags, config) gives; what it leaves out comes from the layers below. */
export type SettingsLayer = Partial<Settings>
