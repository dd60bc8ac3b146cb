import {type ProbeResult, type ProviderContext, type ProviderV1} from '@dx-runner/provider'
import {probeThroughCli} from '@dx-runner/provider-utils'

/** One tiny real request (the provider passes itself, so this file needs nothing of it) through `opencode run`, with a timeout. */
export async function probe(provider: ProviderV1, ctx: ProviderContext, model = 'glm-5'): Promise<ProbeResult> {
  return probeThroughCli(provider, ctx, model)
}
