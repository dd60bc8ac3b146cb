import {type PreflightCheck, type PreflightReport, type ProviderContext} from '@dx-runner/provider'
import {authCheck, binaryCheck, findExecutable} from '@dx-runner/provider-utils'
import {resolveAuth} from './resolve-auth.js'

/** gemini present and answering --version, a key, an endpoint. */
export async function preflight(ctx: ProviderContext): Promise<PreflightReport> {
  const checks: PreflightCheck[] = []
  let reason: string | undefined
  // gemini creates ~/.gemini on any run: ask its version from a throwaway HOME, not the user's
  checks.push(await binaryCheck('gemini', findExecutable('gemini', ctx.env.PATH), ctx, {install: 'npm i -g @google/gemini-cli', isolatedEnv: (home) => ({...ctx.env, HOME: home, NO_COLOR: '1'})}))
  const auth = await authCheck(() => resolveAuth(ctx))
  checks.push(auth.check)
  if (!auth.auth) reason = 'provider_auth_failed'
  checks.push({name: 'endpoint', status: 'ok', detail: ctx.env.GOOGLE_GEMINI_BASE_URL || 'Gemini API default'})
  const passed = checks.every((c) => c.status !== 'fail')
  return {provider: 'gemini', passed, checks, ...(passed || !reason ? {} : {reason_code: reason})}
}
