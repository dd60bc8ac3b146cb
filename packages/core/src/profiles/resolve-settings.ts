import {DxError, ExitCode} from '../errors.js'
import {DEFAULT_THRESHOLDS, parseThreshold} from '../health/thresholds.js'
import type {Profile} from './profile.js'
import type {SettingKey, Settings, SettingSource, SettingsLayer, SettingsSources} from './settings.js'

/** What a start gets when nothing sets a value. */
export const DEFAULT_SETTINGS: Settings = {
  provider: null,
  model: null,
  allow_model_override: true,
  fallback_providers: [],
  fallback_models: [],
  max_parallel: null,
  queue_timeout_sec: 300,
  max_runtime_minutes: null,
  no_mutation_timeout_minutes: null,
  first_mutation_grace_seconds: null,
  stall_minutes: DEFAULT_THRESHOLDS.stallMinutes,
  no_op_minutes: DEFAULT_THRESHOLDS.noOpMinutes,
  first_output_seconds: DEFAULT_THRESHOLDS.firstOutputSec,
  preflight_strict: false,
  preflight_checks: {},
  gates_baseline: 'optional',
  gates_feature_key: 'optional',
  allowed_paths: null,
  mutation_budget: null,
  file_budget: null,
  evidence: {},
  max_cost_usd: null,
  max_tokens: null,
  daily_cost_usd: null,
}

/** The profile's `provider.*` values, which mean something only for the provider it names. */
const PROVIDER_BOUND: readonly SettingKey[] = ['model', 'allow_model_override', 'fallback_providers', 'fallback_models']

/** `DX_RUNNER_MAX_PARALLEL_CC_GLM`: the provider's name upper-cased, `-` as `_`. */
export const maxParallelEnv = (provider: string) => `DX_RUNNER_MAX_PARALLEL_${provider.toUpperCase().replace(/-/g, '_')}`

/** The environment variables that set a start setting (the provider's name decides max_parallel's). */
export function settingEnvNames(provider: string | null): Partial<Record<SettingKey, string>> {
  return {
    provider: 'DX_RUNNER_DEFAULT_PROVIDER',
    stall_minutes: 'DX_RUNNER_STALL_MINUTES',
    no_op_minutes: 'DX_RUNNER_NO_OP_MINUTES',
    first_output_seconds: 'DX_RUNNER_FIRST_OUTPUT_SECONDS',
    queue_timeout_sec: 'DX_RUNNER_QUEUE_TIMEOUT_SEC',
    max_cost_usd: 'DX_RUNNER_MAX_COST_USD',
    max_tokens: 'DX_RUNNER_MAX_TOKENS',
    ...(provider ? {max_parallel: maxParallelEnv(provider)} : {}),
  }
}

/** A profile's values under the settings' names. Pure. */
export function profileLayer(p: Profile | undefined): SettingsLayer {
  if (!p) return {}
  const layer: Record<string, unknown> = {
    provider: p.provider?.name,
    model: p.provider?.model,
    allow_model_override: p.provider?.allow_model_override,
    fallback_providers: p.provider?.fallback_providers,
    fallback_models: p.provider?.fallback_models,
    max_parallel: p.concurrency?.max_parallel,
    queue_timeout_sec: p.concurrency?.queue_timeout_sec,
    max_runtime_minutes: p.timeouts?.max_runtime_minutes,
    no_mutation_timeout_minutes: p.timeouts?.no_mutation_timeout_minutes,
    first_mutation_grace_seconds: p.timeouts?.first_mutation_grace_seconds,
    stall_minutes: p.timeouts?.stall_minutes,
    no_op_minutes: p.timeouts?.no_op_minutes,
    first_output_seconds: p.timeouts?.first_output_seconds,
    preflight_strict: p.preflight?.strict,
    preflight_checks: p.preflight?.checks,
    gates_baseline: p.gates?.baseline,
    gates_feature_key: p.gates?.feature_key,
    allowed_paths: p.scope?.allowed_paths,
    mutation_budget: p.scope?.mutation_budget,
    file_budget: p.scope?.file_budget,
    evidence: p.evidence,
    max_cost_usd: p.budgets?.max_cost_usd,
    max_tokens: p.budgets?.max_tokens,
    daily_cost_usd: p.budgets?.daily_cost_usd,
  }
  return Object.fromEntries(Object.entries(layer).filter(([, v]) => v !== undefined)) as SettingsLayer
}

function parseEnv(key: SettingKey, name: string, raw: string): unknown {
  if (key === 'provider') return raw
  if (key === 'max_tokens') {
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1) throw new DxError(`invalid ${name} ${JSON.stringify(raw)}: expected an integer of at least 1`, {exitCode: ExitCode.general})
    return n
  }
  if (key === 'max_cost_usd') {
    const n = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new DxError(`invalid ${name} ${JSON.stringify(raw)}: expected a positive amount of USD such as 2.50`, {exitCode: ExitCode.general})
    return n
  }
  if (key === 'max_parallel') {
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1) throw new DxError(`invalid ${name} ${JSON.stringify(raw)}: expected an integer of at least 1`, {exitCode: ExitCode.general})
    return n
  }
  return parseThreshold(name, raw)
}

export interface SettingsInputs {
  /** Values given as flags (already parsed: --timeout as max_runtime_minutes). */
  flags: SettingsLayer
  env: NodeJS.ProcessEnv
  /** Variables applyConfig set from the config file: their values count as `config`, not `env`. */
  envFromConfig: ReadonlySet<string>
  profile?: Profile
  /** The config file's values for a provider (fallbacks and max_parallel are per provider). */
  config: (provider: string | null) => SettingsLayer
  defaults?: Settings
}

/**
 * Every start setting and where it came from: flag > env > profile > config > default. The provider
 * is resolved first (the other layers depend on it); DX_RUNNER_DEFAULT_PROVIDER is a default, so a
 * profile naming its provider wins over it; when a flag picks another provider, the profile's
 * provider.* values (model, fallbacks, allow_model_override) do not apply. Pure.
 */
export function resolveSettings(i: SettingsInputs): {settings: Settings; sources: SettingsSources} {
  const defaults = i.defaults ?? DEFAULT_SETTINGS
  const fromProfile = profileLayer(i.profile)
  const envValue = (key: SettingKey, provider: string | null): unknown => {
    const name = settingEnvNames(provider)[key]
    const raw = name === undefined || i.envFromConfig.has(name) ? undefined : i.env[name]
    return raw === undefined || raw === '' ? undefined : parseEnv(key, name!, raw)
  }
  const pick = (key: SettingKey, provider: string | null): [unknown, SettingSource] => {
    const layers: [SettingSource, unknown][] = [
      ['flag', i.flags[key]],
      ...(key === 'provider' ? [['profile', fromProfile[key]], ['env', envValue(key, provider)]] as [SettingSource, unknown][] : [['env', envValue(key, provider)], ['profile', fromProfile[key]]] as [SettingSource, unknown][]),
      ['config', i.config(provider)[key]],
    ]
    for (const [source, value] of layers) if (value !== undefined) return [value, source]
    return [defaults[key], 'default']
  }
  const [provider, providerSource] = pick('provider', null) as [string | null, SettingSource]
  // a profile's model and fallbacks are its provider's: a --provider naming another one leaves them out
  if (fromProfile.provider !== undefined && provider !== fromProfile.provider) {
    for (const key of PROVIDER_BOUND) delete fromProfile[key]
  }
  const settings = {provider} as Record<SettingKey, unknown>
  const sources = {provider: providerSource} as SettingsSources
  for (const key of Object.keys(defaults) as SettingKey[]) {
    if (key === 'provider') continue
    const [value, source] = pick(key, provider)
    settings[key] = value
    sources[key] = source
  }
  return {settings: settings as unknown as Settings, sources}
}
