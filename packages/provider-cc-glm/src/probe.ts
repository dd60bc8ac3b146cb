import {type ProbeResult, type ProviderContext, type ProviderV1} from '@dx-runner/provider'
import {probeThroughCli} from '@dx-runner/provider-utils'

/** One tiny real request (the provider passes itself, so this file needs nothing of it) through claude (no retries): does the model answer now? */
export async function probe(provider: ProviderV1, ctx: ProviderContext, model = 'glm-5'): Promise<ProbeResult> {
  return probeThroughCli(provider, ctx, model, {
    env: {CLAUDE_CODE_MAX_RETRIES: '0'},
    describe: (t) => `answered: ${JSON.stringify((t.result?.text ?? '').slice(0, 60))}`,
  })
}
