import {type ProbeResult, type ProviderContext, type ProviderV1} from '@dx-runner/provider'
import {probeClaude} from '@dx-runner/provider-utils/claude-code'

/** One tiny real request through claude (the provider passes itself, so this file needs nothing of it): does the model answer now? */
export function probe(provider: ProviderV1, ctx: ProviderContext, model = 'glm-5'): Promise<ProbeResult> {
  return probeClaude(provider, ctx, model)
}
