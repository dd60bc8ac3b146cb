import {DxError, ExitCode, Secret, type AuthResult, type ProviderContext} from '@dx-runner/provider'

/** GEMINI_API_KEY; GOOGLE_GEMINI_BASE_URL travels with it when set (a proxy or the simulator). */
export async function resolveAuth(ctx: ProviderContext): Promise<AuthResult> {
  const key = ctx.env.GEMINI_API_KEY?.trim()
  if (!key) throw new DxError('no credential for gemini: set GEMINI_API_KEY', {exitCode: ExitCode.authFailed})
  if (/[\n\r\0]/.test(key)) throw new DxError('GEMINI_API_KEY contains a newline or NUL', {exitCode: ExitCode.authFailed})
  const plainEnv: Record<string, string> = {}
  if (ctx.env.GOOGLE_GEMINI_BASE_URL) plainEnv.GOOGLE_GEMINI_BASE_URL = ctx.env.GOOGLE_GEMINI_BASE_URL
  return {source: 'GEMINI_API_KEY', env: {GEMINI_API_KEY: new Secret(key)}, plainEnv}
}
