import {type PreflightCheck, type PreflightReport, type ProviderContext} from '@dx-runner/provider'
import {authCheck, binaryCheck, findExecutable} from '@dx-runner/provider-utils'
import {baseUrlFrom, isHttpUrl} from './base-url.js'
import {endpointCheck} from './endpoint-check.js'
import {resolveAuth} from './resolve-auth.js'

export function findClaude(path: string | undefined): string | undefined {
  return findExecutable('claude', path)
}

/** claude present and answering --version, a resolvable credential, an endpoint that takes it, the model policy. */
export async function preflight(ctx: ProviderContext): Promise<PreflightReport> {
  const checks: PreflightCheck[] = []
  let reason: string | undefined
  checks.push(await binaryCheck('claude', findClaude(ctx.env.PATH), ctx, {install: 'npm i -g @anthropic-ai/claude-code'}))
  const auth = await authCheck(() => resolveAuth(ctx))
  checks.push(auth.check, ...auth.warnings)
  if (!auth.auth) reason = 'provider_auth_failed'
  const url = baseUrlFrom(ctx.env)
  const usable = isHttpUrl(url)
  checks.push(usable ? {name: 'base URL', status: 'ok', detail: url} : {name: 'base URL', status: 'fail', detail: `CC_GLM_BASE_URL ${JSON.stringify(url)} is not an http(s) URL`})
  if (usable && auth.auth) {
    const endpoint = await endpointCheck(url, auth.auth, ctx)
    checks.push(endpoint)
    if (endpoint.status === 'fail') reason = 'provider_auth_failed'
  }
  checks.push({name: 'model', status: 'ok', detail: 'default glm-5 (any model the endpoint serves may be given with --model)'})
  const passed = checks.every((c) => c.status !== 'fail')
  return {provider: 'cc-glm', passed, checks, ...(passed || !reason ? {} : {reason_code: reason})}
}
