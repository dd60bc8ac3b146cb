import type {AuthResult} from '@dx-runner/provider'
import type {UserConfigs} from './merge-config.js'

/** The AuthResult.plainEnv entry that carries the user's opencode setup (JSON of UserConfigs) from resolveAuth to buildLaunch. */
export const USER_CONFIG_SETTING = 'DX_RUNNER_OPENCODE_USER_CONFIG'

/** The user's setup resolveAuth read; none (a hand-made AuthResult, a garbled entry) → an empty one. Pure. */
export function userConfigsOf(auth: AuthResult): UserConfigs {
  const raw = auth.plainEnv?.[USER_CONFIG_SETTING]
  try {
    const u = raw ? (JSON.parse(raw) as UserConfigs) : undefined
    if (u && Array.isArray(u.layers) && Array.isArray(u.broken)) return u
  } catch {
    // fall through: dx-runner's config alone
  }
  return {layers: [], broken: []}
}
