import type {PreflightReport, ProviderContext} from '@dx-runner/provider'
import {claudePreflight} from '@dx-runner/provider-utils/claude-code'
import {baseUrlFrom} from './base-url.js'
import {resolveAuth} from './resolve-auth.js'

export {findClaude} from '@dx-runner/provider-utils/claude-code'

/** claude present and answering --version, a resolvable credential, an endpoint that takes it, the model policy. */
export function preflight(ctx: ProviderContext): Promise<PreflightReport> {
  return claudePreflight(ctx, {
    provider: 'cc-glm',
    resolveAuth,
    baseUrl: baseUrlFrom(ctx.env),
    baseUrlVariable: 'CC_GLM_BASE_URL',
    endpoint: {secretEnv: 'ANTHROPIC_AUTH_TOKEN', model: 'glm-5'},
    modelDetail: 'default glm-5 (any model the endpoint serves may be given with --model)',
  })
}
