import {type ProbeResult, type ProviderContext} from '@dx-runner/provider'
import {probeThroughCli} from '@dx-runner/provider-utils'
import {opencodeProvider} from './provider.js'

/** One tiny real request through `opencode run`, with a timeout. */
export async function probe(ctx: ProviderContext, model = 'glm-5'): Promise<ProbeResult> {
  return probeThroughCli(opencodeProvider, ctx, model)
}
