import {checkCredential, DxError, ExitCode, isOpReference, opRead, Secret, type AuthResult, type ProviderContext} from '@dx-runner/core'

/** Z.ai's OpenAI-compatible GLM coding plan endpoint. */
export const DEFAULT_BASE_URL = 'https://api.z.ai/api/coding/paas/v4'
const HELP = 'set OPENCODE_ZAI_API_KEY or ZAI_API_KEY (a value or an op:// reference)'

/** OPENCODE_ZAI_BASE_URL, or Z.ai's coding endpoint; no trailing slash. */
export function baseUrlFrom(env: NodeJS.ProcessEnv): string {
  return (env.OPENCODE_ZAI_BASE_URL?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, '')
}

/** OPENCODE_ZAI_API_KEY, then ZAI_API_KEY; either may be an op:// reference read with `op read`. */
export async function resolveAuth(ctx: ProviderContext): Promise<AuthResult> {
  for (const name of ['OPENCODE_ZAI_API_KEY', 'ZAI_API_KEY']) {
    const raw = ctx.env[name]
    if (raw === undefined || raw === '') continue
    const v = raw.trim()
    const key = isOpReference(v) ? await opRead(v, ctx, HELP) : checkCredential(v, name, ExitCode.authFailed, HELP)
    return {source: isOpReference(v) ? v : name, env: {ZAI_API_KEY: new Secret(key)}, plainEnv: {OPENCODE_ZAI_BASE_URL: baseUrlFrom(ctx.env)}}
  }
  throw new DxError(`no credential for opencode: ${HELP}`, {exitCode: ExitCode.authFailed})
}
