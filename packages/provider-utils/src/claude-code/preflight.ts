import type {AuthResult, PreflightCheck, PreflightReport, ProviderContext} from '@dx-runner/provider'
import {authCheck} from '../auth-check.js'
import {binaryCheck} from '../binary-check.js'
import {findExecutable} from '../find-executable.js'
import {isHttpUrl} from '../is-http-url.js'
import {claudeEndpointCheck, type ClaudeEndpointOptions} from './endpoint-check.js'

export function findClaude(path: string | undefined): string | undefined {
  return findExecutable('claude', path)
}

export interface ClaudePreflightOptions {
  provider: string
  resolveAuth: (ctx: ProviderContext) => Promise<AuthResult>
  /** The endpoint jobs will use, and the variable that set it (named when it is not a URL). */
  baseUrl: string
  baseUrlVariable: string
  endpoint: ClaudeEndpointOptions
  /** What the `model` check says (the default, and what --model may name). */
  modelDetail: string
}

/** claude present and answering --version, a resolvable credential, an endpoint that takes it, the model policy. */
export async function claudePreflight(ctx: ProviderContext, o: ClaudePreflightOptions): Promise<PreflightReport> {
  const checks: PreflightCheck[] = []
  let reason: string | undefined
  checks.push(await binaryCheck('claude', findClaude(ctx.env.PATH), ctx, {install: 'npm i -g @anthropic-ai/claude-code'}))
  const auth = await authCheck(() => o.resolveAuth(ctx))
  checks.push(auth.check, ...auth.warnings)
  if (!auth.auth) reason = 'provider_auth_failed'
  const usable = isHttpUrl(o.baseUrl)
  checks.push(usable ? {name: 'base URL', status: 'ok', detail: o.baseUrl} : {name: 'base URL', status: 'fail', detail: `${o.baseUrlVariable} ${JSON.stringify(o.baseUrl)} is not an http(s) URL`})
  if (usable && auth.auth) {
    const endpoint = await claudeEndpointCheck(o.baseUrl, auth.auth, ctx, o.endpoint)
    checks.push(endpoint)
    if (endpoint.status === 'fail') reason = 'provider_auth_failed'
  }
  checks.push({name: 'model', status: 'ok', detail: o.modelDetail})
  const passed = checks.every((c) => c.status !== 'fail')
  return {provider: o.provider, passed, checks, ...(passed || !reason ? {} : {reason_code: reason})}
}
