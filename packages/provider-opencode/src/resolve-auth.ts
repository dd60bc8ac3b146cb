import {DxError, ExitCode, Secret, type AuthResult, type ProviderContext} from '@dx-runner/provider'
import {USER_CONFIG_SETTING} from './build-launch-input.js'
import {readUserConfigs} from './user-config.js'
import {checkCredential, isOpReference, opRead, pinnedSourceMissing, sourceAllowed} from '@dx-runner/provider-utils'

/** Z.ai's OpenAI-compatible GLM coding plan endpoint. */
export const DEFAULT_BASE_URL = 'https://api.z.ai/api/coding/paas/v4'
const HELP = 'set OPENCODE_ZAI_API_KEY or ZAI_API_KEY (a value or an op:// reference)'

/** OPENCODE_ZAI_BASE_URL, or Z.ai's coding endpoint; no trailing slash. */
export function baseUrlFrom(env: NodeJS.ProcessEnv): string {
  return (env.OPENCODE_ZAI_BASE_URL?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, '')
}

/**
 * The credential, and with it what the pure buildLaunch needs of the user's own opencode setup (their
 * config files and beads-mcp, read here: this is the provider's one step before buildLaunch whose
 * result reaches it). A broken user config is a warning (stderr at start, a preflight `warn`).
 */
export async function resolveAuth(ctx: ProviderContext): Promise<AuthResult> {
  const auth = await resolveKey(ctx)
  const {user, warnings} = readUserConfigs(ctx)
  return {...auth, plainEnv: {...auth.plainEnv, [USER_CONFIG_SETTING]: JSON.stringify(user)}, ...(warnings.length ? {warnings: [...(auth.warnings ?? []), ...warnings]} : {})}
}

/**
 * OPENCODE_ZAI_API_KEY, then ZAI_API_KEY; either may be an op:// reference read with `op read`.
 * With ctx.authSource (restart) only that source is asked: an op:// reference is read as is.
 */
async function resolveKey(ctx: ProviderContext): Promise<AuthResult> {
  const done = (source: string, key: string): AuthResult => ({source, env: {ZAI_API_KEY: new Secret(key)}, plainEnv: {OPENCODE_ZAI_BASE_URL: baseUrlFrom(ctx.env)}})
  const pinned = ctx.authSource
  if (pinned && isOpReference(pinned)) return done(pinned, await opRead(pinned, ctx, HELP))
  for (const name of ['OPENCODE_ZAI_API_KEY', 'ZAI_API_KEY']) {
    const raw = ctx.env[name]
    if (raw === undefined || raw === '' || !sourceAllowed(ctx, name)) continue
    const v = raw.trim()
    return isOpReference(v) ? done(v, await opRead(v, ctx, HELP)) : done(name, checkCredential(v, name, ExitCode.authFailed, HELP))
  }
  if (pinned) throw pinnedSourceMissing('opencode', pinned)
  throw new DxError(`no credential for opencode: ${HELP}`, {exitCode: ExitCode.authFailed})
}
