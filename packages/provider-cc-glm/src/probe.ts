import {type ProbeResult, type ProviderContext} from '@dx-runner/provider'
import {probeThroughCli} from '@dx-runner/provider-utils'
import {ccGlmProvider} from './provider.js'

/** One tiny real request through claude (no retries): does the model answer now? */
export async function probe(ctx: ProviderContext, model = 'glm-5'): Promise<ProbeResult> {
  return probeThroughCli(ccGlmProvider, ctx, model, {
    env: {CLAUDE_CODE_MAX_RETRIES: '0'},
    describe: (t) => `answered: ${JSON.stringify((t.result?.text ?? '').slice(0, 60))}`,
  })
}
