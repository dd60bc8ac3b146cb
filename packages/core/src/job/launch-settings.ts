import type {AuthResult, ProviderV1} from '@dx-runner/provider'

/** What a job's launch took from the environment, recorded in its meta (`launch`): names and plain settings, never a credential. */
export interface LaunchRecord {
  /** Where the credential came from (AuthResult.source: a variable's name, or an op:// reference); null when the provider's answer looked like a secret. */
  auth_source: string | null
  /** The provider's settingsEnv variables that were set (non-empty) at start, with their values. */
  env: Record<string, string>
}

/** Snapshot the provider's declared settings at start; a value carrying the resolved key is never recorded. Pure. */
export function recordLaunch(provider: Pick<ProviderV1, 'settingsEnv'>, env: NodeJS.ProcessEnv, auth: AuthResult): LaunchRecord {
  const secrets = Object.values(auth.env).map((s) => s.reveal()).filter((s) => s.length > 0)
  const carriesSecret = (v: string) => secrets.some((s) => v.includes(s))
  const settings: Record<string, string> = {}
  for (const name of provider.settingsEnv ?? []) {
    const value = env[name]
    if (value === undefined || value === '' || name in auth.env || carriesSecret(value)) continue
    settings[name] = value
  }
  return {auth_source: carriesSecret(auth.source) ? null : auth.source, env: settings}
}

/**
 * The environment a relaunch (restart, watchdog) runs with: the caller's, with every variable the
 * provider declares as a setting put back as it was at start (set to the recorded value, or removed).
 * A job recorded before launch settings existed relaunches with the caller's environment. Pure.
 */
export function relaunchEnv(provider: Pick<ProviderV1, 'settingsEnv'>, callerEnv: NodeJS.ProcessEnv, launch: LaunchRecord | undefined): NodeJS.ProcessEnv {
  if (!launch) return callerEnv
  const env = {...callerEnv}
  for (const name of provider.settingsEnv ?? []) {
    const value = launch.env?.[name]
    if (typeof value === 'string') env[name] = value
    else delete env[name]
  }
  return env
}
