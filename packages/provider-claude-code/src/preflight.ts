import type {PreflightReport, ProviderContext} from '@dx-runner/provider'
import {claudePreflight} from '@dx-runner/provider-utils/claude-code'
import {baseUrlFrom} from './base-url.js'
import {DEFAULT_MODEL} from './default-model.js'
import {resolveAuth} from './resolve-auth.js'

/** claude present and answering --version, a resolvable key, an endpoint that takes it, the model policy. */
export function preflight(ctx: ProviderContext): Promise<PreflightReport> {
  return claudePreflight(ctx, {
    provider: 'claude-code',
    resolveAuth,
    baseUrl: baseUrlFrom(ctx.env),
    baseUrlVariable: 'CLAUDE_CODE_BASE_URL',
    endpoint: {secretEnv: 'ANTHROPIC_API_KEY', model: DEFAULT_MODEL},
    modelDetail: `default ${DEFAULT_MODEL} (any Claude model id or alias claude takes may be given with --model)`,
  })
}
