import {
  DxError, ExitCode, findProfile, parseDuration, resolveSettings, type LoadedProfile, type Settings, type SettingsLayer, type SettingsSources,
} from '@dx-runner/core'
import {envFromConfig, getConfig, type DxConfig} from './config.js'
import {profileDirs} from './profile-dirs.js'

/** The flags of start (and `profiles show`) that set a start setting. */
export interface SettingFlags {
  profile?: string
  provider?: string
  model?: string
  timeout?: string
  'fallback-provider'?: string
  'fallback-model'?: string
  'max-parallel'?: string
  'queue-timeout'?: string
  'no-mutation-timeout'?: string
  'first-mutation-grace'?: string
  'max-cost-usd'?: string
  'max-tokens'?: string
}

export interface StartSettings {
  profile?: LoadedProfile
  settings: Settings
  sources: SettingsSources
}

const splitList = (v: string): string[] => v.split(',').map((n) => n.trim()).filter(Boolean)

function positiveInteger(name: string, raw: string): number {
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isInteger(n) || n < 1) throw new DxError(`invalid ${name} ${JSON.stringify(raw)}: expected an integer of at least 1`, {exitCode: ExitCode.general})
  return n
}

function seconds(name: string, raw: string): number {
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new DxError(`invalid ${name} ${JSON.stringify(raw)}: expected a non-negative number of seconds`, {exitCode: ExitCode.general})
  return n
}

function costUsd(name: string, raw: string): number {
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new DxError(`invalid ${name} ${JSON.stringify(raw)}: expected a positive amount of USD such as 2.50`, {exitCode: ExitCode.general})
  return n
}

/** The flags as a settings layer (--timeout in minutes, lists split). Pure. */
export function flagLayer(flags: SettingFlags): SettingsLayer {
  const layer: SettingsLayer = {}
  if (flags.provider !== undefined) layer.provider = flags.provider
  if (flags.model !== undefined) layer.model = flags.model
  if (flags.timeout !== undefined) layer.max_runtime_minutes = parseDuration('--timeout', flags.timeout) / 60
  if (flags['fallback-provider'] !== undefined) layer.fallback_providers = splitList(flags['fallback-provider'])
  if (flags['fallback-model'] !== undefined) layer.fallback_models = splitList(flags['fallback-model'])
  if (flags['max-parallel'] !== undefined) layer.max_parallel = positiveInteger('--max-parallel', flags['max-parallel'])
  if (flags['queue-timeout'] !== undefined) layer.queue_timeout_sec = seconds('--queue-timeout', flags['queue-timeout'])
  if (flags['no-mutation-timeout'] !== undefined) layer.no_mutation_timeout_minutes = parseDuration('--no-mutation-timeout', flags['no-mutation-timeout']) / 60
  if (flags['first-mutation-grace'] !== undefined) layer.first_mutation_grace_seconds = parseDuration('--first-mutation-grace', flags['first-mutation-grace'])
  if (flags['max-cost-usd'] !== undefined) layer.max_cost_usd = costUsd('--max-cost-usd', flags['max-cost-usd'])
  if (flags['max-tokens'] !== undefined) layer.max_tokens = positiveInteger('--max-tokens', flags['max-tokens'])
  return layer
}

/** The config file's values for one provider, as a settings layer. Pure. */
export function configLayer(config: DxConfig, provider: string | null): SettingsLayer {
  const layer: SettingsLayer = {}
  if (config.default_provider !== undefined) layer.provider = config.default_provider
  const t = config.thresholds ?? {}
  if (t.stall_minutes !== undefined) layer.stall_minutes = t.stall_minutes
  if (t.no_op_minutes !== undefined) layer.no_op_minutes = t.no_op_minutes
  if (t.first_output_seconds !== undefined) layer.first_output_seconds = t.first_output_seconds
  if (config.queue_timeout_sec !== undefined) layer.queue_timeout_sec = config.queue_timeout_sec
  if (config.evidence !== undefined) layer.evidence = config.evidence
  if (provider !== null) {
    if (config.fallback_providers?.[provider] !== undefined) layer.fallback_providers = config.fallback_providers[provider]
    if (config.fallback_models?.[provider] !== undefined) layer.fallback_models = config.fallback_models[provider]
    if (config.max_parallel?.[provider] !== undefined) layer.max_parallel = config.max_parallel[provider]
  }
  return layer
}

/**
 * What a start with these flags gets, and from where: the profile (--profile, else DX_RUNNER_PROFILE)
 * is read, then flag > env > profile > config > default. The config's values are read from the
 * config itself, so a variable applyConfig filled in from it counts as `config`.
 */
export async function startSettings(flags: SettingFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<StartSettings> {
  const ref = flags.profile ?? (env.DX_RUNNER_PROFILE || undefined)
  const profile = ref === undefined ? undefined : await findProfile(ref, profileDirs(env), cwd)
  const config = getConfig()
  const {settings, sources} = resolveSettings({
    flags: flagLayer(flags),
    env,
    envFromConfig: envFromConfig(),
    profile: profile?.profile,
    config: (provider) => configLayer(config, provider),
  })
  return {profile, settings, sources}
}

/** A profile may only name an installed provider: exit 20 naming the file and the key. */
export function checkProfileProvider(profile: LoadedProfile | undefined, installed: (name: string) => boolean, known: () => string[]): void {
  const name = profile?.profile.provider?.name
  if (profile && name !== undefined && !installed(name)) {
    throw new DxError(`profile ${profile.file}: provider.name: unknown provider '${name}' (installed: ${known().join(', ') || 'none'})`, {exitCode: ExitCode.providerNotFound})
  }
}
