import {type ProbeResult, type ProviderContext} from '@dx-runner/provider'
import {probeThroughCli} from '@dx-runner/provider-utils'
import {geminiProvider} from './provider.js'

/** One tiny real request through gemini, with a timeout. */
export async function probe(ctx: ProviderContext, model = 'gemini-2.5-pro'): Promise<ProbeResult> {
  return probeThroughCli(geminiProvider, ctx, model)
}
